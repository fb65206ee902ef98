package dev.forgebus.app.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import dev.forgebus.app.Modules;
import dev.forgebus.common.config.ConfigLoader;
import dev.forgebus.common.config.ForgebusConfig;
import dev.forgebus.common.config.ModuleId;
import dev.forgebus.common.emit.EmittedEvents;
import dev.forgebus.common.emit.Notification;
import dev.forgebus.common.event.EventEnvelope;
import dev.forgebus.common.kafka.TopicNames;
import dev.forgebus.forge.ForgeClient;
import dev.forgebus.forge.ForgeClients;
import dev.forgebus.workers.HandlerContext;
import dev.forgebus.workers.HandlerServices;
import dev.forgebus.workers.ModuleHandler;
import dev.forgebus.workers.ProgressStores;
import dev.forgebus.workers.Result;
import dev.forgebus.workers.WorkItem;
import dev.forgebus.workers.emit.KafkaEmitter;
import dev.forgebus.workers.runtime.ModuleWorker;
import dev.forgebus.workers.runtime.WorkerSettings;
import dev.forgebus.workers.settings.RepoSettingsSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * Issue 10: a notification emitted by a handler whose worker dies before committing the item is
 * still exactly one notification item. {@code run} with every role (gateway, dedup, workers) and its
 * embedded broker; the release module's handler is a test handler run by a worker of this test.
 */
class EmitEndToEndTest {
    private static final Duration WITHIN = Duration.ofSeconds(60);
    private static final String KEY = "release:v1.0.0";

    @TempDir
    Path dir;

    @Test
    void an_emitted_notification_survives_a_crash_between_emit_and_commit_with_exactly_one_notification_item() throws Exception {
        int kafkaPort = TriageEndToEndTest.freePort();
        String yaml = RunningForgebus.config("http://127.0.0.1:1", kafkaPort, "").replace("""
                    repositories:
                      app: {}
                """, """
                    notifications: { enabled: true, channels: [ { type: webhook, url: "https://hooks.example/n", events: [release] } ] }
                    repositories:
                      app: { release: { enabled: true, trigger: tag_push, tag_pattern: "v*" } }
                """);
        ForgebusConfig config = ConfigLoader.parse(yaml, "e2e.yml", name -> null);
        String bootstrap = "127.0.0.1:" + kafkaPort;
        TopicNames topics = new TopicNames(config.kafka().topicPrefix());
        // This test's own release worker handles the item: the process runs every other module but
        // notifications, so the notification item stays in its work topic to be counted (handled, its
        // channel being unreachable, it could dead-letter before the re-emission, which dedup then
        // rightly routes again).
        try (RunningForgebus forgebus = new RunningForgebus(
                Modules.BUILT_IN.without(ModuleId.RELEASE).without(ModuleId.NOTIFICATIONS), yaml, dir.resolve("data"));
             KafkaEmitter emitter = new KafkaEmitter(bootstrap, topics, KafkaEmitter.DEFAULT_ACK_TIMEOUT, Clock.systemUTC())) {
            HandlerServices services = new HandlerServices(NO_FORGE, RepoSettingsSource.mainConfigOnly(config, NO_FORGE), emitter,
                    ProgressStores.NONE).forModule(ModuleId.RELEASE);
            WorkerSettings settings = WorkerSettings.of(bootstrap, config).withCloseTimeout(Duration.ofSeconds(1));

            // Given a tag push routed to release, whose handler emits a notification and then hangs
            String delivery = RunningForgebus.newDelivery();
            List<WorkItem> handled = new CopyOnWriteArrayList<>();
            CountDownLatch emitted = new CountDownLatch(1);
            ModuleHandler emitsThenHangs = handler(handled, context -> {
                emitted.countDown();
                new CountDownLatch(1).await(); // until the worker dies under it
            });
            ModuleWorker first = ModuleWorker.start(settings, emitsThenHangs, services, new SimpleMeterRegistry());
            assertThat(forgebus.postGithub("push", delivery, tagPush("app", "v1.0.0")).statusCode()).isEqualTo(202);
            assertThat(emitted.await(WITHIN.toSeconds(), TimeUnit.SECONDS)).isTrue();

            // When the worker dies with the item in its hands: emitted, not committed
            first.close();
            assertThat(committedOffsets(bootstrap, topics, ModuleId.RELEASE)).isEmpty();

            // And a new worker of the module handles the item again, emitting the same notification
            ModuleWorker second = ModuleWorker.start(settings, handler(handled, context -> { }), services, new SimpleMeterRegistry());
            try {
                await().atMost(WITHIN).until(() -> handled.size() == 2);
                String emittedId = EmittedEvents.deliveryId("release", delivery, KEY);

                // Then dedup saw the notification twice and routed it once
                await().atMost(WITHIN).until(() -> forgebus.adminJson("GET", "/admin/deliveries/" + emittedId, null)
                        .path("sightings").size() == 2);
                JsonNode sightings = forgebus.adminJson("GET", "/admin/deliveries/" + emittedId, null).path("sightings");
                assertThat(sightings.get(0).path("duplicate").asBoolean()).isFalse();
                assertThat(sightings.get(1).path("duplicate").asBoolean()).isTrue();

                // And forgebus.work.notifications holds exactly one item for it
                List<EventEnvelope> notifications = readAll(bootstrap, topics.work(ModuleId.NOTIFICATIONS.id())).stream()
                        .map(r -> EventEnvelope.fromJson(r.value())).filter(e -> e.deliveryId().equals(emittedId)).toList();
                assertThat(notifications).singleElement().satisfies(e -> {
                    assertThat(e.forge()).isEqualTo("forgebus");
                    assertThat(e.owner()).isEqualTo("MyOrg");
                    assertThat(e.repo()).isEqualTo("app");
                    assertThat(e.payload().path("forge").asText()).isEqualTo("github");
                    assertThat(Notification.fromPayload(e.payload()).kind()).isEqualTo("release");
                });
                // The same delivery was handled twice (the first attempt never committed)
                assertThat(handled).extracting(w -> w.envelope().deliveryId()).containsExactly(delivery, delivery);
                assertThat(handled).extracting(WorkItem::attempt).containsExactly(1, 1);
            } finally {
                second.close();
            }
        }
    }

