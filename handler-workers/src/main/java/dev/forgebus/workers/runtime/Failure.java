package dev.forgebus.workers.runtime;

import java.util.Objects;

import dev.forgebus.forge.ForgeCallException;
import dev.forgebus.workers.InvalidInputException;

/**
 * Why one attempt failed, as it goes into the dead letter's {@code error.class} and
 * {@code error.message} headers and the DEAD_LETTER outcome.
 *
 * @param errorClass {@code TRANSIENT}, {@code RATE_LIMITED} or {@code PERMANENT} for a
 *                   {@link ForgeCallException}, {@code INVALID_PAYLOAD} or {@code INVALID_SETTINGS}
 *                   for an {@link InvalidInputException}, {@value #UNREADABLE} for a work item that is not an
 *                   envelope, else the simple name of the exception the handler threw
 * @param message    the forge's own message (a {@link ForgeCallException} never holds a token);
 *                   for other exceptions their message, cut to {@value #MAX_MESSAGE_CHARS} characters
 */
public record Failure(String errorClass, String message) {

    public static final String UNREADABLE = "UNREADABLE";
    public static final String UNREADABLE_MESSAGE = "unreadable work item";
    static final int MAX_MESSAGE_CHARS = 1000;

    public Failure {
        Objects.requireNonNull(errorClass, "errorClass");
        message = message == null ? "" : cut(message);
    }

    /** The work item's value is not an envelope (bad JSON, no value). */
    public static Failure unreadable() {
        return new Failure(UNREADABLE, UNREADABLE_MESSAGE);
    }

    /** A failure thrown by a handler. */
    public static Failure of(Throwable failure) {
        if (failure instanceof ForgeCallException e) {
            return new Failure(e.kind().name(), e.getMessage());
        }
        if (failure instanceof InvalidInputException e) {
            return new Failure(e.kind().errorClass(), e.getMessage());
        }
        String message = failure.getMessage();
        String name = failure.getClass().getSimpleName();
        return new Failure(name.isEmpty() ? failure.getClass().getName() : name, message == null ? "" : message);
    }

    /** One line for the outcome and the log: {@code PERMANENT: 404 Not Found}. */
    public String reason() {
        return message.isEmpty() ? errorClass : errorClass + ": " + message;
    }

    private static String cut(String message) {
        return message.length() <= MAX_MESSAGE_CHARS ? message : message.substring(0, MAX_MESSAGE_CHARS - 3) + "...";
    }
}
