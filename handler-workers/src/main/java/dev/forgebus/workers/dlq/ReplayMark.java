package dev.forgebus.workers.dlq;

import java.time.Instant;
import java.util.Objects;

/**
 * That a dead letter was replayed: the value of its record in the compacted topic
 * {@code <prefix>.dlq-replayed}, keyed by the dead letter's id.
 *
 * @param times   how many times it was replayed
 * @param firstAt when it was first replayed
 * @param lastAt  when it was last replayed
 */
public record ReplayMark(int times, Instant firstAt, Instant lastAt) {

    public ReplayMark {
        Objects.requireNonNull(firstAt, "firstAt");
        Objects.requireNonNull(lastAt, "lastAt");
    }

    /** The mark after one more replay at {@code now}; {@code previous} is null for the first. */
    static ReplayMark after(ReplayMark previous, Instant now) {
        return previous == null ? new ReplayMark(1, now, now) : new ReplayMark(previous.times + 1, previous.firstAt, now);
    }
}
