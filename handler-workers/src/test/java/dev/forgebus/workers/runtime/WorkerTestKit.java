package dev.forgebus.workers.runtime;

import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import dev.forgebus.broker.SharedTestBroker;
import dev.forgebus.common.config.ConfigLoader;
import dev.forgebus.common.config.ForgebusConfig;
import dev.forgebus.common.config.ModuleId;
import dev.forgebus.common.event.EventEnvelope;
import dev.forgebus.common.event.WorkOutcome;
import dev.forgebus.common.kafka.TopicNames;
import dev.forgebus.common.kafka.TopicProvisioner;
import dev.forgebus.forge.ForgeClient;
import dev.forgebus.forge.ForgeClients;
import dev.forgebus.workers.HandlerServices;
import dev.forgebus.workers.settings.RepoSettingsSource;

/**
 * One test's own corner of the shared broker: a unique topic prefix (so unique topics and consumer
 * group), the module's topics created, a producer of work items, readers of the outcome and
 * dead-letter topics, and the group's committed offsets.
 */
public final class WorkerTestKit implements AutoCloseable {
    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    /** Retry tiers provisioned: enough for every backoff list the tests use. */
    static final int RETRY_TIERS = 3;

    public final String bootstrap;
    public final TopicNames topics;
    public final ModuleId module;
    public final int partitions;
    private final Admin admin;
    private final KafkaProducer<byte[], byte[]> producer;
    private final List<AutoCloseable> closeables = new ArrayList<>();

    private WorkerTestKit(String testName, ModuleId module, int partitions) {
        this.bootstrap = SharedTestBroker.bootstrapServers();
        this.topics = new TopicNames("t" + SEQUENCE.incrementAndGet() + "-" + testName.replaceAll("[^A-Za-z0-9]", "").toLowerCase()
                + "-" + Long.toString(System.nanoTime() % 100_000, 36));
        this.module = module;
        this.partitions = partitions;
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        this.admin = Admin.create(props);
        provision();
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        this.producer = new KafkaProducer<>(p);
    }

