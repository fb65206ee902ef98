package dev.forgebus.dedup;

import static dev.forgebus.dedup.Deliveries.issue;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.forgebus.common.config.ForgebusConfig;
import dev.forgebus.common.event.DedupDecision;
import dev.forgebus.common.event.EventEnvelope;
import dev.forgebus.common.kafka.DeadLetterHeaders;
import dev.forgebus.common.kafka.RawRecordHeaders;
import dev.forgebus.common.kafka.TopicNames;

/**
 * Raw records that an older gateway, another producer or an attacker with a signed delivery could
 * have put on the raw topic: each ends in dedup's dead letters with its reason or is routed by the
 * gateway's facts, and the stream goes on. (Before the hostile-input work the facts were derived
 * again from the payload and nothing was dead-lettered: these tests failed.)
 */
class HostileRawRecordsTest {
    private static final TopicNames TOPICS = new TopicNames("fbhostile");
    /** 64 KiB bodies: envelopes over ~2 MiB are over the work topics' record limit. */
    private static final ForgebusConfig CONFIG = Deliveries.config("fbhostile", 64 * 1024);
    private static final Instant START = Instant.parse("2026-03-01T12:00:00Z");
    private static final String APP_KEY = "gh/MyOrg/app";

    @TempDir
    Path stateDir;

    private TopologyTestDriver driver;
    private TestInputTopic<String, byte[]> raw;

    @BeforeEach
    void startDriver() {
        StreamsBuilder builder = new StreamsBuilder();
        DedupTopology.build(builder, CONFIG, TOPICS);
        driver = Deliveries.driver(builder, "dedup-hostile-test", stateDir, START);
        raw = driver.createInputTopic(TOPICS.raw(), new StringSerializer(), new ByteArraySerializer());
    }

    @AfterEach
    void closeDriver() {
        driver.close();
    }

    @Test
    void the_owner_comes_from_the_gateways_header_never_from_the_payload() {
        // Given a payload whose repository names OtherOrg while the gateway's verified facts say MyOrg
        byte[] body = issue("opened", "OtherOrg", "app", "crash");
        Headers headers = Deliveries.headers(TOPICS, "gh", "github", "d-1", "issues", START, issue("opened", "MyOrg", "app", "crash"));

        raw.pipeInput(new TestRecord<>(APP_KEY, body, headers, START));

        List<EventEnvelope> work = values(TOPICS.work("triage")).stream().map(EventEnvelope::fromJson).toList();
        assertThat(work).singleElement().extracting(EventEnvelope::owner, EventEnvelope::repo).containsExactly("MyOrg", "app");
        assertThat(DedupDecision.fromJson(values(TOPICS.trace()).getFirst()).owner()).as("the trace names the same owner").isEqualTo("MyOrg");
    }

    @Test
    void a_record_whose_owner_header_is_not_an_ascii_name_is_dead_lettered_with_its_reason() {
        byte[] body = issue("opened", "MyOrg", "app", "crash");
        Headers headers = Deliveries.headers(TOPICS, "gh", "github", "d-2", "issues", START, body);
        headers.remove(TOPICS.header(RawRecordHeaders.OWNER));
        headers.add(TOPICS.header(RawRecordHeaders.OWNER), "\u017FecureOrg".getBytes(StandardCharsets.UTF_8));

        raw.pipeInput(new TestRecord<>(APP_KEY, body, headers, START));

        assertThat(values(TOPICS.work("triage"))).isEmpty();
        TestRecord<String, byte[]> letter = output(TOPICS.dedupDeadLetters()).readRecord();
        assertThat(letter.value()).isEqualTo(body);
        assertThat(header(letter.headers(), DeadLetterHeaders.ERROR_CLASS)).isEqualTo("UNREADABLE");
        assertThat(header(letter.headers(), DeadLetterHeaders.ERROR_MESSAGE)).contains("fbhostile.owner is not a valid value");
        assertThat(header(letter.headers(), DeadLetterHeaders.ORIGINAL_TOPIC)).isEqualTo(TOPICS.raw());
        assertThat(header(letter.headers(), RawRecordHeaders.DELIVERY_ID)).as("raw headers kept for the replay").isEqualTo("d-2");
    }

