package dev.forgebus.dedup;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.LogAndFailExceptionHandler;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;

import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import org.slf4j.LoggerFactory;

import dev.forgebus.common.config.ForgebusConfig;
import dev.forgebus.common.health.LivenessCheck;
import dev.forgebus.common.health.ReadinessCheck;
import dev.forgebus.common.kafka.TopicNames;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The dedup-streams role: runs {@link DedupTopology} with exactly-once processing. The topics
 * must exist (the process provisions them before starting roles).
 *
 * <p>Failure semantics: an error the stream thread cannot handle (a record that cannot be
 * written, a missing topic) stops this role: {@link #isRunning()} turns false and
 * {@link #readiness()} says why, and nothing is committed past the failing record, so a restart
 * takes it up again. Unreadable raw records do not stop it: they are traced and skipped.
 */
public final class DedupStreams implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DedupStreams.class);

    /** Upper bound of {@link #close()}: the current transaction commits well within it. */
    static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final KafkaStreams streams;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    /**
     * {@code processing.exception.handler.global.enabled}, spelled out: Kafka deprecates the
     * constant because 5.0 makes {@code true} the default (and drops the key, then ignored).
     */
    private static final String GLOBAL_PROCESSING_HANDLER = "processing.exception.handler.global.enabled";

    private KafkaStreamsMetrics streamsMetrics;

    private DedupStreams(KafkaStreams streams) {
        this.streams = streams;
    }

    /**
     * Starts the role and returns at once; it is ready when {@link #readiness()} says so.
     *
     * @param stateDir where RocksDB keeps the dedup store (rebuilt from its changelog when lost)
     * @param registry receives {@code forgebus.dedup.duplicates} and {@code forgebus.dedup.unreadable}
     */
    public static DedupStreams start(ForgebusConfig config, String bootstrapServers, Path stateDir, MeterRegistry registry) {
        return start(() -> config, bootstrapServers, stateDir, registry);
    }

    /**
     * As above, routing by the config in force ({@link DedupTopology#build}); Kafka settings,
     * the retention and the size limits are read once, here.
     */
    public static DedupStreams start(java.util.function.Supplier<ForgebusConfig> configs, String bootstrapServers, Path stateDir,
                                     MeterRegistry registry) {
        ForgebusConfig config = Objects.requireNonNull(configs, "configs").get();
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        Objects.requireNonNull(stateDir, "stateDir");
        Objects.requireNonNull(registry, "registry");
        TopicNames topics = new TopicNames(config.kafka().topicPrefix());
        Properties properties = streamsProperties(config, bootstrapServers, stateDir);

        StreamsBuilder builder = new StreamsBuilder();
        DedupTopology.build(builder, configs, topics, DedupMetrics.micrometer(registry, config.forges().keySet()));
        Topology topology = builder.build(properties);

        DedupStreams role = new DedupStreams(new KafkaStreams(topology, properties));
        // kafka_stream_* meters (thread, task, state store); KafkaStreams.metrics() is thread-safe.
        role.streamsMetrics = new KafkaStreamsMetrics(role.streams);
        role.streamsMetrics.bindTo(registry);
        // Stop the client rather than replace the thread: a new thread would take up the same
        // failing record again, in a loop. Stopped, the role is visibly not ready (/ready says why)
        // and a restart retries from the last committed offset.
        role.streams.setUncaughtExceptionHandler(e -> {
            role.failure.set(e);
            LOG.error("dedup-streams stopped: {}", e.toString(), e);
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        role.streams.setStateListener((next, previous) -> LOG.info("dedup-streams {} -> {}", previous, next));
        // After a crash the store is rebuilt from its changelog (exactly-once wipes unflushed
        // state): these lines show where a slow or stuck REBALANCING spends its time.
        role.streams.setGlobalStateRestoreListener(new RestoreLog());
        try {
            role.streams.start();
        } catch (RuntimeException e) {
            role.close();
            throw e;
        }
        return role;
    }

    /**
     * The Streams settings.
     * <ul>
     *   <li>{@code exactly_once_v2}: the store update, the outputs and the raw offset commit in one
     *       transaction, so a crash can neither lose a delivery nor route it twice (SPEC 9:
     *       ~3,700 records/s per thread, p99 ~125 ms with a 100 ms commit interval).</li>
     *   <li>{@code replication.factor} of internal topics (the store's changelog) from the config:
     *       1 on the single embedded broker, where Streams' broker default would also do, but an
     *       explicit value fails loudly on a cluster smaller than configured. The broker itself
     *       must have the transaction state log at replication 1 / min ISR 1 (the embedded one has).</li>
     *   <li>Sizes: an envelope embeds a body of up to {@code server.max_body_bytes}; producer
     *       requests, the producer's buffer and consumer fetches must hold
     *       {@link dev.forgebus.common.kafka.RecordSizes#maxRecordBytes(long) body + 25 % + 2 MiB}, like the topics.</li>
     *   <li>Error handlers: a raw value is read as bytes, so deserialisation cannot fail on it;
     *       should a key fail, log and fail (never skip silently). A record whose routing throws
     *       or whose output cannot be written goes to {@code <prefix>.dlq.dedup} and the stream
     *       goes on ({@link DeadLetteringProcessingExceptionHandler},
     *       {@link DeadLetteringProductionExceptionHandler}): one delivery never stops the role.</li>
     * </ul>
     */
    public static Properties streamsProperties(ForgebusConfig config, String bootstrapServers, Path stateDir) {
        long maxRecordBytes = dev.forgebus.common.kafka.RecordSizes.maxRecordBytes(config.server().maxBodyBytes());
        int maxRecord = (int) Math.min(Integer.MAX_VALUE, maxRecordBytes);
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId(config));
        p.put(StreamsConfig.CLIENT_ID_CONFIG, applicationId(config));
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) config.kafka().replicationFactor());
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toAbsolutePath().toString());
        p.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndFailExceptionHandler.class);
        p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetteringProcessingExceptionHandler.class);
        // The topology has no global store, so this changes no behaviour; it states the 5.0
        // default now, which silences Streams' start-up notice that it is off.
        p.put(GLOBAL_PROCESSING_HANDLER, true);
        // Again for the main consumer: its partition assignor makes a StreamsConfig of the consumer's
        // settings only, which would log the same notice.
        p.put(StreamsConfig.mainConsumerPrefix(GLOBAL_PROCESSING_HANDLER), true);
        p.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetteringProductionExceptionHandler.class);
        p.put(DedupDeadLetters.TOPIC_PREFIX_CONFIG, config.kafka().topicPrefix());

        p.put(StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG), "lz4");
        p.put(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG), maxRecord);
        // The producer refuses a record larger than its whole buffer (32 MiB by default).
        p.put(StreamsConfig.producerPrefix(ProducerConfig.BUFFER_MEMORY_CONFIG), Math.max(64L * 1024 * 1024, 2 * maxRecordBytes));
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG), maxRecord);
        // A crashed instance's partitions move after 10 s instead of Kafka's 45 s default.
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), 10_000);
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), 3_000);
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.FETCH_MAX_BYTES_CONFIG), Math.max(52_428_800, maxRecord));
        // Internal topics (the changelog) take the same limit, in case a store value ever grows.
        p.put(StreamsConfig.topicPrefix("max.message.bytes"), Long.toString(maxRecordBytes));
        return p;
    }

    /** {@code <topic_prefix>-dedup}: the consumer group, transactional id prefix and state directory name. */
    public static String applicationId(ForgebusConfig config) {
        return config.kafka().topicPrefix() + "-dedup";
    }


    /** Alive: processing, or rebalancing (which includes starting up and restoring the store). */
    public boolean isRunning() {
        KafkaStreams.State state = streams.state();
        return state == KafkaStreams.State.RUNNING || state == KafkaStreams.State.REBALANCING;
    }

    /**
     * Dead once an error stopped the client (the uncaught-exception handler shut it down, or it is
     * in ERROR): it will not recover by itself, a restart retries from the last commit. A normal
     * close is not a death.
     */
    public LivenessCheck.Status liveness() {
        Throwable cause = failure.get();
        if (cause != null) {
            return LivenessCheck.Status.dead("stream client stopped after an error: " + rootCause(cause));
        }
        if (streams.state() == KafkaStreams.State.ERROR) {
            return LivenessCheck.Status.dead("stream client is in ERROR");
        }
        return LivenessCheck.Status.ok();
    }

    /** Ready only while RUNNING: assigned its partitions, store restored, processing. */
    public ReadinessCheck.Status readiness() {
        KafkaStreams.State state = streams.state();
        if (state == KafkaStreams.State.RUNNING) {
            return ReadinessCheck.Status.ok();
        }
        Throwable cause = failure.get();
        return ReadinessCheck.Status.notReady(cause == null
                ? "dedup-streams is " + state
                : "dedup-streams stopped after an error: " + rootCause(cause));
    }

    /** The innermost cause, as {@code Class: message}: Streams wraps the interesting one. */
    private static String rootCause(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    /** Stops processing, committing what was processed; waits at most {@link #CLOSE_TIMEOUT}. */
    @Override
    public void close() {
        if (streamsMetrics != null) {
            streamsMetrics.close();
        }
        // Leave the group on close: otherwise a restarted process waits out the old member's
        // session timeout (45 s) before its first rebalance completes and /ready turns 200.
        if (!streams.close(org.apache.kafka.streams.CloseOptions.timeout(CLOSE_TIMEOUT)
                .withGroupMembershipOperation(org.apache.kafka.streams.CloseOptions.GroupMembershipOperation.LEAVE_GROUP))) {
            LOG.warn("dedup-streams did not stop within {} s", CLOSE_TIMEOUT.toSeconds());
        }
    }
}
