package dev.forgebus.workers.dlq;

import java.time.Instant;
import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One dead letter as {@code forgebus dlq list|show} and {@code GET /admin/dlq} print it. Values
 * are webhook payloads and the forge's messages, never credentials.
 *
 * @param id                {@code module:partition:offset} in the dead-letter topic; what
 *                          {@code show} and {@code replay --id} take
 * @param module            the source: a module id, or {@code dedup} for raw records dedup-streams
 *                          could not process
 * @param key               the record key, {@code <forgeId>/<owner>/<repo>}
 * @param deliveryId        the webhook delivery it came from, "" when unknown
 * @param event             {@code event.action} (e.g. {@code issues.opened}), "" when unknown
 * @param errorClass        {@code TRANSIENT}, {@code RATE_LIMITED}, {@code PERMANENT}, {@code UNREADABLE} or an exception's name
 * @param attempts          attempts made before it was dead-lettered
 * @param firstFailedAt     when its first attempt failed (null when the header is missing)
 * @param originalPartition -1 and {@code originalOffset} -1 when the headers are missing
 * @param replayCount       how many times the item had been replayed when it failed this time
 * @param replayOf          the dead letter this item was a replay of, null for a first failure
 * @param deadLetteredAt    the dead letter's record timestamp
 * @param replayed          whether, when and how often this dead letter was replayed; null when never
 * @param value             the work item (the envelope JSON; for dedup, the webhook body) as text;
 *                          only filled by {@code show}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DeadLetter(String id, String module, int partition, long offset, String key, String deliveryId, String event,
                         String errorClass, String errorMessage, int attempts, Instant firstFailedAt,
                         String originalTopic, int originalPartition, long originalOffset, int replayCount,
                         String replayOf, Instant deadLetteredAt, ReplayMark replayed, String value) {

    public DeadLetter {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(module, "module");
    }

    /** The same dead letter without its value (listings stay small when payloads are large). */
    public DeadLetter withoutValue() {
        return new DeadLetter(id, module, partition, offset, key, deliveryId, event, errorClass, errorMessage, attempts,
                firstFailedAt, originalTopic, originalPartition, originalOffset, replayCount, replayOf, deadLetteredAt, replayed, null);
    }

    /** The same dead letter with its replay record. */
    public DeadLetter withReplayed(ReplayMark mark) {
        return new DeadLetter(id, module, partition, offset, key, deliveryId, event, errorClass, errorMessage, attempts,
                firstFailedAt, originalTopic, originalPartition, originalOffset, replayCount, replayOf, deadLetteredAt, mark, value);
    }

    /** The id of the dead letter at {@code offset} of partition {@code partition} of module {@code module}'s topic. */
    public static String idOf(String module, int partition, long offset) {
        return module + ":" + partition + ":" + offset;
    }
}
