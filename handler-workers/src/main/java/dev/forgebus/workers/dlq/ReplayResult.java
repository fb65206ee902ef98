package dev.forgebus.workers.dlq;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * What a replay did (or, on a dry run, would do).
 *
 * @param replayed the dead letters sent back, oldest first
 * @param skipped  selected dead letters not sent, with the reason (replayed before, without {@code again})
 * @param notFound requested ids that name no dead letter
 */
public record ReplayResult(boolean dryRun, List<Replayed> replayed, List<Skipped> skipped, List<String> notFound) {

    public ReplayResult {
        replayed = List.copyOf(replayed);
        skipped = List.copyOf(skipped);
        notFound = List.copyOf(notFound);
    }

    /**
     * One replayed dead letter.
     *
     * @param deadLetterId the dead letter's id (the new record's {@code replay-of})
     * @param module       its source: a module id or {@code dedup}
     * @param replayCount  the new record's {@code replay-count}
     * @param topic        the topic it went to: {@code work.<module>}, or {@code raw} for dedup's
     * @param partition    where the new record landed; null on a dry run
     * @param offset       where the new record landed; null on a dry run
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Replayed(String deadLetterId, String module, String key, String deliveryId, String event,
                           int replayCount, String topic, Integer partition, Long offset) {
    }

    /**
     * A selected dead letter that was not replayed.
     *
     * @param reason   why, in words
     * @param replayed its replay record
     */
    public record Skipped(String deadLetterId, String reason, ReplayMark replayed) {
    }
}
