package dev.forgebus.dedup;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.errors.ErrorHandlerContext;

import dev.forgebus.common.kafka.DeadLetterHeaders;
import dev.forgebus.common.kafka.TopicNames;

/**
 * Builds the dead letters of dedup's error handlers: the raw record being processed (its key,
 * value and headers as read), plus the dead-letter headers, for {@code <prefix>.dlq.dedup}. The
 * processor writes its own letters the same way ({@link DeduplicateAndRoute}).
 */
final class DedupDeadLetters {
    /** The Streams property through which the handlers learn the topic prefix. */
    static final String TOPIC_PREFIX_CONFIG = "forgebus.topic.prefix";

    private final TopicNames topics;
    private final Clock clock;

    private DedupDeadLetters(TopicNames topics, Clock clock) {
        this.topics = topics;
        this.clock = clock;
    }

    static DedupDeadLetters fromConfigs(Map<String, ?> configs) {
        Object prefix = configs.get(TOPIC_PREFIX_CONFIG);
        return new DedupDeadLetters(new TopicNames(prefix == null ? "forgebus" : prefix.toString()), Clock.systemUTC());
    }

    String topic() {
        return topics.dedupDeadLetters();
    }

    ProducerRecord<byte[], byte[]> of(ErrorHandlerContext context, DeadLetterReason reason, String message) {
        Headers headers = headers(topics, context.headers(), reason, message, clock.instant(),
                Optional.of(new Origin(context.topic(), context.partition(), context.offset())));
        return new ProducerRecord<>(topic(), null, context.sourceRawKey(), context.sourceRawValue(), headers);
    }

    /** Where a raw record was read: {@code original.*} headers. */
    record Origin(String topic, int partition, long offset) {
    }

    /** The raw record's headers (copied) plus the dead-letter headers, for every writer of dedup's letters. */
    static Headers headers(TopicNames topics, Headers raw, DeadLetterReason reason, String message, Instant failedAt,
                           Optional<Origin> origin) {
        Headers headers = new RecordHeaders(raw.toArray());
        DeadLetterHeaders.put(headers, topics, DeadLetterHeaders.ERROR_CLASS, reason.name());
        DeadLetterHeaders.put(headers, topics, DeadLetterHeaders.ERROR_MESSAGE, DeadLetterReason.bounded(message));
        DeadLetterHeaders.put(headers, topics, DeadLetterHeaders.ERROR_ATTEMPTS, "1");
        DeadLetterHeaders.put(headers, topics, DeadLetterHeaders.ERROR_FIRST_FAILED_AT, failedAt.toString());
        origin.ifPresent(o -> {
            DeadLetterHeaders.put(headers, topics, DeadLetterHeaders.ORIGINAL_TOPIC, o.topic());
            DeadLetterHeaders.put(headers, topics, DeadLetterHeaders.ORIGINAL_PARTITION, Integer.toString(o.partition()));
            DeadLetterHeaders.put(headers, topics, DeadLetterHeaders.ORIGINAL_OFFSET, Long.toString(o.offset()));
        });
        return headers;
    }
}