    interface AfterEmit {
        void run(HandlerContext context) throws InterruptedException;
    }

    /** A release handler that records the item, emits its notification, then does {@code afterEmit}. */
    private static ModuleHandler handler(List<WorkItem> handled, AfterEmit afterEmit) {
        return new ModuleHandler() {
            @Override
            public ModuleId module() {
                return ModuleId.RELEASE;
            }

            @Override
            public Result handle(WorkItem item, HandlerContext context) throws dev.forgebus.forge.ForgeCallException, InterruptedException {
                handled.add(item);
                context.emit(Notification.of(KEY, "release", "v1.0.0 released", "MyOrg/app v1.0.0 is out")
                        .withLink("https://github.example/MyOrg/app/releases/tag/v1.0.0"));
                afterEmit.run(context);
                return Result.DONE;
            }
        };
    }

    private static byte[] tagPush(String repo, String tag) {
        return ("{\"ref\":\"refs/tags/" + tag + "\",\"before\":\"" + "0".repeat(40) + "\",\"after\":\"" + "a".repeat(40) + "\","
                + "\"deleted\":false,\"repository\":{\"name\":\"" + repo + "\",\"full_name\":\"MyOrg/" + repo + "\","
                + "\"owner\":{\"login\":\"MyOrg\",\"name\":\"MyOrg\"}},\"sender\":{\"login\":\"octocat\"}}")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static Map<TopicPartition, ?> committedOffsets(String bootstrap, TopicNames topics, ModuleId module) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            return admin.listConsumerGroupOffsets(topics.prefix() + "." + module.id()).partitionsToOffsetAndMetadata()
                    .get(30, TimeUnit.SECONDS).entrySet().stream()
                    .filter(e -> e.getKey().topic().equals(topics.work(module.id())) && e.getValue() != null)
                    .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        }
    }

    /** Every committed record of {@code topic}, read up to the end offsets it has now. */
    private static List<ConsumerRecord<byte[], byte[]>> readAll(String bootstrap, String topic) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            List<ConsumerRecord<byte[], byte[]>> records = new CopyOnWriteArrayList<>();
            await().atMost(WITHIN).until(() -> {
                consumer.poll(Duration.ofMillis(100)).forEach(records::add);
                return partitions.stream().allMatch(tp -> consumer.position(tp) >= ends.get(tp));
            });
            return records;
        }
    }

    private static final ForgeClients NO_FORGE = new ForgeClients() {
        @Override
        public ForgeClient forOwner(String forgeId, String owner) {
            throw new UnsupportedOperationException("this test's handler calls no forge");
        }

        @Override
        public String credentialId(String forgeId, String owner) {
            return forgeId;
        }

        @Override
        public ForgeClient forApp(String forgeId) {
            throw new UnsupportedOperationException("this test's handler calls no forge");
        }
    };
}
