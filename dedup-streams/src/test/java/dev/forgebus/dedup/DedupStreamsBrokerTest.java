package dev.forgebus.dedup;

import static dev.forgebus.dedup.Deliveries.issue;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import dev.forgebus.broker.SharedTestBroker;
import dev.forgebus.common.config.ForgebusConfig;
import dev.forgebus.common.config.ModuleCatalog;
import dev.forgebus.common.config.ModuleId;
import dev.forgebus.common.event.DedupDecision;
import dev.forgebus.common.event.EventEnvelope;
import dev.forgebus.common.kafka.TopicNames;
import dev.forgebus.common.kafka.TopicProvisioner;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** {@link DedupStreams} with exactly-once processing on the real embedded broker. */
@Tag("broker")
class DedupStreamsBrokerTest {

    private static final Duration DEADLINE = Duration.ofSeconds(30);
    /** Over Kafka's 1 MB defaults, so producer, topics and fetches must be sized for big bodies. */
    private static final int BIG_TITLE = 3 * 1024 * 1024;

    @TempDir
    Path stateDir;

    @Test
    @Timeout(90)
    void a_duplicate_on_the_raw_topic_gives_one_work_item_one_event_and_a_duplicate_decision() throws Exception {
        // Given topics of a prefix of this test's own and the role started
        String prefix = "dedupit-" + UUID.randomUUID().toString().substring(0, 8);
        ForgebusConfig config = Deliveries.config(prefix);
        TopicNames topics = new TopicNames(prefix);
        String bootstrap = SharedTestBroker.bootstrapServers();
        provisionTopics(config, topics, bootstrap);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (DedupStreams dedup = DedupStreams.start(config, bootstrap, stateDir, registry)) {

            // When the gateway writes a delivery twice, then another one of the same repository
            try (KafkaProducer<String, byte[]> producer = producer(bootstrap)) {
                send(producer, topics, "d-1", issue("opened", "MyOrg", "app", "crash on start"));
                send(producer, topics, "d-1", issue("opened", "MyOrg", "app", "crash on start"));
                send(producer, topics, "d-2", issue("opened", "MyOrg", "app", "docs"));
                send(producer, topics, "d-big", issue("opened", "MyOrg", "app", "x".repeat(BIG_TITLE)));
            }

            // Then the work topic has d-1 once, then d-2 (same key, same partition: the duplicate was
            // processed before d-2, so had it been routed it would be there), then the big one whole
            List<EventEnvelope> work = readUntil(bootstrap, topics.work("triage"), 3).stream()
                    .map(r -> EventEnvelope.fromJson(r.value())).toList();
            assertThat(work).extracting(EventEnvelope::deliveryId).containsExactly("d-1", "d-2", "d-big");
            assertThat(work.get(2).payload().path("issue").path("title").asText()).hasSize(BIG_TITLE);
            assertThat(readUntil(bootstrap, topics.events(), 3)).extracting(ConsumerRecord::key)
                    .containsOnly("gh/MyOrg/app").hasSize(3);
            List<DedupDecision> decisions = readUntil(bootstrap, topics.trace(), 4).stream()
                    .map(r -> DedupDecision.fromJson(r.value())).toList();
            assertThat(decisions).extracting(DedupDecision::deliveryId, DedupDecision::duplicate)
                    .containsExactly(tuple("d-1", false), tuple("d-1", true), tuple("d-2", false), tuple("d-big", false));
            assertThat(dedup.isRunning()).isTrue();
            await().atMost(DEADLINE).until(() -> dedup.readiness().ready());
            assertThat(registry.get("forgebus.dedup.duplicates").tag("forge", "gh").counter().count()).isEqualTo(1);
        }
    }