    @Test
    void a_record_without_the_fact_headers_of_the_gateway_is_dead_lettered() {
        // As an older gateway wrote them: forge, delivery id and event only
        byte[] body = issue("opened", "MyOrg", "app", "crash");
        RecordHeaders headers = new RecordHeaders();
        headers.add(TOPICS.header(RawRecordHeaders.FORGE), "gh".getBytes(StandardCharsets.UTF_8));
        headers.add(TOPICS.header(RawRecordHeaders.DELIVERY_ID), "d-3".getBytes(StandardCharsets.UTF_8));
        headers.add(TOPICS.header(RawRecordHeaders.EVENT), "issues".getBytes(StandardCharsets.UTF_8));

        raw.pipeInput(new TestRecord<>(APP_KEY, body, headers, START));

        assertThat(values(TOPICS.work("triage"))).isEmpty();
        assertThat(values(TOPICS.dedupDeadLetters())).hasSize(1);
        DedupDecision decision = DedupDecision.fromJson(values(TOPICS.trace()).getFirst());
        assertThat(decision.deliveryId()).isEqualTo("d-3");
        assertThat(decision.routes()).allSatisfy(r -> assertThat(r.reason())
                .isEqualTo("dead-lettered to fbhostile.dlq.dedup: unreadable record: header fbhostile.action missing"));
    }

    @Test
    void a_payload_with_duplicate_keys_or_a_lone_surrogate_is_dead_lettered_like_the_gateway_refuses_it() {
        byte[] dup = "{\"action\":\"opened\",\"a\":1,\"a\":2}".getBytes(StandardCharsets.UTF_8);
        byte[] surrogate = "{\"action\":\"opened\",\"t\":\"\\udc00\"}".getBytes(StandardCharsets.UTF_8);
        pipe("d-dup", dup, issue("opened", "MyOrg", "app", "x"));
        pipe("d-sur", surrogate, issue("opened", "MyOrg", "app", "x"));

        List<TestRecord<String, byte[]>> letters = output(TOPICS.dedupDeadLetters()).readRecordsToList();
        assertThat(letters).extracting(l -> header(l.headers(), DeadLetterHeaders.ERROR_MESSAGE))
                .containsExactly("unreadable payload: not JSON",
                        "unreadable payload: not strict UTF-8 (lone surrogate escape at byte 24)");
    }

    @Test
    void an_envelope_over_the_record_limit_is_dead_lettered_not_remembered_and_the_stream_goes_on() {
        // Given a body far over the limit (as another producer could write it), then a normal one
        byte[] huge = issue("opened", "MyOrg", "app", "x".repeat(3 * 1024 * 1024));
        pipe("d-huge", huge, huge);
        pipe("d-next", issue("opened", "MyOrg", "app", "crash"), issue("opened", "MyOrg", "app", "crash"));

        // Then the huge one waits in dedup's dead letters and the next one is routed
        List<TestRecord<String, byte[]>> letters = output(TOPICS.dedupDeadLetters()).readRecordsToList();
        assertThat(letters).singleElement().satisfies(l -> {
            assertThat(header(l.headers(), DeadLetterHeaders.ERROR_CLASS)).isEqualTo("TOO_LARGE");
            assertThat(l.value()).isEqualTo(huge);
        });
        assertThat(values(TOPICS.work("triage")).stream().map(EventEnvelope::fromJson).map(EventEnvelope::deliveryId))
                .containsExactly("d-next");

        // And it was not remembered as seen: a replay from the dead letters is not dropped as a repeat
        pipe("d-huge", huge, huge);
        assertThat(values(TOPICS.dedupDeadLetters())).hasSize(1);
    }

    @Test
    void a_replay_of_a_dedup_dead_letter_is_routed_even_when_its_delivery_was_seen() {
        byte[] body = issue("opened", "MyOrg", "app", "crash");
        pipe("d-5", body, body);
        values(TOPICS.work("triage"));

        Headers replay = Deliveries.headers(TOPICS, "gh", "github", "d-5", "issues", START, body);
        replay.add(TOPICS.header(DeadLetterHeaders.REPLAY_OF), "dedup:0:17".getBytes(StandardCharsets.UTF_8));
        raw.pipeInput(new TestRecord<>(APP_KEY, body, replay, START));

        assertThat(values(TOPICS.work("triage"))).hasSize(1);
    }

    // --- helpers ---

    /** A raw record with {@code body} as value and the gateway's headers for {@code factsFrom}. */
    private void pipe(String deliveryId, byte[] body, byte[] factsFrom) {
        raw.pipeInput(new TestRecord<>(APP_KEY, body, Deliveries.headers(TOPICS, "gh", "github", deliveryId, "issues", START, factsFrom),
                START));
    }

    private TestOutputTopic<String, byte[]> output(String topic) {
        return driver.createOutputTopic(topic, new StringDeserializer(), new ByteArrayDeserializer());
    }

    private List<byte[]> values(String topic) {
        return output(topic).readValuesToList();
    }

    private static String header(Headers headers, String suffix) {
        var h = headers.lastHeader(suffix.equals(RawRecordHeaders.CONTENT_TYPE) ? suffix : TOPICS.header(suffix));
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
