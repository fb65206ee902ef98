package dev.forgebus.common.event;

import java.time.Instant;

/**
 * How one module's work on one delivery ended, written by the workers to
 * {@code forgebus.outcomes} (keyed like the work item, so co-partitioned with the raw topic).
 * dedup-streams reads it to re-route a redelivered delivery to the modules that dead-lettered
 * it; the delivery trace reads it to show each module's outcome.
 *
 * @param status   {@link Status#DONE} or {@link Status#DEAD_LETTER}
 * @param attempts attempts made, the first included
 * @param error    the reason of a dead letter; for a done item, a note when the handler had one
 *                 (e.g. a repository's broken {@code .ops.yaml} was ignored), else ""; never a secret
 */
public record WorkOutcome(String forge, String deliveryId, String module, Status status, int attempts,
                          String error, Instant at) {

    /** Closed set of final states of one work item. */
    public enum Status { DONE, DEAD_LETTER }

    public byte[] toJson() {
        return Json.write(this);
    }

    public static WorkOutcome fromJson(byte[] json) {
        return Json.read(json, WorkOutcome.class);
    }
}
