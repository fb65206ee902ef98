package dev.forgebus.forge;

import java.time.Duration;
import java.util.Optional;

/**
 * A forge API call that did not succeed, carrying its retry semantics in its {@link Kind} so the
 * worker runtime decides without parsing messages (as Kafka's {@code RetriableException} does).
 * The message holds the forge's own message and the route, never a token.
 */
public final class ForgeCallException extends Exception {

    /** The failure taxonomy of SPEC 7.1. */
    public enum Kind {
        /** Network error, timeout, 5xx: retry with the configured backoff. */
        TRANSIENT,
        /** 429, or 403 with {@code Retry-After} / {@code x-ratelimit-remaining: 0}: retry after {@link #retryAfter()}. */
        RATE_LIMITED,
        /** Any other 4xx: retrying cannot help; dead-letter with the reason. */
        PERMANENT
    }

    private final Kind kind;
    private final int status;
    private final Duration retryAfter;
    private final boolean refusedByGate;

    public ForgeCallException(Kind kind, int status, String message, Duration retryAfter) {
        this(kind, status, message, retryAfter, false);
    }

    private ForgeCallException(Kind kind, int status, String message, Duration retryAfter, boolean refusedByGate) {
        super(message, null, false, false);
        this.kind = kind;
        this.status = status;
        this.retryAfter = retryAfter;
        this.refusedByGate = refusedByGate;
    }

    public static ForgeCallException transientFailure(int status, String message) {
        return new ForgeCallException(Kind.TRANSIENT, status, message, null);
    }

    public static ForgeCallException rateLimited(int status, String message, Duration retryAfter) {
        return new ForgeCallException(Kind.RATE_LIMITED, status, message, retryAfter);
    }

    /**
     * The {@link CallGate} refused the call without sending it: the forge paused the credential
     * until {@code retryAfter} from now, longer than the gate waits. RATE_LIMITED, status 0.
     *
     * @param credentialId the credential's id (e.g. {@code github/MyOrg}), never its value
     */
    public static ForgeCallException refusedByGate(String credentialId, Duration retryAfter) {
        return new ForgeCallException(Kind.RATE_LIMITED, 0, "credential " + credentialId
                + " is paused by the forge for another " + retryAfter + "; the call was not sent", retryAfter, true);
    }

    public static ForgeCallException permanent(int status, String message) {
        return new ForgeCallException(Kind.PERMANENT, status, message, null);
    }

    public Kind kind() {
        return kind;
    }

    /** The HTTP status, or 0 when the call failed before one arrived. */
    public int status() {
        return status;
    }

    /**
     * True when the call never reached the forge: the gate refused it during a pause the forge
     * asked for ({@link #refusedByGate(String, Duration)}). Waiting out the forge's budget is not a
     * failure of the work, so the worker runtime does not count such a refusal as an attempt.
     */
    public boolean refusedByGate() {
        return refusedByGate;
    }

    /** How long the forge asked us to wait (rate-limited failures). */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