    @Test
    @Timeout(90)
    void one_delivery_with_a_huge_action_goes_to_dedups_dead_letters_and_the_role_keeps_routing() throws Exception {
        // Given a role whose topics hold 1.5 MiB bodies (before the hostile-input work, the action was
        // copied from the payload into the envelope and into each route reason: over the record
        // limit, the stream client stopped, and stopped again on the same offset after every restart)
        String prefix = "dedupit-" + UUID.randomUUID().toString().substring(0, 8);
        ForgebusConfig config = Deliveries.config(prefix, 1536 * 1024);
        TopicNames topics = new TopicNames(prefix);
        String bootstrap = SharedTestBroker.bootstrapServers();
        provisionTopics(config, topics, bootstrap);
        try (DedupStreams dedup = DedupStreams.start(config, bootstrap, stateDir, new SimpleMeterRegistry())) {
            // When a delivery with a 1.2 MB action arrives, then a normal one
            byte[] poison = ("{\"action\":\"" + "a".repeat(1200 * 1024) + "\",\"repository\":{\"name\":\"app\","
                    + "\"owner\":{\"login\":\"MyOrg\"}}}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
            try (KafkaProducer<String, byte[]> producer = producer(bootstrap)) {
                send(producer, topics, "d-poison", poison);
                send(producer, topics, "d-after", issue("opened", "MyOrg", "app", "crash on start"));
            }

            // Then the poison waits in dedup's dead letters, the next delivery is routed, the role runs
            List<ConsumerRecord<String, byte[]>> letters = readUntil(bootstrap, topics.dedupDeadLetters(), 1);
            assertThat(letters).singleElement().satisfies(l -> assertThat(l.value()).isEqualTo(poison));
            assertThat(readUntil(bootstrap, topics.work("triage"), 1)).extracting(r -> EventEnvelope.fromJson(r.value()).deliveryId())
                    .containsExactly("d-after");
            assertThat(dedup.isRunning()).isTrue();
        }
    }

    @Test
    @Timeout(90)
    void a_fatal_error_stops_the_role_and_readiness_says_why() {
        // Given a prefix whose topics were never created
        ForgebusConfig config = Deliveries.config("dedupit-missing-" + UUID.randomUUID().toString().substring(0, 8));

        // When the role starts
        try (DedupStreams dedup = DedupStreams.start(config, SharedTestBroker.bootstrapServers(), stateDir, new SimpleMeterRegistry())) {

            // Then it stops, and says why instead of hanging as "starting"
            await().atMost(DEADLINE).until(() -> !dedup.isRunning());
            assertThat(dedup.readiness().ready()).isFalse();
            assertThat(dedup.readiness().reason()).startsWith("dedup-streams stopped after an error: MissingSourceTopicException");
        }
    }

    @Test
    @Timeout(90)
    void a_stream_stopped_by_an_error_fails_liveness_naming_the_error_and_a_normal_close_does_not() {
        // Given one role whose topics were never created (its stream thread dies) and one that runs normally
        ForgebusConfig broken = Deliveries.config("dedupit-dead-" + UUID.randomUUID().toString().substring(0, 8));
        String prefix = "dedupit-live-" + UUID.randomUUID().toString().substring(0, 8);
        ForgebusConfig healthy = Deliveries.config(prefix);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, SharedTestBroker.bootstrapServers()))) {
            new TopicProvisioner(admin, 1, (short) 1, 8L * 1024 * 1024)
                    .ensure(TopicProvisioner.allTopics(new TopicNames(prefix), ModuleCatalog.standard().ids().stream().map(ModuleId::id).toList()), 30_000);
        }

        // When both run, and the healthy one is closed normally
        try (DedupStreams dead = DedupStreams.start(broken, SharedTestBroker.bootstrapServers(), stateDir.resolve("dead"), new SimpleMeterRegistry())) {
            await().atMost(DEADLINE).until(() -> !dead.liveness().alive());
            // Then the failed one is dead, and says why
            assertThat(dead.liveness().reason()).startsWith("stream client stopped after an error: MissingSourceTopicException");
        }
        DedupStreams live = DedupStreams.start(healthy, SharedTestBroker.bootstrapServers(), stateDir.resolve("live"), new SimpleMeterRegistry());
        await().atMost(DEADLINE).until(live::isRunning);
        assertThat(live.liveness().alive()).isTrue();
        live.close();
        // And a normal close is not a death
        assertThat(live.liveness().alive()).isTrue();
    }

    /** Every topic of the prefix, sized like the process sizes them. */
    private static void provisionTopics(ForgebusConfig config, TopicNames topics, String bootstrap) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            new TopicProvisioner(admin, config.kafka().partitions(), config.kafka().replicationFactor(),
                    dev.forgebus.common.kafka.RecordSizes.maxRecordBytes(config.server().maxBodyBytes()))
                    .ensure(TopicProvisioner.allTopics(topics, ModuleCatalog.standard().ids().stream().map(ModuleId::id).toList()), 30_000);
        }
    }

    private static KafkaProducer<String, byte[]> producer(String bootstrap) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 8 * 1024 * 1024),
                new StringSerializer(), new ByteArraySerializer());
    }

    private static void send(KafkaProducer<String, byte[]> producer, TopicNames topics, String deliveryId, byte[] body)
            throws Exception {
        producer.send(new ProducerRecord<>(topics.raw(), null, "gh/MyOrg/app", body,
                Deliveries.headers(topics, "gh", "github", deliveryId, "issues", Instant.now(), body))).get();
    }

    /**
     * Reads {@code topic} from the start with {@code read_committed} (only what a committed
     * transaction wrote) until {@code count} records arrived, within the deadline.
     */
    private static List<ConsumerRecord<String, byte[]>> readUntil(String bootstrap, String topic, int count) {
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "reader-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            await().atMost(DEADLINE).pollInSameThread().pollInterval(Duration.ZERO).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                return records.size() >= count;
            });
        }
        return records;
    }
}
