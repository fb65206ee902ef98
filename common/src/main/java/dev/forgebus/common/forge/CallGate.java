package dev.forgebus.common.forge;

import java.time.Duration;
import java.time.Instant;
import java.util.OptionalLong;

/**
 * The door every forge API call passes: {@link #acquire} before the request (blocks until the
 * credential's budget allows it), {@link #observe} after the answer (so the budget also follows
 * what the forge reports). The worker runtime implements it with one resilience4j rate limiter
 * per credential; tests may use {@link #OPEN}.
 */
public interface CallGate {

    /**
     * What one answer said about the budget. Every field may be absent.
     *
     * @param remaining  {@code x-ratelimit-remaining}
     * @param resetAt    {@code x-ratelimit-reset} (epoch seconds)
     * @param retryAfter {@code Retry-After}
     */
    record Observation(OptionalLong remaining, Instant resetAt, Duration retryAfter) {
    }

    /**
     * Waits until a call with this credential may go out.
     *
     * @param credentialId names the credential (e.g. {@code github} or {@code github/MyOrg}), never its value
     */
    void acquire(String credentialId) throws InterruptedException;

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
