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
 * @param value             the work item (the envelope JSON) as text; only filled by {@code show}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DeadLetter(String id, String module, int partition, long offset, String key, String deliveryId, String event,
                         String errorClass, String errorMessage, int attempts, Instant firstFailedAt,
                         String originalTopic, int originalPartition, long originalOffset, int replayCount,
                         String replayOf, Instant deadLetteredAt, String value) {

    public DeadLetter {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(module, "module");
    }

    /** The same dead letter without its value (listings stay small when payloads are large). */
    public DeadLetter withoutValue() {
        return new DeadLetter(id, module, partition, offset, key, deliveryId, event, errorClass, errorMessage, attempts,
                firstFailedAt, originalTopic, originalPartition, originalOffset, replayCount, replayOf, deadLetteredAt, null);
    }

    /** The id of the dead letter at {@code offset} of partition {@code partition} of module {@code module}'s topic. */
    public static String idOf(String module, int partition, long offset) {
        return module + ":" + partition + ":" + offset;
    }
}
