package dev.forgebus.dedup;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.forgebus.common.config.ConfigLoader;
import dev.forgebus.common.config.ForgebusConfig;
import dev.forgebus.common.config.ModuleId;
import dev.forgebus.common.emit.EmittedEvents;
import dev.forgebus.common.emit.Notification;
import dev.forgebus.common.event.DedupDecision;
import dev.forgebus.common.event.EventEnvelope;
import dev.forgebus.common.event.RouteDecision;
import dev.forgebus.common.kafka.TopicNames;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** Notifications emitted by modules, through the production topology: routed by the repository's settings, deduplicated, traced. */
class EmittedRoutingTest {

    private static final TopicNames TOPICS = new TopicNames("fbemit");
    private static final Instant START = Instant.parse("2026-11-30T10:00:00Z");

    @TempDir
    Path stateDir;

    private TopologyTestDriver driver;
    private TestInputTopic<String, byte[]> raw;

    @BeforeEach
    void startDriver() throws Exception {
        ForgebusConfig config = ConfigLoader.parse("""
                kafka: { topic_prefix: fbemit }
                forges:
                  gh: { type: github, webhook_secret: s }
                orgs:
                  MyOrg:
                    forge: gh
                    notifications: { enabled: true, channels: [ { type: webhook, url: "https://hooks.example/n", events: [release] } ] }
                    repositories:
                      app: {}
                      muted: { notifications: { enabled: false } }
                  Plain: { forge: gh, repositories: { lib: {} } }
                """, "test.yml", name -> null);
        StreamsBuilder builder = new StreamsBuilder();
        DedupTopology.build(builder, config, TOPICS, DedupMetrics.micrometer(new SimpleMeterRegistry(), config.forges().keySet()));
        driver = Deliveries.driver(builder, "emitted-routing-test", stateDir, START);
        raw = driver.createInputTopic(TOPICS.raw(), new StringSerializer(), new ByteArraySerializer());
    }

    @AfterEach
    void closeDriver() {
        driver.close();
    }

    @Test
    void a_notification_emitted_twice_for_one_item_is_one_work_item_of_notifications_and_the_repeat_is_traced_as_duplicate() {
        // Given the release module emitting the same notification twice for delivery d-1 (a crash before its commit)
        emit("gh", "MyOrg", "app", "release:v1.0.0");
        emit("gh", "MyOrg", "app", "release:v1.0.0");

        // Then one notifications work item, nothing for any other module
        assertThat(work(ModuleId.NOTIFICATIONS)).singleElement().satisfies(e -> {
            assertThat(e.forge()).isEqualTo("forgebus");
            assertThat(e.deliveryId()).isEqualTo("emit:release:d-1:release:v1.0.0");
            assertThat(e.owner()).isEqualTo("MyOrg");
            assertThat(e.repo()).isEqualTo("app");
            assertThat(e.payload().path("forge").asText()).isEqualTo("gh");
            assertThat(Notification.fromPayload(e.payload()).title()).isEqualTo("v1.0.0 released");
        });
        assertThat(work(ModuleId.TRIAGE)).isEmpty();
        assertThat(work(ModuleId.RELEASE)).isEmpty();
        List<DedupDecision> trace = decisions();
        assertThat(trace).extracting(DedupDecision::duplicate).containsExactly(false, true);
        assertThat(trace.get(0).routes()).contains(new RouteDecision("notifications", true, "notification (release)"),
                new RouteDecision("release", false, "notification for notifications"));
        assertThat(trace.get(0).routes()).filteredOn(RouteDecision::routed).hasSize(1);
    }

    @Test
    void a_notification_for_a_repository_whose_notifications_are_disabled_missing_or_unknown_goes_nowhere_and_says_why() {
        emit("gh", "MyOrg", "muted", "k1");
        emit("gh", "Plain", "lib", "k2");
        emit("gh", "Nobody", "x", "k3");
        emit("other", "MyOrg", "app", "k4");

        assertThat(work(ModuleId.NOTIFICATIONS)).isEmpty();
        assertThat(decisions()).extracting(d -> d.routes().stream().filter(r -> r.module().equals("notifications"))
                        .map(RouteDecision::reason).findFirst().orElseThrow())
                .containsExactly(Router.MODULE_DISABLED, Router.MODULE_NOT_CONFIGURED, Router.REPOSITORY_NOT_CONFIGURED,
                        Router.REPOSITORY_NOT_CONFIGURED);
    }

    private void emit(String forge, String owner, String repo, String key) {
        Notification n = Notification.of(key, "release", "v1.0.0 released", "MyOrg/app v1.0.0");
        ProducerRecord<String, byte[]> r = EmittedEvents.notificationRecord(TOPICS, "release", "d-1", forge, owner, repo, n, START);
        raw.pipeInput(new TestRecord<>(r.key(), r.value(), r.headers(), START));
    }

    private List<EventEnvelope> work(ModuleId module) {
        return driver.createOutputTopic(TOPICS.work(module.id()), new StringDeserializer(), new ByteArrayDeserializer())
                .readValuesToList().stream().map(EventEnvelope::fromJson).toList();
    }

    private List<DedupDecision> decisions() {
        return driver.createOutputTopic(TOPICS.trace(), new StringDeserializer(), new ByteArrayDeserializer())
                .readValuesToList().stream().map(DedupDecision::fromJson).toList();
    }
}
