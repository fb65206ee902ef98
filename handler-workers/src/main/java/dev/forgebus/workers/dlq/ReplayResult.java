package dev.forgebus.workers.dlq;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What a replay did (or, on a dry run, would do).
 *
 * @param replayed the dead letters sent back to work, oldest first
 * @param notFound requested ids that name no dead letter
 */
public record ReplayResult(boolean dryRun, List<Replayed> replayed, List<String> notFound) {

    public ReplayResult {
        replayed = List.copyOf(replayed);
        notFound = List.copyOf(notFound);
    }

    /**
     * One replayed dead letter.
     *
     * @param deadLetterId the dead letter's id (the new work item's {@code replay-of})
     * @param replayCount  the new work item's {@code replay-count}
     * @param topic        the work topic it went to
     * @param partition    where the new work item landed; null on a dry run
     * @param offset       where the new work item landed; null on a dry run
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Replayed(String deadLetterId, String module, String key, String deliveryId, String event,
                           int replayCount, String topic, Integer partition, Long offset) {
    }
}
