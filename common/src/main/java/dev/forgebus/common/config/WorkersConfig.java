package dev.forgebus.common.config;

import java.time.Duration;
import java.util.List;

/**
 * Retry policy of the worker runtime for transient failures.
 *
 * @param maxAttempts attempts in all, the first included, before a work item is dead-lettered
 * @param backoff     wait before retry 1, 2, ...; when there are more retries than entries the
 *                    last entry repeats
 */
public record WorkersConfig(int maxAttempts, List<Duration> backoff) {

    public static final int DEFAULT_MAX_ATTEMPTS = 5;
    public static final List<Duration> DEFAULT_BACKOFF = List.of(Duration.ofSeconds(1), Duration.ofSeconds(5),
            Duration.ofSeconds(30), Duration.ofMinutes(2), Duration.ofMinutes(10));

    public WorkersConfig {
        backoff = List.copyOf(backoff);
    }

    public static WorkersConfig defaults() {
        return new WorkersConfig(DEFAULT_MAX_ATTEMPTS, DEFAULT_BACKOFF);
    }

    /** The wait before retry number {@code retry} (1-based). */
    public Duration backoffBefore(int retry) {
        if (backoff.isEmpty()) {
            return Duration.ZERO;
        }
        return backoff.get(Math.min(Math.max(retry, 1), backoff.size()) - 1);
    }
}
