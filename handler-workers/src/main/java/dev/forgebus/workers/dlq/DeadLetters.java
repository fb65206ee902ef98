package dev.forgebus.workers.dlq;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import dev.forgebus.common.config.ModuleCatalog;
import dev.forgebus.common.event.Json;
import dev.forgebus.common.kafka.DeadLetterHeaders;
import dev.forgebus.common.kafka.TopicNames;
import dev.forgebus.workers.runtime.WorkerSettings;

/**
 * The operator's tools over the dead-letter topics {@code dlq.<module>} and {@code dlq.dedup}
 * (SPEC 3 {@code dlq list|show|replay}, SPEC 4 {@code /admin/dlq}). Reads with assigned consumers
 * and no consumer group (it leaves no offsets behind), from the beginning up to the end offsets
 * taken when the call started, so it always terminates. Thread-safe; close it to release the
 * replay producer.
 *
 * <p>Replaying does not remove a dead letter (a Kafka log is append-only); it marks it in the
 * compacted topic {@link TopicNames#replayedDeadLetters()}, and a later replay of the same
 * selection skips marked dead letters unless asked {@code again}. Marks are written after
 * Kafka acknowledged the replayed records: a crash in between leaves a replayed dead letter
 * unmarked (replayed again next time, which idempotent handlers absorb), never a marked one
 * that was not replayed. Replays in this object are serialised, so two admin requests cannot
 * both replay one dead letter; two separate processes replaying at the same moment can.
 */
public final class DeadLetters implements AutoCloseable {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    private static final AtomicInteger CLIENTS = new AtomicInteger();
    private static final Comparator<DeadLetter> OLDEST_FIRST = Comparator
            .comparing(DeadLetter::deadLetteredAt)
            .thenComparing(DeadLetter::module)
            .thenComparingInt(DeadLetter::partition)
            .thenComparingLong(DeadLetter::offset);

    private final ModuleCatalog modules;
    private final String bootstrapServers;
    private final TopicNames topics;
    private final Duration timeout;
    private final DeadLetterScanner scanner;
    private final DeadLetterDecoder decoder;
    private final long maxRecordBytes;
    private final Clock clock;
    private KafkaProducer<byte[], byte[]> producer;

    public DeadLetters(String bootstrapServers, TopicNames topics) {
        this(bootstrapServers, topics, DEFAULT_TIMEOUT, WorkerSettings.DEFAULT_MAX_RECORD_BYTES);
    }

    /**
     * @param timeout        the longest one call reads or waits for Kafka
     * @param maxRecordBytes the largest work item a replay sends
     */
    public DeadLetters(String bootstrapServers, TopicNames topics, Duration timeout, long maxRecordBytes) {
        this(bootstrapServers, topics, timeout, maxRecordBytes, Clock.systemUTC());
    }

    /** As above, with the clock that stamps replay marks. */
    public DeadLetters(String bootstrapServers, TopicNames topics, Duration timeout, long maxRecordBytes, Clock clock) {
        this(bootstrapServers, topics, timeout, maxRecordBytes, clock, ModuleCatalog.standard());
    }

    /** As above, for the modules of {@code modules} (whose ids name dead-letter sources). */
    public DeadLetters(String bootstrapServers, TopicNames topics, Duration timeout, long maxRecordBytes, Clock clock,
                       ModuleCatalog modules) {
        this.modules = modules;
        this.bootstrapServers = bootstrapServers;
        this.topics = topics;
        this.timeout = timeout;
        this.maxRecordBytes = maxRecordBytes;
        this.clock = clock;
        this.scanner = new DeadLetterScanner(bootstrapServers, topics, timeout);
        this.decoder = new DeadLetterDecoder(topics);
    }

