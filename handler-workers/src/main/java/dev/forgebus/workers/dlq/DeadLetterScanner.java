package dev.forgebus.workers.dlq;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import dev.forgebus.common.kafka.TopicNames;

/**
 * Reads dead-letter (and replay-mark) topics for {@link DeadLetters}: assigned consumers, no
 * consumer group (no offsets left behind), {@code read_committed}, from a start position up to the
 * end offsets taken when the read began, so every read terminates, within {@code timeout}.
 */
final class DeadLetterScanner {
    private static final Duration POLL = Duration.ofMillis(200);
    private static final AtomicInteger CLIENTS = new AtomicInteger();

    private final String bootstrapServers;
    private final TopicNames topics;
    private final Duration timeout;

    DeadLetterScanner(String bootstrapServers, TopicNames topics, Duration timeout) {
        this.bootstrapServers = bootstrapServers;
        this.topics = topics;
        this.timeout = timeout;
    }

    Duration timeout() {
        return timeout;
    }

    /** Feeds every dead letter of {@code sources} written since {@code since} to {@code sink}, partition by partition in offset order. */
    void scan(List<DeadLetterSource> sources, Optional<Instant> since, BiConsumer<DeadLetterSource, ConsumerRecord<byte[], byte[]>> sink) {
        try (KafkaConsumer<byte[], byte[]> consumer = newConsumer()) {
            Set<String> existing = consumer.listTopics(timeout).keySet();
            Map<String, DeadLetterSource> sourceOfTopic = new HashMap<>();
            List<TopicPartition> partitions = new ArrayList<>();
            for (DeadLetterSource s : sources) {
                String topic = s.deadLetterTopic(topics);
                if (existing.contains(topic)) {
                    sourceOfTopic.put(topic, s);
                    for (PartitionInfo info : consumer.partitionsFor(topic, timeout)) {
                        partitions.add(new TopicPartition(topic, info.partition()));
                    }
                }
            }
            if (partitions.isEmpty()) {
                return;
            }
            consumer.assign(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
            if (since.isPresent()) {
                Map<TopicPartition, Long> query = new HashMap<>();
                partitions.forEach(tp -> query.put(tp, since.get().toEpochMilli()));
                Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(query, timeout);
                for (TopicPartition tp : partitions) {
                    OffsetAndTimestamp at = found.get(tp);
                    consumer.seek(tp, at == null ? end.get(tp) : at.offset());
                }
            } else {
                consumer.seekToBeginning(partitions);
            }
            long sinceMillis = since.map(Instant::toEpochMilli).orElse(Long.MIN_VALUE);
            readUntilEnd(consumer, end, record -> {
                if (record.timestamp() >= sinceMillis) {
                    sink.accept(sourceOfTopic.get(record.topic()), record);
                }
            });
        }
    }

    /** The record a dead-letter id names, if its topic, partition and offset exist. */
    Optional<ConsumerRecord<byte[], byte[]>> readOne(DeadLetterId id) {
        String topic = id.source().deadLetterTopic(topics);
        try (KafkaConsumer<byte[], byte[]> consumer = newConsumer()) {
            if (!consumer.listTopics(timeout).containsKey(topic)
                    || consumer.partitionsFor(topic, timeout).stream().noneMatch(p -> p.partition() == id.partition())) {
                return Optional.empty();
            }
            TopicPartition tp = new TopicPartition(topic, id.partition());
            consumer.assign(List.of(tp));
            long end = consumer.endOffsets(List.of(tp), timeout).get(tp);
            long start = consumer.beginningOffsets(List.of(tp), timeout).get(tp);
            if (id.offset() >= end || id.offset() < start) {
                return Optional.empty();
            }
            consumer.seek(tp, id.offset());
            List<ConsumerRecord<byte[], byte[]>> found = new ArrayList<>(1);
            readUntil(consumer, Map.of(tp, end), record -> {
                if (record.offset() == id.offset()) {
                    found.add(record);
                }
            }, () -> !found.isEmpty());
            return found.stream().findFirst();
        }
    }

    void readUntilEnd(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> end,
                              java.util.function.Consumer<ConsumerRecord<byte[], byte[]>> sink) {
        readUntil(consumer, end, sink, () -> false);
    }

    /** Polls until every partition reached its end offset (or {@code done} says so), within the timeout. */
    private void readUntil(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> end,
                           java.util.function.Consumer<ConsumerRecord<byte[], byte[]>> sink, java.util.function.BooleanSupplier done) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Set<TopicPartition> open = new HashSet<>(end.keySet());
        open.removeIf(tp -> consumer.position(tp, timeout) >= end.get(tp));
        consumer.pause(end.keySet().stream().filter(tp -> !open.contains(tp)).toList());
        while (!open.isEmpty() && !done.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("timed out after " + timeout + " reading " + open + " from Kafka");
            }
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                TopicPartition tp = new TopicPartition(record.topic(), record.partition());
                if (record.offset() < end.get(tp)) {
                    sink.accept(record);
                }
            }
            List<TopicPartition> finished = open.stream().filter(tp -> consumer.position(tp, timeout) >= end.get(tp)).toList();
            if (!finished.isEmpty()) {
                finished.forEach(open::remove);
                consumer.pause(finished);
            }
        }
    }

    KafkaConsumer<byte[], byte[]> newConsumer() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "forgebus-dlq-" + CLIENTS.incrementAndGet());
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return new KafkaConsumer<>(p);
    }
}
