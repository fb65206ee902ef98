package dev.forgebus.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
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
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import dev.forgebus.broker.SharedTestBroker;
import dev.forgebus.common.config.ConfigLoader;
import dev.forgebus.common.config.ForgebusConfig;
import dev.forgebus.common.config.ModuleCatalog;
import dev.forgebus.common.config.ModuleId;
import dev.forgebus.common.event.DedupDecision;
import dev.forgebus.common.event.EventEnvelope;
import dev.forgebus.common.kafka.RecordSizes;
import dev.forgebus.common.kafka.TopicNames;
import dev.forgebus.common.kafka.TopicProvisioner;
import dev.forgebus.dedup.DedupStreams;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** Ticks of real schedulers through the real dedup role on the embedded broker, with an injected clock. */
@Tag("broker")
class SchedulerTicksBrokerTest {

    private static final Duration DEADLINE = Duration.ofSeconds(45);

    @TempDir
    Path stateDir;

    @Test
    @Timeout(120)
    void two_scheduler_replicas_on_one_broker_make_one_work_item_per_slot() throws Exception {
        // Given dedup running and two scheduler replicas sharing one (injected) clock
        String prefix = "ticks-" + UUID.randomUUID().toString().substring(0, 8);
        ForgebusConfig config = config(prefix);
        TopicNames topics = new TopicNames(prefix);
        String bootstrap = SharedTestBroker.bootstrapServers();
        provision(config, topics, bootstrap);
        MutableClock clock = new MutableClock(Instant.parse("2026-11-29T02:00:30Z"));
        try (DedupStreams dedup = DedupStreams.start(config, bootstrap, stateDir, new SimpleMeterRegistry());
             TickPublisher p1 = TickPublisher.create(bootstrap, topics, Duration.ofSeconds(10));
             TickPublisher p2 = TickPublisher.create(bootstrap, topics, Duration.ofSeconds(10))) {
            TickScheduler one = new TickScheduler(() -> config, p1, clock, new SimpleMeterRegistry());
            TickScheduler two = new TickScheduler(() -> config, p2, clock, new SimpleMeterRegistry());

            // When both start at 02:00:30, and both run again as the clock passes 03:00
            one.runDue();
            two.runDue();
            clock.set(Instant.parse("2026-11-29T03:00:00.200Z"));
            one.runDue();
            two.runDue();

            // Then dedup saw four ticks, and work.stale holds one item per slot
            List<DedupDecision> trace = read(bootstrap, topics.trace(), 4).stream().map(r -> DedupDecision.fromJson(r.value())).toList();
            assertThat(trace).extracting(DedupDecision::deliveryId).containsOnly(
                    "cron:stale:gh:MyOrg@2026-11-29T02:00:00Z", "cron:stale:gh:MyOrg@2026-11-29T03:00:00Z");
            assertThat(trace).filteredOn(DedupDecision::duplicate).hasSize(2);
            assertThat(read(bootstrap, topics.work(ModuleId.STALE.id()), 2)).extracting(r -> EventEnvelope.fromJson(r.value()).deliveryId())
                    .containsExactly("cron:stale:gh:MyOrg@2026-11-29T02:00:00Z", "cron:stale:gh:MyOrg@2026-11-29T03:00:00Z");
        }
    }

    @Test
    @Timeout(120)
    void a_scheduler_back_after_three_hours_fires_the_missed_job_once_and_a_fired_slot_not_again() throws Exception {
        // Given dedup that already holds the 00:00 tick of the hourly job (fired before the downtime)
        String prefix = "ticks-" + UUID.randomUUID().toString().substring(0, 8);
        ForgebusConfig config = config(prefix);
        TopicNames topics = new TopicNames(prefix);
        String bootstrap = SharedTestBroker.bootstrapServers();
        provision(config, topics, bootstrap);
        MutableClock clock = new MutableClock(Instant.parse("2026-11-29T00:00:01Z"));
        try (DedupStreams dedup = DedupStreams.start(config, bootstrap, stateDir, new SimpleMeterRegistry());
             TickPublisher publisher = TickPublisher.create(bootstrap, topics, Duration.ofSeconds(10))) {
            new TickScheduler(() -> config, publisher, clock, new SimpleMeterRegistry()).runDue();
            // a restart at 00:40 republishes 00:00, which dedup drops
            clock.set(Instant.parse("2026-11-29T00:40:00Z"));
            new TickScheduler(() -> config, publisher, clock, new SimpleMeterRegistry()).runDue();

            // When the scheduler starts again at 03:30, three hours of slots later
            clock.set(Instant.parse("2026-11-29T03:30:00Z"));
            List<String> fired = new TickScheduler(() -> config, publisher, clock, new SimpleMeterRegistry()).runDue();

            // Then it fired once, for 03:00, and work.stale holds 00:00 and 03:00 only
            assertThat(fired).containsExactly("cron:stale:gh:MyOrg@2026-11-29T03:00:00Z");
            List<DedupDecision> trace = read(bootstrap, topics.trace(), 3).stream().map(r -> DedupDecision.fromJson(r.value())).toList();
            assertThat(trace).extracting(DedupDecision::deliveryId, DedupDecision::duplicate).containsExactly(
                    org.assertj.core.groups.Tuple.tuple("cron:stale:gh:MyOrg@2026-11-29T00:00:00Z", false),
                    org.assertj.core.groups.Tuple.tuple("cron:stale:gh:MyOrg@2026-11-29T00:00:00Z", true),
                    org.assertj.core.groups.Tuple.tuple("cron:stale:gh:MyOrg@2026-11-29T03:00:00Z", false));
            assertThat(read(bootstrap, topics.work(ModuleId.STALE.id()), 2)).extracting(r -> EventEnvelope.fromJson(r.value()).deliveryId())
                    .containsExactly("cron:stale:gh:MyOrg@2026-11-29T00:00:00Z", "cron:stale:gh:MyOrg@2026-11-29T03:00:00Z");
        }
    }

    private static ForgebusConfig config(String prefix) throws Exception {
        return ConfigLoader.parse("""
                kafka: { topic_prefix: %s, partitions: 2 }
                dedup: { retention: 7d }
                forges:
                  gh: { type: github, webhook_secret: s }
                orgs:
                  MyOrg: { forge: gh, stale_management: { schedule: "0 * * * *" } }
                """.formatted(prefix), "test.yml", name -> null);
    }

    private static void provision(ForgebusConfig config, TopicNames topics, String bootstrap) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            new TopicProvisioner(admin, config.kafka().partitions(), config.kafka().replicationFactor(),
                    RecordSizes.maxRecordBytes(config.server().maxBodyBytes()))
                    .ensure(TopicProvisioner.allTopics(topics, ModuleCatalog.standard().ids().stream().map(ModuleId::id).toList()), 30_000);
        }
    }

    /** Reads {@code topic} from the start (read_committed) until {@code count} records arrived, within the deadline. */
    private static List<ConsumerRecord<String, byte[]>> read(String bootstrap, String topic, int count) {
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
            // a little longer, so an extra record (a second work item) would be seen
            consumer.poll(Duration.ofMillis(500)).forEach(records::add);
        }
        return records;
    }
}
