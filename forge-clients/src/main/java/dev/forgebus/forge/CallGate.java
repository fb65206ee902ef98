package dev.forgebus.forge;

import java.time.Duration;
import java.time.Instant;
import java.util.OptionalLong;

/**
 * The door every forge API call passes: {@link #acquire} before the request (blocks until the
 * credential's budget allows it), {@link #observe} after the answer (so the budget also follows
 * what the forge reports). The worker runtime implements it with one resilience4j rate limiter
 * per credential; tests may use {@link #OPEN}. While the forge has paused a credential for long,
 * a gate may refuse at once ({@link ForgeCallException#refusedByGate()}) rather than block the caller.
 *
 * <p>The two refinements, {@link CallKind} on acquire and {@link Observation#billed()} on observe,
 * have defaults, so a gate that ignores them (a test's recording gate) stays correct: it only
 * paces more conservatively than it could.
 */
public interface CallGate {

    /** What a call does to the forge, for forges that budget writes apart from reads. */
    enum CallKind {
        /** GET and HEAD. */
        READ,
        /**
         * POST, PATCH, PUT, DELETE: GitHub counts these against a secondary limit of its own
         * ("content-creating requests", 80 a minute), on top of the hourly budget.
         */
        WRITE
    }

    /**
     * What one answer said about the budget. Every field but {@code billed} may be absent.
     *
     * @param remaining  {@code x-ratelimit-remaining}
     * @param resetAt    {@code x-ratelimit-reset} (epoch seconds)
     * @param retryAfter {@code Retry-After}, or the pause a rate-limit answer implies without one
     * @param billed     false when the forge did not count the call against the budget (a
     *                   {@code 304 Not Modified} to a conditional request): the gate may give the
     *                   call's permit back
     */
    record Observation(OptionalLong remaining, Instant resetAt, Duration retryAfter, boolean billed) {

        /** A billed call's observation. */
        public Observation(OptionalLong remaining, Instant resetAt, Duration retryAfter) {
            this(remaining, resetAt, retryAfter, true);
        }

        /** This observation with {@code billed} set to false. */
        public Observation unbilled() {
            return new Observation(remaining, resetAt, retryAfter, false);
        }
    }

    /**
     * Waits until a call with this credential may go out.
     *
     * @param credentialId names the credential (e.g. {@code github} or {@code github/MyOrg}), never its value
     * @throws ForgeCallException a gate may refuse instead of waiting, when the forge paused the
     *         credential for long ({@link ForgeCallException#refusedByGate()}, RATE_LIMITED with the
     *         time left); then no call goes out and {@link #observe} must not follow
     */
    void acquire(String credentialId) throws InterruptedException, ForgeCallException;

    /**
     * As {@link #acquire(String)}, saying what kind of call follows; gates that budget writes
     * apart override it. The default treats every call alike.
     */
    default void acquire(String credentialId, CallKind kind) throws InterruptedException, ForgeCallException {
        acquire(credentialId);
    }

    /** Reports the budget headers of one answer. */
    void observe(String credentialId, Observation observation);

    /** No limits: for tests and tools. */
    CallGate OPEN = new CallGate() {
        @Override
        public void acquire(String credentialId) {
        }

        @Override
        public void observe(String credentialId, Observation observation) {
        }
    };
}
