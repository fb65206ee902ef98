package dev.forgebus.workers;

import java.util.Objects;

/**
 * A work item that no retry can mend: its payload lacks what the module needs, or the settings
 * that apply to its repository are invalid. Not a forge call's failure, so the trace says what
 * was wrong ({@code INVALID_PAYLOAD: ...}, {@code INVALID_SETTINGS: ...}) rather than a made-up
 * HTTP status; the runtime dead-letters it at the first attempt.
 *
 * <p>Unchecked so that a handler can throw it from any depth without widening every signature;
 * the runtime treats it like {@code PERMANENT}. Its message must name what is missing, never
 * echo input at length (it is cut like every failure message) and never hold a secret.
 */
public final class InvalidInputException extends RuntimeException {

    /** What was invalid; {@link #errorClass()} is the {@code error.class} of the dead letter. */
    public enum Kind {
        PAYLOAD("INVALID_PAYLOAD"),
        SETTINGS("INVALID_SETTINGS");

        private final String errorClass;

        Kind(String errorClass) {
            this.errorClass = errorClass;
        }

        public String errorClass() {
            return errorClass;
        }
    }

    private final Kind kind;

    private InvalidInputException(Kind kind, String message) {
        super(Objects.requireNonNull(message, "message"), null, false, false);
        this.kind = Objects.requireNonNull(kind, "kind");
    }

    /** The item's payload lacks what the module needs (a number, a ref, a tag). */
    public static InvalidInputException payload(String message) {
        return new InvalidInputException(Kind.PAYLOAD, message);
    }

    /** The settings that apply to the item's repository cannot be used. */
    public static InvalidInputException settings(String message) {
        return new InvalidInputException(Kind.SETTINGS, message);
    }

    public Kind kind() {
        return kind;
    }
}
