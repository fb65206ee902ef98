package dev.forgebus.dedup;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;

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
        Headers headers = new RecordHeaders(context.headers().toArray());
        DeadLetterHeaders.put(headers, topics, DeadLetterHeaders.ERROR_CLASS, reason.name());
        DeadLetterHeaders.put(headers, topics, DeadLetterHeaders.ERROR_MESSAGE, DeadLetterReason.bounded(message));
        DeadLetterHeaders.put(headers, topics, DeadLetterHeaders.ERROR_ATTEMPTS, "1");
        DeadLetterHeaders.put(headers, topics, DeadLetterHeaders.ERROR_FIRST_FAILED_AT, clock.instant().toString());
        DeadLetterHeaders.put(headers, topics, DeadLetterHeaders.ORIGINAL_TOPIC, context.topic());
        DeadLetterHeaders.put(headers, topics, DeadLetterHeaders.ORIGINAL_PARTITION, Integer.toString(context.partition()));
        DeadLetterHeaders.put(headers, topics, DeadLetterHeaders.ORIGINAL_OFFSET, Long.toString(context.offset()));
        return new ProducerRecord<>(topic(), null, context.sourceRawKey(), context.sourceRawValue(), headers);
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