    /**
     * The newest {@code limit} dead letters of one source (or of all), oldest of them first,
     * without their values, each with its replay mark.
     *
     * @param since only dead letters written at or after this instant
     */
    public List<DeadLetter> list(Optional<DeadLetterSource> source, int limit, Optional<Instant> since) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1, got " + limit);
        }
        PriorityQueue<DeadLetter> newest = new PriorityQueue<>(OLDEST_FIRST);
        scanner.scan(sources(source), since, (s, record) -> {
            newest.add(decoder.decode(s, record, false));
            if (newest.size() > limit) {
                newest.poll();
            }
        });
        Map<String, ReplayMark> marks = newest.isEmpty() ? Map.of() : readMarks();
        List<DeadLetter> result = new ArrayList<>(newest.stream().map(l -> l.withReplayed(marks.get(l.id()))).toList());
        result.sort(OLDEST_FIRST);
        return result;
    }

    /** The modules whose dead letters these are. */
    public ModuleCatalog modules() {
        return modules;
    }

    /**
     * One dead letter with its value and replay mark.
     *
     * @param id {@code source:partition:offset}
     * @throws IllegalArgumentException when {@code id} is malformed or names no source
     */
    public Optional<DeadLetter> show(String id) {
        return show(DeadLetterId.parse(modules, id));
    }

    public Optional<DeadLetter> show(DeadLetterId id) {
        return scanner.readOne(id).map(record -> decoder.decode(id.source(), record, true))
                .map(l -> l.withReplayed(readMarks().get(l.id())));
    }

    /**
     * Sends the selected dead letters back: a module's to {@code work.<module>}, dedup's to
     * {@code raw}; the original key and value, every original header except the dead letter's
     * {@code error.*} and {@code original.*} ones, plus {@code replay-of} (the dead letter's id)
     * and {@code replay-count} (the dead letter's count plus one). Dead letters replayed before
     * are skipped unless {@code again}. Returns once Kafka acknowledged every record and mark.
     */
    public synchronized ReplayResult replay(ReplayRequest request) {
        List<Selected> selected = new ArrayList<>();
        List<String> notFound = new ArrayList<>();
        if (request.ids().isEmpty()) {
            scanner.scan(sources(request.source()), request.since(), (s, record) -> selected.add(new Selected(s, record)));
        } else {
            long sinceMillis = request.since().map(Instant::toEpochMilli).orElse(Long.MIN_VALUE);
            Set<String> seen = new HashSet<>();
            for (DeadLetterId id : request.ids()) {
                if (!seen.add(id.toString())) {
                    continue; // the same dead letter named twice is replayed once
                }
                scanner.readOne(id).ifPresentOrElse(record -> {
                    if (record.timestamp() >= sinceMillis) {
                        selected.add(new Selected(id.source(), record));
                    }
                }, () -> notFound.add(id.toString()));
            }
        }
        Map<String, ReplayMark> marks = selected.isEmpty() ? Map.of() : readMarks();
        List<Pending> pending = new ArrayList<>();
        List<ReplayResult.Skipped> skipped = new ArrayList<>();
        for (Selected s : selected) {
            String id = DeadLetter.idOf(s.source().id(), s.record().partition(), s.record().offset());
            ReplayMark mark = marks.get(id);
            if (mark != null && !request.again()) {
                skipped.add(new ReplayResult.Skipped(id, "replayed before (" + mark.times() + " time(s), last at " + mark.lastAt()
                        + "); ask again to replay it again", mark));
            } else {
                if (!request.dryRun() && pending.isEmpty()) {
                    requireMarkTopic();
                }
                pending.add(replayOne(s.source(), s.record(), request.dryRun()));
            }
        }
        List<ReplayResult.Replayed> replayed = awaitAcknowledged(pending);
        if (!request.dryRun()) {
            mark(replayed, marks);
        }
        skipped.sort(Comparator.comparing(ReplayResult.Skipped::deadLetterId));
        return new ReplayResult(request.dryRun(), replayed, skipped, notFound);
    }

    @Override
    public synchronized void close() {
        if (producer != null) {
            producer.close(timeout);
            producer = null;
        }
    }

    // ---------------------------------------------------------------- replay

    /** A dead letter chosen by a replay's selection. */
    private record Selected(DeadLetterSource source, ConsumerRecord<byte[], byte[]> record) {
    }

    /** A dead letter being replayed: what to report, and the send to wait for (null on a dry run). */
    private record Pending(ReplayResult.Replayed item, long deadLetteredAt, Future<RecordMetadata> send) {
    }

    private Pending replayOne(DeadLetterSource source, ConsumerRecord<byte[], byte[]> record, boolean dryRun) {
        String id = DeadLetter.idOf(source.id(), record.partition(), record.offset());
        int count = DeadLetterHeaders.replayCount(record.headers(), topics) + 1;
        DeadLetterDecoder.Summary summary = decoder.summarize(source, record);
        String workTopic = source.replayTopic(topics);
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
        ReplayResult.Replayed item = new ReplayResult.Replayed(id, source.id(), text(record.key()), summary.deliveryId(),
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

    /** Marks every replayed dead letter, then waits for Kafka's acknowledgements. */
    private void mark(List<ReplayResult.Replayed> replayed, Map<String, ReplayMark> before) {
        if (replayed.isEmpty()) {
            return;
        }
        Instant now = clock.instant();
        List<Future<RecordMetadata>> sends = new ArrayList<>(replayed.size());
        for (ReplayResult.Replayed r : replayed) {
            ReplayMark mark = ReplayMark.after(before.get(r.deadLetterId()), now);
            sends.add(producer().send(new ProducerRecord<>(topics.replayedDeadLetters(), bytes(r.deadLetterId()), Json.write(mark))));
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            for (Future<RecordMetadata> send : sends) {
                send.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while marking replayed dead letters", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("the dead letters were replayed but Kafka did not acknowledge marking them ("
                    + (e.getCause() != null ? e.getCause().getMessage() : "timed out after " + timeout)
                    + "); a later replay of the same selection would replay them again", e);
        }
    }

    /** Refuses to replay when the marks could not be written (an installation whose process has not created its topics yet). */
    private void requireMarkTopic() {
        try (KafkaConsumer<byte[], byte[]> consumer = scanner.newConsumer()) {
            if (!consumer.listTopics(timeout).containsKey(topics.replayedDeadLetters())) {
                throw new IllegalStateException("topic " + topics.replayedDeadLetters() + " is missing: start forgebus once "
                        + "(it creates its topics) before replaying");
            }
        }
    }

    /** Every replay mark, by dead-letter id: the compacted topic read to its end, the latest record per key winning. */
    private Map<String, ReplayMark> readMarks() {
        Map<String, ReplayMark> marks = new HashMap<>();
        String topic = topics.replayedDeadLetters();
        try (KafkaConsumer<byte[], byte[]> consumer = scanner.newConsumer()) {
            if (!consumer.listTopics(timeout).containsKey(topic)) {
                return marks;
            }
            List<TopicPartition> partitions = consumer.partitionsFor(topic, timeout).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            scanner.readUntilEnd(consumer, consumer.endOffsets(partitions, timeout), record -> {
                String id = text(record.key());
                if (id == null) {
                    return;
                }
                if (record.value() == null) {
                    marks.remove(id);
                    return;
                }
                try {
                    marks.put(id, Json.MAPPER.readValue(record.value(), ReplayMark.class));
                } catch (IOException | RuntimeException e) {
                    // an unreadable mark counts as none: the dead letter may be replayed again
                }
            });
        }
        return marks;
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

    private List<DeadLetterSource> sources(Optional<DeadLetterSource> source) {
        return source.map(List::of).orElseGet(() -> DeadLetterSource.all(modules));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] bytes) {
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }
}
