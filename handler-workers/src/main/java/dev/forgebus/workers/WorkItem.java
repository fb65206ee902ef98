package dev.forgebus.workers;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

import dev.forgebus.common.event.EventEnvelope;

/**
 * One delivery of a work item to a handler: the event, and what the runtime knows about it. All of
 * it travels with the item in Kafka headers, so it survives restarts.
 *
 * @param envelope       the event
 * @param attempt        this attempt's number, 1 for the first; only failures spend attempts
 * @param firstFailedAt  when an earlier attempt first failed; empty when none did
 * @param recheck        whether this delivery is a re-check the handler asked for
 *                       ({@link Result.RecheckAfter})
 * @param rechecks       re-checks so far (this one included when {@code recheck})
 */
public record WorkItem(EventEnvelope envelope, int attempt, Optional<Instant> firstFailedAt, boolean recheck, int rechecks) {

    public WorkItem {
        Objects.requireNonNull(envelope, "envelope");
        Objects.requireNonNull(firstFailedAt, "firstFailedAt");
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt must be at least 1, got " + attempt);
        }
        if (rechecks < 0) {
            throw new IllegalArgumentException("rechecks must not be negative, got " + rechecks);
        }
    }

    /** A first delivery: attempt 1, no failure, no re-check (tools and tests). */
    public static WorkItem first(EventEnvelope envelope) {
        return new WorkItem(envelope, 1, Optional.empty(), false, 0);
    }

    /** Whether this delivery is a re-check the handler asked for. */
    public boolean isRecheck() {
        return recheck;
    }
}
