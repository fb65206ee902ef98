package dev.forgebus.dedup;

import static dev.forgebus.dedup.Deliveries.issue;
import static dev.forgebus.dedup.Deliveries.pullRequest;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.forgebus.common.config.ForgebusConfig;
import dev.forgebus.common.config.ModuleCatalog;
import dev.forgebus.common.event.DedupDecision;
import dev.forgebus.common.event.EventEnvelope;
import dev.forgebus.common.event.RouteDecision;
import dev.forgebus.common.event.WorkOutcome;
import dev.forgebus.common.kafka.TopicNames;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** {@link DedupTopology#build} itself, driven by {@link TopologyTestDriver} with a mocked wall clock. */
class DedupTopologyTest {

    private static final TopicNames TOPICS = new TopicNames("fbtest");
    private static final ForgebusConfig CONFIG = Deliveries.config("fbtest");
    private static final Instant START = Instant.parse("2026-03-01T12:00:00Z");
    private static final String APP_KEY = "gh/MyOrg/app";

    @TempDir
    Path stateDir;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private TopologyTestDriver driver;
    private TestInputTopic<String, byte[]> raw;
    private TestInputTopic<String, byte[]> outcomes;
    private TestOutputTopic<String, byte[]> events;
    private TestOutputTopic<String, byte[]> trace;

    @BeforeEach
    void startDriver() {
        StreamsBuilder builder = new StreamsBuilder();
        DedupTopology.build(builder, CONFIG, TOPICS, DedupMetrics.micrometer(registry, CONFIG.forges().keySet()));
        driver = Deliveries.driver(builder, "dedup-topology-test", stateDir, START);
        raw = driver.createInputTopic(TOPICS.raw(), new StringSerializer(), new ByteArraySerializer());
        outcomes = driver.createInputTopic(TOPICS.outcomes(), new StringSerializer(), new ByteArraySerializer());
        events = output(TOPICS.events());
        trace = output(TOPICS.trace());
    }

    @AfterEach
    void closeDriver() {
        driver.close();
    }

    @Test
    void one_delivery_sent_three_times_is_routed_once_and_traced_three_times() {
        // Given a delivery the forge sent three times (timeouts, redelivery)
        for (int i = 0; i < 3; i++) {
            sendRaw(APP_KEY, "gh", "d-1", "issues", issue("opened", "MyOrg", "app", "App crashes on start"));
        }

        // Then one work item and one event, three trace decisions
        List<EventEnvelope> work = workItems("triage");
        assertThat(work).hasSize(1);
        assertThat(work.getFirst().deliveryId()).isEqualTo("d-1");
        assertThat(events.readRecordsToList()).hasSize(1);
        List<DedupDecision> decisions = decisions();
        assertThat(decisions).extracting(DedupDecision::duplicate).containsExactly(false, true, true);
        assertThat(decisions.get(0).routes()).contains(new RouteDecision("triage", true, "trigger (issues.opened)"));
        assertThat(decisions.get(1).routes()).isEmpty();
        assertThat(registry.get("forgebus.dedup.duplicates").tag("forge", "gh").counter().count()).isEqualTo(2);
    }

    @Test
    void the_envelope_says_who_what_and_when_and_keeps_the_raw_key() {
        Instant receivedAt = Instant.parse("2026-03-01T11:59:58.123Z");
        byte[] body = issue("edited", "MyOrg", "app", "docs typo");
        raw.pipeInput(new TestRecord<>(APP_KEY, body, Deliveries.headers(TOPICS, "gh", "github", "d-2", "issues", receivedAt, body), START));

        TestRecord<String, byte[]> record = events.readRecord();
        EventEnvelope envelope = EventEnvelope.fromJson(record.value());
        assertThat(record.key()).isEqualTo(APP_KEY);
        assertThat(envelope).extracting(EventEnvelope::forge, EventEnvelope::forgeType, EventEnvelope::deliveryId,
                        EventEnvelope::event, EventEnvelope::action, EventEnvelope::owner, EventEnvelope::repo,
                        EventEnvelope::sender, EventEnvelope::receivedAt)
                .containsExactly("gh", "github", "d-2", "issues", "edited", "MyOrg", "app", "octocat", receivedAt);
        assertThat(envelope.payload().path("issue").path("title").asText()).isEqualTo("docs typo");
        assertThat(envelope.routes()).extracting(RouteDecision::module).hasSize(ModuleCatalog.standard().webhookDriven().size());
    }

    @Test
    void every_unique_event_reaches_events_with_the_reason_each_module_was_not_routed() {
        // Given a disabled module, a non-trigger event and a repository of no configured org
        sendRaw("gh/MyOrg/quiet", "gh", "d-quiet", "issues", issue("opened", "MyOrg", "quiet", "crash"));
        sendRaw(APP_KEY, "gh", "d-closed", "issues", issue("closed", "MyOrg", "app", "crash"));
        sendRaw("gh/Stranger/x", "gh", "d-stranger", "issues", issue("opened", "Stranger", "x", "crash"));

        // Then no work at all, and the reasons on events and trace
        assertThat(workItems("triage")).isEmpty();
        List<EventEnvelope> envelopes = events.readValuesToList().stream().map(EventEnvelope::fromJson).toList();
        assertThat(envelopes).extracting(e -> reasonFor(e.routes(), "triage"))
                .containsExactly("module disabled", "event not a trigger (issues.closed)", "repository not configured");
        assertThat(decisions()).extracting(d -> reasonFor(d.routes(), "triage"))
                .containsExactly("module disabled", "event not a trigger (issues.closed)", "repository not configured");
    }

    @Test
    void a_redelivery_after_a_dead_letter_is_routed_again_to_that_module_only_and_once() {
        // Given a pull request routed to triage and auto-merge, and auto-merge's work dead-lettered
        sendRaw(APP_KEY, "gh", "d-pr", "pull_request", pullRequest("opened", "MyOrg", "app", false));
        assertThat(workItems("triage")).hasSize(1);
        assertThat(workItems("auto-merge")).hasSize(1);
        sendOutcome(APP_KEY, "d-pr", "auto-merge", WorkOutcome.Status.DEAD_LETTER);
        sendOutcome(APP_KEY, "d-pr", "triage", WorkOutcome.Status.DONE);

        // When the operator redelivers it twice
        sendRaw(APP_KEY, "gh", "d-pr", "pull_request", pullRequest("opened", "MyOrg", "app", false));
        sendRaw(APP_KEY, "gh", "d-pr", "pull_request", pullRequest("opened", "MyOrg", "app", false));

        // Then auto-merge alone gets it once more; the second redelivery is dropped
        assertThat(workItems("triage")).isEmpty();
        List<EventEnvelope> again = workItems("auto-merge");
        assertThat(again).hasSize(1);
        assertThat(again.getFirst().routes()).containsExactly(new RouteDecision("auto-merge", true, DeduplicateAndRoute.REROUTED));
        assertThat(events.readRecordsToList()).as("not a new unique event").hasSize(1);
        List<DedupDecision> decisions = decisions();
        assertThat(decisions).extracting(DedupDecision::duplicate).containsExactly(false, true, true);
        assertThat(decisions.get(1).routes()).containsExactly(new RouteDecision("auto-merge", true, DeduplicateAndRoute.REROUTED));
        assertThat(decisions.get(2).routes()).isEmpty();
    }

    @Test
    void a_redelivery_after_the_dead_letter_was_replayed_successfully_is_dropped() {
        // Given a dead letter, then the same module's success (an operator replayed it)
        sendRaw(APP_KEY, "gh", "d-3", "issues", issue("opened", "MyOrg", "app", "crash"));
        sendOutcome(APP_KEY, "d-3", "triage", WorkOutcome.Status.DEAD_LETTER);
        sendOutcome(APP_KEY, "d-3", "triage", WorkOutcome.Status.DONE);

        // When the forge redelivers
        sendRaw(APP_KEY, "gh", "d-3", "issues", issue("opened", "MyOrg", "app", "crash"));

        // Then it is dropped
        assertThat(workItems("triage")).hasSize(1);
        assertThat(decisions()).extracting(DedupDecision::duplicate).containsExactly(false, true);
    }

    @Test
    void deliveries_are_forgotten_once_the_retention_has_passed_on_the_wall_clock() {
        // Given three deliveries remembered (retention 1h in the test config)
        for (String id : List.of("d-a", "d-b", "d-c")) {
            sendRaw(APP_KEY, "gh", id, "issues", issue("opened", "MyOrg", "app", "crash"));
        }
        KeyValueStore<String, SeenDelivery> store = driver.getKeyValueStore(DedupTopology.STORE);
        assertThat(keys(store)).containsExactlyInAnyOrder("gh\nd-a", "gh\nd-b", "gh\nd-c");

        // When half the retention passes, they are still there
        driver.advanceWallClockTime(Duration.ofMinutes(30));
        assertThat(keys(store)).hasSize(3);

        // When the retention and a sweep interval have passed
        driver.advanceWallClockTime(Duration.ofMinutes(30).plus(ExpirySweep.passInterval(CONFIG.dedup().retention())));

        // Then the store is empty, and the same delivery id is a new delivery
        assertThat(keys(store)).isEmpty();
        workItems("triage");
        sendRaw(APP_KEY, "gh", "d-a", "issues", issue("opened", "MyOrg", "app", "crash"));
        assertThat(workItems("triage")).hasSize(1);
    }

    @Test
    void an_unreadable_payload_is_traced_counted_and_dead_lettered_without_stopping_the_stream() {
        // Given a record whose body is not JSON, then a good one
        sendRaw(APP_KEY, "gh", "d-bad", "issues", "<html>oops</html>".getBytes(StandardCharsets.UTF_8));
        sendRaw(APP_KEY, "gh", "d-good", "issues", issue("opened", "MyOrg", "app", "crash"));

        // Then the bad one is traced with the reason for every module, and the good one routed
        List<DedupDecision> decisions = decisions();
        assertThat(decisions).hasSize(2);
        assertThat(decisions.get(0).deliveryId()).isEqualTo("d-bad");
        assertThat(decisions.get(0).routes()).isNotEmpty()
                .allSatisfy(r -> assertThat(r.reason()).isEqualTo("dead-lettered to fbtest.dlq.dedup: unreadable payload: not JSON"));
        assertThat(workItems("triage")).extracting(EventEnvelope::deliveryId).containsExactly("d-good");
        assertThat(registry.get("forgebus.dedup.unreadable").tag("forge", "gh").counter().count()).isEqualTo(1);
    }

    @Test
    void a_payload_with_trailing_bytes_after_the_json_is_unreadable_because_envelopes_embed_it_verbatim() {
        byte[] body = (new String(issue("opened", "MyOrg", "app", "crash"), StandardCharsets.UTF_8) + " {\"x\":1}")
                .getBytes(StandardCharsets.UTF_8);
        sendRaw(APP_KEY, "gh", "d-trailing", "issues", body);

        assertThat(workItems("triage")).isEmpty();
        assertThat(decisions().getFirst().routes()).isNotEmpty()
                .allSatisfy(r -> assertThat(r.reason()).endsWith("unreadable payload: not JSON"));
    }

    @Test
    void the_work_item_embeds_the_raw_payload_bytes_and_reads_back_as_the_parsed_envelope() {
        // Given a pretty-printed body (as Gitea and Forgejo send) with a large number and unicode
        String body = "{\n  \"action\": \"opened\",\n  \"issue\": { \"number\": 12345678901234567890, \"title\": \"Crash \u00e9t\u00e9 \\u2603\" },\n"
                + "  \"repository\": { \"name\": \"app\", \"owner\": { \"login\": \"MyOrg\" } },\n  \"sender\": { \"login\": \"octocat\" }\n}";
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        sendRaw(APP_KEY, "gh", "d-raw", "issues", bytes);

        byte[] work = output(TOPICS.work("triage")).readValue();
        String json = new String(work, StandardCharsets.UTF_8);
        assertThat(json).as("payload embedded verbatim, as the last member").endsWith("\"payload\":" + body + "}");
        EventEnvelope envelope = EventEnvelope.fromJson(work);
        assertThat(envelope.payload().path("issue").path("title").asText()).isEqualTo("Crash \u00e9t\u00e9 \u2603");
        assertThat(envelope.payload().path("issue").path("number").bigIntegerValue()).hasToString("12345678901234567890");
        assertThat(EventEnvelope.fromJson(envelope.toJson())).as("same envelope as the tree-serialised form").isEqualTo(envelope);
    }

    @Test
    void a_record_without_a_delivery_id_is_dead_lettered_as_unreadable() {
        byte[] body = issue("opened", "MyOrg", "app", "crash");
        RecordHeaders headers = (RecordHeaders) Deliveries.headers(TOPICS, "gh", "github", "x", "issues", START, body);
        headers.remove(TOPICS.header("delivery-id"));
        raw.pipeInput(new TestRecord<>(APP_KEY, body, headers, START));

        assertThat(workItems("triage")).isEmpty();
        assertThat(decisions().getFirst().routes().getFirst().reason())
                .endsWith("unreadable record: header fbtest.delivery-id missing");
    }

    @Test
    void an_unreadable_outcome_is_skipped() {
        sendRaw(APP_KEY, "gh", "d-4", "issues", issue("opened", "MyOrg", "app", "crash"));
        outcomes.pipeInput(APP_KEY, "not an outcome".getBytes(StandardCharsets.UTF_8));
        sendOutcome(APP_KEY, "d-4", "triage", WorkOutcome.Status.DEAD_LETTER);

        sendRaw(APP_KEY, "gh", "d-4", "issues", issue("opened", "MyOrg", "app", "crash"));

        assertThat(workItems("triage")).hasSize(2);
    }

    @Test
    void raw_and_outcomes_share_one_sub_topology_so_streams_checks_they_are_co_partitioned() {
        StreamsBuilder builder = new StreamsBuilder();
        DedupTopology.build(builder, CONFIG, TOPICS);

        TopologyDescription description = builder.build().describe();

        assertThat(description.subtopologies()).hasSize(1);
        assertThat(description.subtopologies().iterator().next().nodes().stream()
                .filter(node -> node instanceof TopologyDescription.Source)
                .flatMap(node -> ((TopologyDescription.Source) node).topicSet().stream()))
                .containsExactlyInAnyOrder(TOPICS.raw(), TOPICS.outcomes());
    }

    // --- helpers ---

    private void sendRaw(String key, String forge, String deliveryId, String event, byte[] body) {
        raw.pipeInput(new TestRecord<>(key, body, Deliveries.headers(TOPICS, forge, "github", deliveryId, event, START, body), START));
    }

    private void sendOutcome(String key, String deliveryId, String module, WorkOutcome.Status status) {
        outcomes.pipeInput(key, new WorkOutcome("gh", deliveryId, module, status, 1,
                status == WorkOutcome.Status.DONE ? "" : "HTTP 422 from the forge", START).toJson());
    }

    private TestOutputTopic<String, byte[]> output(String topic) {
        return driver.createOutputTopic(topic, new StringDeserializer(), new ByteArrayDeserializer());
    }

    /** Work items written to the module's topic since the last call. */
    private List<EventEnvelope> workItems(String module) {
        return output(TOPICS.work(module)).readValuesToList().stream().map(EventEnvelope::fromJson).toList();
    }

    private List<DedupDecision> decisions() {
        return trace.readValuesToList().stream().map(DedupDecision::fromJson).toList();
    }

    private static String reasonFor(List<RouteDecision> routes, String module) {
        return routes.stream().filter(r -> r.module().equals(module)).findFirst().orElseThrow().reason();
    }

    private static List<String> keys(KeyValueStore<String, SeenDelivery> store) {
        List<String> keys = new ArrayList<>();
        try (KeyValueIterator<String, SeenDelivery> all = store.all()) {
            all.forEachRemaining((KeyValue<String, SeenDelivery> kv) -> keys.add(kv.key));
        }
        return keys;
    }
}
