package dev.forgebus.broker;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka's own KRaft broker ({@link KafkaRaftServer}, combined {@code broker,controller} roles) running inside this JVM,
 * listening on 127.0.0.1 only: by default a single node that is its own only voter; with a {@link Quorum} of several
 * voters, one node of a cluster (each node in its own JVM: {@link EmbeddedBrokerMain}).
 *
 * <p>The data directory is formatted once, when it has no {@code meta.properties}, with a fresh random cluster id;
 * after that the broker reuses the directory, its cluster id and its records on every start.
 *
 * <pre>{@code
 * try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(BrokerSettings.of(dir.resolve("kafka"), 9092))) {
 *     String bootstrap = broker.bootstrapServers(); // "127.0.0.1:9092"
 * }
 * }</pre>
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);

    static final String HOST = "127.0.0.1";
    static final String BROKER_LISTENER = "PLAINTEXT";
    static final String CONTROLLER_LISTENER = "CONTROLLER";
    static final String META_PROPERTIES = "meta.properties";

    /** How long {@link #start} waits for the broker to serve requests. */
    static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    /** How long {@link #close} waits for a clean shutdown before giving up on it. */
    static final Duration SHUTDOWN_TIMEOUT = Duration.ofSeconds(30);

    private static final long DEFAULT_SOCKET_REQUEST_MAX_BYTES = 100L * 1024 * 1024;
    private static final long DEFAULT_FETCH_MAX_BYTES = 55L * 1024 * 1024;
    private static final long DEFAULT_REPLICA_FETCH_RESPONSE_MAX_BYTES = 10L * 1024 * 1024;
    /** Room for request framing around the largest record batch. */
    private static final long REQUEST_HEADROOM_BYTES = 1024 * 1024;

    private final KafkaRaftServer server;
    private final BrokerSettings settings;
    private final int port;
    private final int controllerPort;
    private final String clusterId;
    private volatile boolean running = true;
    private boolean closed;

    private EmbeddedKafkaBroker(KafkaRaftServer server, BrokerSettings settings, int port, int controllerPort, String clusterId) {
        this.server = server;
        this.settings = settings;
        this.port = port;
        this.controllerPort = controllerPort;
        this.clusterId = clusterId;
    }

    /**
     * Formats {@code settings.dataDir()} if it was never formatted, starts the broker and returns once it serves
     * requests (at most {@link #START_TIMEOUT}).
     *
     * @throws EmbeddedBrokerException when a port is taken, the directory is unusable, or the broker does not serve in time
     */
    public static EmbeddedKafkaBroker start(BrokerSettings settings) {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        int[] ports = resolvePorts(settings.port(), settings.controllerPort());
        int port = ports[0];
        int controllerPort = ports[1];

        Path dataDir = settings.dataDir().toAbsolutePath().normalize();
        try {
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new EmbeddedBrokerException("embedded Kafka broker: cannot create data directory " + dataDir + ": " + e, e);
        }
        Map<String, String> props = brokerProperties(dataDir, port, controllerPort, settings);
        KafkaConfig config;
        try {
            config = new KafkaConfig(props, false);
        } catch (RuntimeException e) {
            throw new EmbeddedBrokerException("embedded Kafka broker: invalid configuration: " + e.getMessage(), e);
        }
        String clusterId = formatIfNeeded(config, props, settings.quorum());

        KafkaRaftServer server;
        try {
            server = new KafkaRaftServer(config, Time.SYSTEM);
        } catch (RuntimeException e) {
            throw new EmbeddedBrokerException("embedded Kafka broker: cannot open data directory " + dataDir + ": " + e.getMessage(), e);
        }
        EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(server, settings, port, controllerPort, clusterId);
        try {
            broker.startAndAwaitServing(deadline);
        } catch (RuntimeException e) {
            broker.close();
            throw e;
        }
        LOG.info("embedded Kafka broker serving on {} (cluster {}, data in {})", broker.bootstrapServers(), clusterId, dataDir);
        return broker;
    }

    /** {@code 127.0.0.1:<port>}, for the clients' {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return HOST + ":" + port;
    }

    /** The PLAINTEXT listener's port (the one picked when the settings said 0). */
    public int port() {
        return port;
    }

    /** The KRaft controller listener's port. */
    public int controllerPort() {
        return controllerPort;
    }

    /** The cluster id written to {@code meta.properties} when the data directory was first formatted. */
    public String clusterId() {
        return clusterId;
    }

    public Path dataDir() {
        return settings.dataDir();
    }

    public BrokerSettings settings() {
        return settings;
    }

    /** True from a successful {@link #start} until {@link #close}. */
    public boolean isRunning() {
        return running;
    }

    /** Shuts the broker down cleanly, waiting at most {@link #SHUTDOWN_TIMEOUT}. Calling it again does nothing. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            running = false;
        }
        CompletableFuture<Void> shutdown = runInThread("forgebus-kafka-shutdown", () -> {
            server.shutdown();
            server.awaitShutdown();
        });
        try {
            shutdown.get(SHUTDOWN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            LOG.info("embedded Kafka broker on {} stopped", bootstrapServers());
        } catch (TimeoutException e) {
            LOG.warn("embedded Kafka broker on {} did not stop within {} s; abandoning its shutdown",
                    bootstrapServers(), SHUTDOWN_TIMEOUT.toSeconds());
        } catch (ExecutionException e) {
            LOG.warn("embedded Kafka broker on {} failed while stopping", bootstrapServers(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            LOG.warn("interrupted while stopping the embedded Kafka broker on {}", bootstrapServers());
        }
    }

    @Override
    public String toString() {
        return "EmbeddedKafkaBroker[" + bootstrapServers() + ", " + settings.dataDir() + (running ? "" : ", stopped") + "]";
    }

    // ---------------------------------------------------------------------------------------------------------------

    /** Every broker property this class sets, then the caller's overrides. */
    static Map<String, String> brokerProperties(Path dataDir, int port, int controllerPort, BrokerSettings settings) {
        long maxMessageBytes = settings.maxMessageBytes();
        Map<String, String> p = new LinkedHashMap<>();
        Quorum quorum = settings.quorum();
        String replicas = Integer.toString(quorum.replicationFactor());
        String minIsr = Integer.toString(quorum.minInsyncReplicas());
        // Every node is both a broker and a KRaft voter: alone, the single voter; in a cluster, one of the static voters.
        p.put("process.roles", "broker,controller");
        p.put("node.id", Integer.toString(quorum.nodeId()));
        p.put("controller.quorum.voters", quorum.votersProperty(controllerPort));
        p.put("listeners", BROKER_LISTENER + "://" + HOST + ":" + port + "," + CONTROLLER_LISTENER + "://" + HOST + ":" + controllerPort);
        p.put("advertised.listeners", BROKER_LISTENER + "://" + HOST + ":" + port);
        p.put("listener.security.protocol.map", BROKER_LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        p.put("controller.listener.names", CONTROLLER_LISTENER);
        p.put("inter.broker.listener.name", BROKER_LISTENER);
        p.put("log.dirs", dataDir.toString());
        // A single broker: every internal topic with one replica, or consumer groups and transactions hang (SPEC 9).
        // A cluster: three replicas, two of them in sync for an acks=all write, so one broker may die and writes go on.
        p.put("offsets.topic.replication.factor", replicas);
        p.put("transaction.state.log.replication.factor", replicas);
        p.put("transaction.state.log.min.isr", minIsr);
        p.put("share.coordinator.state.topic.replication.factor", replicas);
        p.put("share.coordinator.state.topic.min.isr", minIsr);
        p.put("default.replication.factor", replicas);
        p.put("min.insync.replicas", minIsr);
        p.put("group.initial.rebalance.delay.ms", "0");
        // Topics are created on purpose (with their config), never by a typo in a producer.
        p.put("auto.create.topics.enable", "false");
        p.put("num.partitions", "1");
        // Large webhooks: the broker takes and serves record batches up to maxMessageBytes.
        p.put("message.max.bytes", Long.toString(maxMessageBytes));
        p.put("replica.fetch.max.bytes", Long.toString(maxMessageBytes));
        p.put("replica.fetch.response.max.bytes", Long.toString(Math.max(DEFAULT_REPLICA_FETCH_RESPONSE_MAX_BYTES, maxMessageBytes)));
        p.put("fetch.max.bytes", Long.toString(Math.max(DEFAULT_FETCH_MAX_BYTES, maxMessageBytes)));
        p.put("socket.request.max.bytes", Long.toString(Math.max(DEFAULT_SOCKET_REQUEST_MAX_BYTES, maxMessageBytes + REQUEST_HEADROOM_BYTES)));
        p.putAll(settings.overrides());
        return p;
    }

    /**
     * Formats the log directories that have no {@code meta.properties} yet (all of them on first start) and returns the
     * cluster id: the one already on disk, or a new random one.
     */
    private static String formatIfNeeded(KafkaConfig config, Map<String, String> props, Quorum quorum) {
        Set<String> directories = new LinkedHashSet<>();
        for (String dir : props.get("log.dirs").split(",")) {
            if (!dir.isBlank()) {
                directories.add(dir.trim());
            }
        }
        directories.add(config.metadataLogDir());

        String existing = null;
        List<String> unformatted = new ArrayList<>();
        for (String dir : directories) {
            Path meta = Path.of(dir, META_PROPERTIES);
            if (Files.isRegularFile(meta)) {
                String id = readClusterId(meta);
                if (existing != null && !existing.equals(id)) {
                    throw new EmbeddedBrokerException("embedded Kafka broker: directories " + directories
                            + " belong to different clusters (" + existing + ", " + id + ")");
                }
                existing = id;
            } else {
                unformatted.add(dir);
            }
        }
        if (unformatted.isEmpty()) {
            return existing;
        }
        if (existing != null && quorum.clusterId().isPresent() && !existing.equals(quorum.clusterId().get())) {
            throw new EmbeddedBrokerException("embedded Kafka broker: " + directories + " belong to cluster " + existing
                    + ", not to " + quorum.clusterId().get());
        }
        String clusterId = existing != null ? existing : quorum.clusterId().orElseGet(() -> Uuid.randomUuid().toString());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8)) {
            Formatter formatter = new Formatter()
                    .setPrintStream(print) // never System.out
                    .setNodeId(quorum.nodeId())
                    .setClusterId(clusterId)
                    .setControllerListenerName(CONTROLLER_LISTENER)
                    .setMetadataLogDirectory(config.metadataLogDir())
                    .setUnstableFeatureVersionsEnabled(false)
                    // controller.quorum.voters is set: a static quorum, like kafka-storage format without --standalone.
                    .setHasDynamicQuorum(false)
                    .setIgnoreFormatted(true);
            for (String dir : directories) {
                formatter.addDirectory(dir);
            }
            formatter.run();
        } catch (Exception e) {
            throw new EmbeddedBrokerException("embedded Kafka broker: cannot format " + unformatted + ": " + e.getMessage(), e);
        }
        LOG.info("formatted {} for Kafka cluster {}", unformatted, clusterId);
        LOG.debug("Kafka's formatter said: {}", out.toString(StandardCharsets.UTF_8).strip());
        return clusterId;
    }

    private static String readClusterId(Path metaProperties) {
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(metaProperties)) {
            properties.load(in);
        } catch (IOException e) {
            throw new EmbeddedBrokerException("embedded Kafka broker: cannot read " + metaProperties + ": " + e, e);
        }
        String id = properties.getProperty("cluster.id");
        if (id == null || id.isBlank()) {
            throw new EmbeddedBrokerException("embedded Kafka broker: " + metaProperties + " has no cluster.id");
        }
        return id;
    }

    private void startAndAwaitServing(long deadline) {
        CompletableFuture<Void> startup = runInThread("forgebus-kafka-startup", server::startup);
        try {
            startup.get(remainingMillis(deadline), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new EmbeddedBrokerException("embedded Kafka broker on " + bootstrapServers() + " did not start within "
                    + START_TIMEOUT.toSeconds() + " s");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw new EmbeddedBrokerException("embedded Kafka broker on " + bootstrapServers() + " failed to start: "
                    + describe(cause), cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EmbeddedBrokerException("interrupted while starting the embedded Kafka broker", e);
        }
        awaitServing(deadline);
    }

    /** Polls {@code describeCluster} until the broker answers with itself in the cluster, or the deadline passes. */
    private void awaitServing(long deadline) {
        Map<String, Object> adminConfig = Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.CLIENT_ID_CONFIG, "forgebus-embedded-broker-probe",
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000,
                AdminClientConfig.RETRY_BACKOFF_MS_CONFIG, 100);
        Throwable last = null;
        try (Admin admin = Admin.create(adminConfig)) {
            while (remainingMillis(deadline) > 0) {
                try {
                    DescribeClusterResult cluster = admin.describeCluster();
                    long wait = Math.min(remainingMillis(deadline), 10_000);
                    var nodes = cluster.nodes().get(wait, TimeUnit.MILLISECONDS);
                    String id = cluster.clusterId().get(wait, TimeUnit.MILLISECONDS);
                    if (nodes.stream().map(Node::id).anyMatch(n -> n == settings.quorum().nodeId()) && clusterId.equals(id)) {
                        if (!settings.quorum().isCluster()) {
                            // A cluster's internal topics need its other nodes (replication factor 3): they
                            // are created by the first clients once enough nodes are up.
                            createInternalTopics(admin, deadline);
                        }
                        return;
                    }
                    last = new IllegalStateException("cluster " + id + " reports nodes " + nodes);
                } catch (ExecutionException e) {
                    last = e.getCause();
                } catch (TimeoutException e) {
                    last = e;
                }
                Thread.sleep(Math.max(0, Math.min(100, remainingMillis(deadline)))); // poll interval, bounded by the deadline
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EmbeddedBrokerException("interrupted while waiting for the embedded Kafka broker", e);
        }
        throw new EmbeddedBrokerException("embedded Kafka broker on " + bootstrapServers() + " did not serve requests within "
                + START_TIMEOUT.toSeconds() + " s" + (last == null ? "" : ": " + describe(last)), last);
    }

    /**
     * Has the broker create {@code __consumer_offsets} and {@code __transaction_state} now, each from
     * one coordinator lookup, and waits until its metadata shows them. Otherwise the first coordinator
     * lookups of the many clients of a {@code run} (a consumer group per module, dedup, the trace
     * index; dedup's transactional producers) each ask the controller to create the topic while the
     * first creation is still propagating, and each one after the first is logged as a
     * {@code TOPIC_ALREADY_EXISTS} warning (some fifty at every fresh start). A data directory that
     * has the topics already returns at once. Best effort: if one does not show up in time, the
     * clients create it as before.
     */
    private void createInternalTopics(Admin admin, long deadline) throws InterruptedException {
        createInternalTopic(admin, "__consumer_offsets", deadline,
                () -> admin.listConsumerGroupOffsets("forgebus-embedded-broker-warmup",
                        new org.apache.kafka.clients.admin.ListConsumerGroupOffsetsOptions().timeoutMs(200)));
        createInternalTopic(admin, "__transaction_state", deadline, () -> initOneTransaction(deadline));
    }

    /**
     * One transactional producer's initTransactions: its coordinator lookup creates
     * {@code __transaction_state}, and its retries are spaced (1 s) so that it asks again only after
     * the creation had time to show, not ten times while it propagates as an admin lookup with a short
     * timeout did (under load, that one also timed out before being sent, leaving the race to dedup).
     */
    private void initOneTransaction(long deadline) {
        Map<String, Object> config = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                ProducerConfig.CLIENT_ID_CONFIG, "forgebus-embedded-broker-warmup",
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, "forgebus-embedded-broker-warmup",
                ProducerConfig.RETRY_BACKOFF_MS_CONFIG, 1_000,
                ProducerConfig.RETRY_BACKOFF_MAX_MS_CONFIG, 1_000,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, Math.max(1, Math.min(remainingMillis(deadline), 30_000)));
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.initTransactions();
        } catch (RuntimeException e) {
            LOG.debug("transaction coordinator warm-up: {}", e.toString());
        }
    }

    private static void createInternalTopic(Admin admin, String topic, long deadline, Runnable coordinatorLookup)
            throws InterruptedException {
        boolean asked = false;
        while (remainingMillis(deadline) > 0) {
            try {
                admin.describeTopics(List.of(topic)).allTopicNames().get(Math.min(remainingMillis(deadline), 5_000), TimeUnit.MILLISECONDS);
                return;
            } catch (ExecutionException | TimeoutException e) {
                // not there yet (UnknownTopicOrPartition): metadata requests never auto-create it
            }
            if (!asked) {
                // One coordinator lookup, not retried (short timeout): the broker creates the topic for it.
                coordinatorLookup.run();
                asked = true;
            }
            Thread.sleep(Math.max(0, Math.min(50, remainingMillis(deadline))));
        }
        LOG.debug("{} not created up front; the first consumer group will create it", topic);
    }

    /**
     * Ports to listen on: the given ones, checked to be free (so a taken port fails with a clear message before
     * anything touches the data directory), or free ones picked by the OS for 0.
     */
    static int[] resolvePorts(int port, int controllerPort) {
        List<ServerSocket> held = new ArrayList<>();
        try {
            int a = reserve(port, held);
            int b = reserve(controllerPort, held);
            return new int[] {a, b};
        } finally {
            for (ServerSocket socket : held) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // closing a probe socket
                }
            }
        }
    }

    private static int reserve(int port, List<ServerSocket> held) {
        try {
            ServerSocket socket = new ServerSocket();
            held.add(socket);
            socket.setReuseAddress(true); // as Kafka's own listener: a port in TIME_WAIT after a restart is free
            socket.bind(new InetSocketAddress(InetAddress.getByName(HOST), port));
            return socket.getLocalPort();
        } catch (BindException e) {
            throw new EmbeddedBrokerException("embedded Kafka broker: port " + port + " is already in use (" + HOST + ")", e);
        } catch (IOException e) {
            throw new EmbeddedBrokerException("embedded Kafka broker: cannot listen on " + HOST + ":" + port + ": " + e.getMessage(), e);
        }
    }

    private static CompletableFuture<Void> runInThread(String name, Runnable task) {
        CompletableFuture<Void> result = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                task.run();
                result.complete(null);
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
        return result;
    }

    private static long remainingMillis(long deadlineNanos) {
        return TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
    }

    private static String describe(Throwable t) {
        StringBuilder text = new StringBuilder(String.valueOf(t));
        Throwable cause = t.getCause();
        for (int depth = 0; cause != null && cause != t && depth < 3; depth++, cause = cause.getCause()) {
            text.append(" <- ").append(cause);
        }
        return text.toString();
    }
}
