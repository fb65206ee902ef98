package dev.forgebus.workers.dlq;

import dev.forgebus.common.kafka.DeadLetterHeaders;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import dev.forgebus.common.config.ModuleId;
import dev.forgebus.common.event.Json;
import dev.forgebus.common.kafka.RawRecordHeaders;
import dev.forgebus.common.kafka.TopicNames;
import dev.forgebus.workers.runtime.WorkerSettings;

/**
 * The operator's tools over the dead-letter topics {@code dlq.<module>} (SPEC 3 {@code dlq
 * list|show|replay}, SPEC 4 {@code /admin/dlq}). Reads with assigned consumers and no consumer
 * group (it leaves no offsets behind), from the beginning up to the end offsets taken when the
 * call started, so it always terminates. Thread-safe; close it to release the replay producer.
 *
 * <p>Replaying does not remove a dead letter (a Kafka log is append-only) and is not
 * deduplicated: replaying the same dead letter twice makes two work items. Handlers are
 * idempotent, so that costs forge calls, not double actions; use {@code dryRun} first.
 */
public final class DeadLetters implements AutoCloseable {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final AtomicInteger CLIENTS = new AtomicInteger();
    private static final Comparator<DeadLetter> OLDEST_FIRST = Comparator
            .comparing(DeadLetter::deadLetteredAt)
            .thenComparing(DeadLetter::module)
            .thenComparingInt(DeadLetter::partition)
            .thenComparingLong(DeadLetter::offset);

    private final String bootstrapServers;
    private final TopicNames topics;
    private final Duration timeout;
    private final long maxRecordBytes;
    private KafkaProducer<byte[], byte[]> producer;

    public DeadLetters(String bootstrapServers, TopicNames topics) {
        this(bootstrapServers, topics, DEFAULT_TIMEOUT, WorkerSettings.DEFAULT_MAX_RECORD_BYTES);
    }

    /**
     * @param timeout        the longest one call reads or waits for Kafka
     * @param maxRecordBytes the largest work item a replay sends
     */
    public DeadLetters(String bootstrapServers, TopicNames topics, Duration timeout, long maxRecordBytes) {
        this.bootstrapServers = bootstrapServers;
        this.topics = topics;
        this.timeout = timeout;
        this.maxRecordBytes = maxRecordBytes;
    }