    /**
     * Creates the topics and waits for their leaders. {@code TopicProvisioner.ensure} can fail with
     * UnknownTopicOrPartitionException when it describes a topic the broker has not finished
     * creating (reported to common's owner); creating again is harmless (existing topics are kept),
     * so the kit retries until every partition has a leader.
     */
    private void provision() {
        List<String> names = TopicProvisioner.allTopics(topics, List.of(module.id()), RETRY_TIERS);
        var provisioner = new TopicProvisioner(admin, partitions, (short) 1, WorkerSettings.DEFAULT_MAX_RECORD_BYTES);
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
            provisioner.ensure(names, 10_000);
            return admin.describeTopics(names).allTopicNames().get(10, TimeUnit.SECONDS).values().stream()
                    .flatMap(d -> d.partitions().stream())
                    .allMatch(p -> p.leader() != null && !p.leader().isEmpty());
        });
    }

    public static WorkerTestKit create(String testName, ModuleId module, int partitions) {
        return new WorkerTestKit(testName, module, partitions);
    }

    /**
     * Handler services for runtime tests whose handlers call no forge: every forge call fails, and
     * settings come from a one-forge config.
     */
    public static final HandlerServices SERVICES = noForgeServices();

    private static HandlerServices noForgeServices() {
        ForgebusConfig config;
        try {
            config = ConfigLoader.parse("""
                    forges:
                      gh: { type: github, api_url: "http://127.0.0.1:1", token: t }
                    """, "forgebus.yml", Map.<String, String>of()::get);
        } catch (dev.forgebus.common.config.ConfigException e) {
            throw new IllegalStateException(e);
        }
        ForgeClients none = new ForgeClients() {
            @Override
            public ForgeClient forOwner(String forgeId, String owner) {
                throw new UnsupportedOperationException("no forge in runtime tests");
            }

            @Override
            public String credentialId(String forgeId, String owner) {
                return forgeId;
            }

            @Override
            public ForgeClient forApp(String forgeId) {
                throw new UnsupportedOperationException("no forge in runtime tests");
            }
        };
        return new HandlerServices(none, RepoSettingsSource.mainConfigOnly(config, none));
    }

    /** Fast settings for tests: 3 attempts, 50 ms backoff, short poll and close timeouts. */
    public WorkerSettings settings() {
        return WorkerSettings.defaults(bootstrap, topics)
                .withRetries(3, List.of(Duration.ofMillis(50)))
                .withPollTimeout(Duration.ofMillis(50))
                .withCloseTimeout(Duration.ofSeconds(2));
    }

    /** A work item as dedup-streams routes it: envelope value, repository key, raw headers. */
    public static EventEnvelope envelope(String deliveryId, String owner, String repo) {
        var payload = JsonNodeFactory.instance.objectNode();
        payload.put("action", "opened");
        payload.putObject("issue").put("number", 7).put("title", "Crash on start");
        return new EventEnvelope("gh", "github", deliveryId, "issues", "opened", owner, repo, "octocat",
                Instant.parse("2026-01-02T03:04:05Z"), List.of(), payload);
    }

    /** Sends a work item for {@code deliveryId} to {@code partition} with the raw headers and {@code extraHeaders}. */
    public RecordMetadata send(int partition, String deliveryId, Map<String, String> extraHeaders) {
        return sendFor(partition, deliveryId, "repo", extraHeaders);
    }

    /** Sends a work item of repository {@code Org/<repo>} to {@code partition}. */
    public RecordMetadata sendFor(int partition, String deliveryId, String repo, Map<String, String> extraHeaders) {
        EventEnvelope item = envelope(deliveryId, "Org", repo);
        var headers = new RecordHeaders();
        headers.add(topics.header("forge"), bytes("gh"));
        headers.add(topics.header("forge-type"), bytes("github"));
        headers.add(topics.header("delivery-id"), bytes(deliveryId));
        headers.add(topics.header("event"), bytes("issues"));
        headers.add(topics.header("received-at"), bytes("2026-01-02T03:04:05Z"));
        headers.add("content-type", bytes("application/json"));
        extraHeaders.forEach((k, v) -> headers.add(k, bytes(v)));
        return sendRaw(partition, bytes(item.key()), item.toJson(), headers);
    }

    public RecordMetadata send(int partition, String deliveryId) {
        return send(partition, deliveryId, Map.of());
    }

    public RecordMetadata sendRaw(int partition, byte[] key, byte[] value, RecordHeaders headers) {
        return sendTo(topics.work(module.id()), partition, key, value, headers);
    }

    /** Sends a record to any topic of this kit (e.g. a dead letter as dedup-streams writes it). */
    public RecordMetadata sendTo(String topic, int partition, byte[] key, byte[] value, RecordHeaders headers) {
        try {
            return producer.send(new ProducerRecord<>(topic, partition, key, value, headers))
                    .get(30, TimeUnit.SECONDS);
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A reader of {@code topic} from its beginning; close with the kit. */
    public TopicReader reader(String topic) {
        TopicReader reader = new TopicReader(bootstrap, topic);
        closeables.add(reader);
        return reader;
    }

    public TopicReader outcomes() {
        return reader(topics.outcomes());
    }

    public TopicReader deadLetters() {
        return reader(topics.deadLetters(module.id()));
    }

    /** The module group's committed offset of {@code partition} of the work topic, -1 when none. */
    public long committed(int partition) {
        return committed(topics.work(module.id()), partition);
    }

    /** The module group's committed offset of {@code partition} of {@code topic}, -1 when none. */
    public long committed(String topic, int partition) {
        try {
            Map<TopicPartition, OffsetAndMetadata> offsets = admin
                    .listConsumerGroupOffsets(topics.prefix() + "." + module.id())
                    .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
            OffsetAndMetadata o = offsets.get(new TopicPartition(topic, partition));
            return o == null ? -1 : o.offset();
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            throw new IllegalStateException(e);
        }
    }

    public static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    public static String text(byte[] b) {
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        for (AutoCloseable c : closeables) {
            try {
                c.close();
            } catch (Exception ignored) {
                // best effort
            }
        }
        producer.close(Duration.ofSeconds(5));
        admin.close(Duration.ofSeconds(5));
    }

    /** Reads a topic from its beginning, accumulating what it read on each call; test thread only. */
    public static final class TopicReader implements AutoCloseable {
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();

        TopicReader(String bootstrap, String topic) {
            Properties p = new Properties();
            p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
            p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
            p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
            consumer = new KafkaConsumer<>(p);
            var partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
        }

        /** Everything read so far, after one more short poll. */
        public List<ConsumerRecord<byte[], byte[]>> records() {
            consumer.poll(Duration.ofMillis(100)).forEach(records::add);
            return List.copyOf(records);
        }

        public List<WorkOutcome> outcomes() {
            return records().stream().map(r -> WorkOutcome.fromJson(r.value())).toList();
        }

        @Override
        public void close() {
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(2)));
        }
    }
}
