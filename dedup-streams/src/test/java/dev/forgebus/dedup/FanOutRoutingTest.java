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

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forgebus.common.config.ConfigLoader;
import dev.forgebus.common.config.ForgebusConfig;
import dev.forgebus.common.config.ModuleId;
import dev.forgebus.common.emit.EmittedEvents;
import dev.forgebus.common.emit.WorkEvent;
import dev.forgebus.common.event.DedupDecision;
import dev.forgebus.common.event.EventEnvelope;
import dev.forgebus.common.event.Json;
import dev.forgebus.common.event.RouteDecision;
import dev.forgebus.common.kafka.TopicNames;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** Work a module fans out to itself, through the production topology: one item per key, back to the emitter only, traced. */
class FanOutRoutingTest {

    private static final TopicNames TOPICS = new TopicNames("fbfan");
    private static final Instant START = Instant.parse("2026-11-30T10:00:00Z");
    private static final String MODULE = "dependency-triggers";

    @TempDir
    Path stateDir;

    private TopologyTestDriver driver;
    private TestInputTopic<String, byte[]> raw;

    @BeforeEach
    void startDriver() throws Exception {
        ForgebusConfig config = ConfigLoader.parse("""
                kafka: { topic_prefix: fbfan }
                forges:
                  gh: { type: github, webhook_secret: s }
                orgs:
                  MyOrg:
                    forge: gh
                    notifications: { enabled: true, channels: [ { type: webhook, url: "https://hooks.example/n", events: [release] } ] }
                    repositories:
                      lib: { dependency_triggers: { downstream: [ MyOrg/app, OtherOrg/app ] } }
                      off: { dependency_triggers: { enabled: false, downstream: [ MyOrg/app ] } }
                      plain: {}
                """, "test.yml", name -> null);
        StreamsBuilder builder = new StreamsBuilder();
        DedupTopology.build(builder, config, TOPICS, DedupMetrics.micrometer(new SimpleMeterRegistry(), config.forges().keySet()));
        driver = Deliveries.driver(builder, "fan-out-routing-test", stateDir, START);
        raw = driver.createInputTopic(TOPICS.raw(), new StringSerializer(), new ByteArraySerializer());
    }

    @AfterEach
    void closeDriver() {
        driver.close();
    }

    @Test
    void each_key_fanned_out_is_one_work_item_of_the_emitting_module_and_a_repeat_of_a_key_is_a_traced_duplicate() {
        // Given dependency-triggers fanning out two downstreams for delivery d-1, then the first again (a crash before its commit)
        fanOut("lib", "gh:MyOrg/app");
        fanOut("lib", "gh:OtherOrg/app");
        fanOut("lib", "gh:MyOrg/app");

        // Then two work items of dependency-triggers, each with its key and payload, none for any other module
        List<EventEnvelope> items = work(ModuleId.DEPENDENCY_TRIGGERS);
        assertThat(items).extracting(EventEnvelope::deliveryId).containsExactly(
                "emit:dependency-triggers:d-1:gh:MyOrg=app", "emit:dependency-triggers:d-1:gh:OtherOrg=app");
        WorkEvent first = WorkEvent.of(items.get(0)).orElseThrow();
        assertThat(first.key()).isEqualTo("gh:MyOrg/app");
        assertThat(first.forge()).isEqualTo("gh");
        assertThat(first.module()).isEqualTo(MODULE);
        assertThat(first.payload().path("tag").asText()).isEqualTo("v1.2.0");
        assertThat(items.get(0).owner()).isEqualTo("MyOrg");
        assertThat(items.get(0).repo()).isEqualTo("lib");
        assertThat(work(ModuleId.NOTIFICATIONS)).isEmpty();
        assertThat(work(ModuleId.RELEASE)).isEmpty();

        // And the trace says what each was and that the repeat was dropped
        List<DedupDecision> trace = decisions();
        assertThat(trace).extracting(DedupDecision::duplicate).containsExactly(false, false, true);
        assertThat(trace.get(0).routes()).contains(
                new RouteDecision(MODULE, true, "work for dependency-triggers (gh:MyOrg/app)"),
                new RouteDecision("notifications", false, "work for dependency-triggers (gh:MyOrg/app)"));
        assertThat(trace.get(0).routes()).filteredOn(RouteDecision::routed).hasSize(1);
    }

    @Test
    void work_for_a_repository_where_the_module_is_disabled_missing_or_unknown_goes_nowhere_and_says_why() {
        fanOut("MyOrg", "off", "gh:MyOrg/app");
        fanOut("MyOrg", "plain", "gh:MyOrg/app");
        fanOut("Nobody", "lib", "gh:MyOrg/app");

        assertThat(work(ModuleId.DEPENDENCY_TRIGGERS)).isEmpty();
        assertThat(decisions()).extracting(d -> d.routes().stream().filter(r -> r.module().equals(MODULE))
                        .map(RouteDecision::reason).findFirst().orElseThrow())
                .containsExactly(Router.MODULE_DISABLED, Router.MODULE_NOT_CONFIGURED, Router.REPOSITORY_NOT_CONFIGURED);
    }

    @Test
    void work_naming_a_module_outside_the_catalog_reaches_no_module() {
        ObjectNode payload = Json.MAPPER.createObjectNode().put("tag", "v1.2.0");
        ProducerRecord<String, byte[]> r = EmittedEvents.workRecord(TOPICS, "no-such-module", "d-1", "gh", "MyOrg", "lib",
                "gh:MyOrg/app", payload, START);
        raw.pipeInput(new TestRecord<>(r.key(), r.value(), r.headers(), START));

        assertThat(decisions()).singleElement().satisfies(d -> {
            assertThat(d.routes()).noneMatch(RouteDecision::routed);
            assertThat(d.routes()).allMatch(route -> route.reason().contains("no-such-module"));
        });
    }

    private void fanOut(String repo, String key) {
        fanOut("MyOrg", repo, key);
    }

    /** Fanned out while handling delivery d-1 of owner/repo, or d-1-owner-repo for another repository than lib. */
    private void fanOut(String owner, String repo, String key) {
        ObjectNode payload = Json.MAPPER.createObjectNode().put("tag", "v1.2.0");
        String source = owner.equals("MyOrg") && repo.equals("lib") ? "d-1" : "d-1-" + owner + "-" + repo;
        ProducerRecord<String, byte[]> r = EmittedEvents.workRecord(TOPICS, MODULE, source, "gh", owner, repo, key, payload, START);
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