    /**
     * The newest {@code limit} dead letters of one module (or of all), oldest of them first,
     * without their values.
     *
     * @param since only dead letters written at or after this instant
     */
    public List<DeadLetter> list(Optional<ModuleId> module, int limit, Optional<Instant> since) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, got " + limit);
        }
        PriorityQueue<DeadLetter> newest = new PriorityQueue<>(OLDEST_FIRST);
        scan(modules(module), since, (m, record) -> {
            newest.add(toDeadLetter(m, record, false));
            if (newest.size() > limit) {
                newest.poll();
            }
        });
        List<DeadLetter> result = new ArrayList<>(newest);
        result.sort(OLDEST_FIRST);
        return result;
    }

    /**
     * One dead letter with its value.
     *
     * @param id {@code module:partition:offset}
     * @throws IllegalArgumentException when {@code id} is malformed or names no module
     */
    public Optional<DeadLetter> show(String id) {
        DeadLetterId parsed = DeadLetterId.parse(id);
        return readOne(parsed).map(record -> toDeadLetter(parsed.module(), record, true));
    }

    /**
     * Sends matching dead letters back to {@code work.<module>}: the original key and value, every
     * original header except the dead letter's {@code error.*} and {@code original.*} ones, plus
     * {@code replay-of} (the dead letter's id) and {@code replay-count} (the dead letter's count
     * plus one). Returns once Kafka acknowledged every record.
     */
    public ReplayResult replay(ReplayRequest request) {
        List<Pending> pending = new ArrayList<>();
        List<String> notFound = new ArrayList<>();
        long sinceMillis = request.since().map(Instant::toEpochMilli).orElse(Long.MIN_VALUE);
        Replayer replayer = (m, record) -> {
            if (record.timestamp() >= sinceMillis) {
                pending.add(replayOne(m, record, request.dryRun()));
            }
        };
        if (request.ids().isEmpty()) {
            scan(modules(request.module()), request.since(), replayer);
        } else {
            Set<String> seen = new HashSet<>();
            for (String id : request.ids()) {
                DeadLetterId parsed = DeadLetterId.parse(id);
                if (!seen.add(parsed.toString())) {
                    continue; // the same dead letter named twice is replayed once
                }
                if (request.module().isPresent() && request.module().get() != parsed.module()) {
                    throw new IllegalArgumentException("dead letter " + parsed + " is not of module " + request.module().get().id());
                }
                readOne(parsed).ifPresentOrElse(record -> replayer.accept(parsed.module(), record),
                        () -> notFound.add(parsed.toString()));
            }
        }
        List<ReplayResult.Replayed> replayed = awaitAcknowledged(pending);
        return new ReplayResult(request.dryRun(), replayed, notFound);
    }

    @Override
    public synchronized void close() {
        if (producer != null) {
            producer.close(timeout);
            producer = null;
        }
    }

    // ---------------------------------------------------------------- replay

    @FunctionalInterface
    private interface Replayer {
        void accept(ModuleId module, ConsumerRecord<byte[], byte[]> record);
    }

    /** A dead letter being replayed: what to report, and the send to wait for (null on a dry run). */
    private record Pending(ReplayResult.Replayed item, long deadLetteredAt, Future<RecordMetadata> send) {
    }

    private Pending replayOne(ModuleId module, ConsumerRecord<byte[], byte[]> record, boolean dryRun) {
        String id = DeadLetter.idOf(module.id(), record.partition(), record.offset());
        int count = DeadLetterHeaders.replayCount(record.headers(), topics) + 1;
        Summary summary = summarize(record);
        String workTopic = topics.work(module.id());
        Future<RecordMetadata> send = null;
        if (!dryRun) {
            Headers headers = new RecordHeaders();
            for (Header header : record.headers()) {
                if (!DeadLetterHeaders.isFailureHeader(topics, header.key())
                        && !header.key().equals(topics.header(DeadLetterHeaders.REPLAY_OF))
                        && !header.key().equals(topics.header(DeadLetterHeaders.REPLAY_COUNT))) {
                    headers.add(header);
                }
            }
            DeadLetterHeaders.put(headers, topics, DeadLetterHeaders.REPLAY_OF, id);
            DeadLetterHeaders.put(headers, topics, DeadLetterHeaders.REPLAY_COUNT, Integer.toString(count));
            send = producer().send(new ProducerRecord<>(workTopic, null, null, record.key(), record.value(), headers));
        }
        ReplayResult.Replayed item = new ReplayResult.Replayed(id, module.id(), text(record.key()), summary.deliveryId(),
                summary.event(), count, workTopic, null, null);
        return new Pending(item, record.timestamp(), send);
    }

    /** Waits for Kafka's acknowledgements; returns the replayed items, oldest dead letter first, with where they landed. */
    private List<ReplayResult.Replayed> awaitAcknowledged(List<Pending> pending) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Pending> ordered = new ArrayList<>(pending);
        ordered.sort(Comparator.comparingLong(Pending::deadLetteredAt).thenComparing(p -> p.item().deadLetterId()));
        List<ReplayResult.Replayed> result = new ArrayList<>(ordered.size());
        for (Pending p : ordered) {
            if (p.send() == null) {
                result.add(p.item());
                continue;
            }
            try {
                RecordMetadata metadata = p.send().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                ReplayResult.Replayed item = p.item();
                result.add(new ReplayResult.Replayed(item.deadLetterId(), item.module(), item.key(), item.deliveryId(),
                        item.event(), item.replayCount(), item.topic(), metadata.partition(), metadata.offset()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while replaying", e);
            } catch (ExecutionException | TimeoutException e) {
                throw new IllegalStateException("Kafka did not acknowledge the replay of " + p.item().deadLetterId() + " ("
                        + (e.getCause() != null ? e.getCause().getMessage() : "timed out after " + timeout)
                        + "); other dead letters of this request may have been replayed", e);
            }
        }
        return result;
    }

    private synchronized KafkaProducer<byte[], byte[]> producer() {
        if (producer == null) {
            Properties p = new Properties();
            p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
            p.put(ProducerConfig.CLIENT_ID_CONFIG, "forgebus-dlq-replay-" + CLIENTS.incrementAndGet());
            p.put(ProducerConfig.ACKS_CONFIG, "all");
            p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
            p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
            p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Long.toString(maxRecordBytes));
            p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, Long.toString(Math.max(64L * 1024 * 1024, 2 * maxRecordBytes)));
            p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(timeout.toMillis()));
            p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
            p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
            producer = new KafkaProducer<>(p);
        }
        return producer;
    }

    // ---------------------------------------------------------------- reading

    private static List<ModuleId> modules(Optional<ModuleId> module) {
        return module.map(List::of).orElseGet(() -> Arrays.asList(ModuleId.values()));
    }

    /** Feeds every dead letter of {@code modules} written since {@code since} to {@code sink}, partition by partition in offset order. */
    private void scan(List<ModuleId> modules, Optional<Instant> since, Replayer sink) {
        try (KafkaConsumer<byte[], byte[]> consumer = newConsumer()) {
            Set<String> existing = consumer.listTopics(timeout).keySet();
            Map<String, ModuleId> moduleOfTopic = new HashMap<>();
            List<TopicPartition> partitions = new ArrayList<>();
            for (ModuleId m : modules) {
                String topic = topics.deadLetters(m.id());
                if (existing.contains(topic)) {
                    moduleOfTopic.put(topic, m);
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
                    sink.accept(moduleOfTopic.get(record.topic()), record);
                }
            });
        }
    }

    private Optional<ConsumerRecord<byte[], byte[]>> readOne(DeadLetterId id) {
        String topic = topics.deadLetters(id.module().id());
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

    private void readUntilEnd(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> end,
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

    private KafkaConsumer<byte[], byte[]> newConsumer() {
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

    // ---------------------------------------------------------------- conversion

    private DeadLetter toDeadLetter(ModuleId module, ConsumerRecord<byte[], byte[]> record, boolean withValue) {
        Headers h = record.headers();
        Summary summary = summarize(record);
        return new DeadLetter(
                DeadLetter.idOf(module.id(), record.partition(), record.offset()),
                module.id(), record.partition(), record.offset(),
                text(record.key()),
                summary.deliveryId(),
                summary.event(),
                header(h, DeadLetterHeaders.ERROR_CLASS).orElse(""),
                header(h, DeadLetterHeaders.ERROR_MESSAGE).orElse(""),
                header(h, DeadLetterHeaders.ERROR_ATTEMPTS).map(DeadLetters::parseIntOr0).orElse(0),
                header(h, DeadLetterHeaders.ERROR_FIRST_FAILED_AT).flatMap(DeadLetters::parseInstant).orElse(null),
                header(h, DeadLetterHeaders.ORIGINAL_TOPIC).orElse(""),
                header(h, DeadLetterHeaders.ORIGINAL_PARTITION).map(v -> (int) parseLongOr(v, -1)).orElse(-1),
                header(h, DeadLetterHeaders.ORIGINAL_OFFSET).map(v -> parseLongOr(v, -1)).orElse(-1L),
                DeadLetterHeaders.replayCount(h, topics),
                header(h, DeadLetterHeaders.REPLAY_OF).orElse(null),
                Instant.ofEpochMilli(record.timestamp()),
                withValue ? text(record.value()) : null);
    }

    private Optional<String> header(Headers headers, String suffix) {
        return DeadLetterHeaders.text(headers, topics, suffix);
    }

    /** Delivery id and {@code event.action}, from the envelope's leading fields, else from the headers. */
    private record Summary(String deliveryId, String event) {
    }

    private Summary summarize(ConsumerRecord<byte[], byte[]> record) {
        String deliveryId = null;
        String event = null;
        String action = null;
        if (record.value() != null) {
            // Stream only the envelope's leading fields: the payload, possibly megabytes, comes last.
            try (JsonParser parser = Json.MAPPER.getFactory().createParser(record.value())) {
                if (parser.nextToken() == JsonToken.START_OBJECT) {
                    while (parser.nextToken() == JsonToken.FIELD_NAME && (deliveryId == null || event == null || action == null)) {
                        String field = parser.currentName();
                        JsonToken value = parser.nextToken();
                        switch (field) {
                            case "deliveryId" -> deliveryId = value == JsonToken.VALUE_STRING ? parser.getText() : "";
                            case "event" -> event = value == JsonToken.VALUE_STRING ? parser.getText() : "";
                            case "action" -> action = value == JsonToken.VALUE_STRING ? parser.getText() : "";
                            default -> parser.skipChildren();
                        }
                    }
                }
            } catch (IOException | RuntimeException e) {
                // unreadable work item: fall back to the headers
            }
        }
        if (deliveryId == null || deliveryId.isEmpty()) {
            deliveryId = header(record.headers(), RawRecordHeaders.DELIVERY_ID).orElse("");
        }
        if (event == null || event.isEmpty()) {
            event = header(record.headers(), RawRecordHeaders.EVENT).orElse("");
        } else if (action != null && !action.isEmpty()) {
            event = event + "." + action;
        }
        return new Summary(deliveryId, event);
    }

    private static String text(byte[] bytes) {
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }

    private static int parseIntOr0(String value) {
        return (int) parseLongOr(value, 0);
    }

    private static long parseLongOr(String value, long otherwise) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return otherwise;
        }
    }

    private static Optional<Instant> parseInstant(String value) {
        try {
            return Optional.of(Instant.parse(value.trim()));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
