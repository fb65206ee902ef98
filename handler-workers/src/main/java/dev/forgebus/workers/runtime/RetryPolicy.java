package dev.forgebus.workers.runtime;

import java.time.Duration;
import java.util.List;

import dev.forgebus.forge.ForgeCallException;
import dev.forgebus.workers.InvalidInputException;

/**
 * SPEC 7.1's failure taxonomy as a pure function from (failure, attempt) to a {@link Decision}:
 * <ul>
 *   <li>{@code PERMANENT}: dead letter at once;</li>
 *   <li>{@code TRANSIENT} and any exception that is not a {@link ForgeCallException} (a bug must not
 *       lose the item): retry after {@link #backoffBefore(int) backoff[attempt - 1]};</li>
 *   <li>{@code RATE_LIMITED}: retry after the forge's {@code Retry-After}, or the backoff when it
 *       sent none;</li>
 *   <li>a call the gate refused during a forge pause ({@link ForgeCallException#refusedByGate()}):
 *       {@link Decision.Parked parked} until the pause ends, no attempt spent, whatever the attempt;
 *       from the {@value #MAX_PARKINGS}th parking of the item on it counts as {@code RATE_LIMITED}
 *       (an attempt), so an item whose forge pauses its credential without end still ends in the
 *       dead-letter topic;</li>
 *   <li>any failure of attempt {@code maxAttempts}: dead letter.</li>
 * </ul>
 *
 * @param maxAttempts attempts in all, the first included (at least 1)
 * @param backoff     wait before retry 1, 2, ...; the last entry repeats; empty means no wait
 */
public record RetryPolicy(int maxAttempts, List<Duration> backoff) {

    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
        }
        backoff = List.copyOf(backoff);
        for (Duration d : backoff) {
            if (d.isNegative()) {
                throw new IllegalArgumentException("backoff entries must not be negative, got " + d);
            }
        }
    }

    /**
     * Parkings ({@link Decision.Parked}) an item may have without spending attempts. Each lasts
     * until the forge's pause ends, at most {@link RateLimitedCallGate#MAX_FORGE_PAUSE} (an hour):
     * 24 allow a day of a spent budget, more than any forge asks for in good faith.
     */
    public static final int MAX_PARKINGS = 24;

    /** {@link #afterFailure(Throwable, int, int)} for an item never parked. */
    public Decision afterFailure(Throwable failure, int attempt) {
        return afterFailure(failure, attempt, 0);
    }

    /**
     * The decision after attempt number {@code attempt} (1-based) failed with {@code failure}, for an
     * item parked {@code parkings} times before.
     */
    public Decision afterFailure(Throwable failure, int attempt, int parkings) {
        Failure why = Failure.of(failure);
        if (failure instanceof ForgeCallException e && e.refusedByGate() && parkings < MAX_PARKINGS) {
            return new Decision.Parked(e.retryAfter().filter(d -> !d.isNegative()).orElse(backoffBefore(attempt)), why);
        }
        if (failure instanceof ForgeCallException e && e.kind() == ForgeCallException.Kind.PERMANENT
                || failure instanceof InvalidInputException) {
            return new Decision.DeadLetter(why);
        }
        if (attempt >= maxAttempts) {
            return new Decision.DeadLetter(why);
        }
        Duration wait = failure instanceof ForgeCallException e && e.kind() == ForgeCallException.Kind.RATE_LIMITED
                ? e.retryAfter().filter(d -> !d.isNegative()).orElse(backoffBefore(attempt))
                : backoffBefore(attempt);
        return new Decision.RetryAfter(wait, why);
    }

    /** The wait before retry number {@code retry} (1-based); the last entry repeats. */
    public Duration backoffBefore(int retry) {
        if (backoff.isEmpty()) {
            return Duration.ZERO;
        }
        return backoff.get(Math.min(Math.max(retry, 1), backoff.size()) - 1);
    }
}
