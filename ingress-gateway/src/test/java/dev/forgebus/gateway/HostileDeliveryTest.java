package dev.forgebus.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import dev.forgebus.broker.SharedTestBroker;
import dev.forgebus.common.event.EventEnvelope;
import dev.forgebus.common.event.JsonLimits;
import dev.forgebus.common.kafka.RawRecordHeaders;

/**
 * Signed deliveries built by an attacker who holds one org's (or the forge's) secret: the facts
 * that choose a secret or a credential are derived once, strictly, and carried in headers; what a
 * later stage could not read is refused here with 400. Each case was accepted (202) before the
 * hostile-input work, except where a comment says otherwise.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileDeliveryTest {
    static final String FORGE_SECRET = "forge-secret-0001";
    static final String ORG_SECRET = "org-secret-0002";

    private TestGateway gateway;

    @BeforeAll
    void start() {
        gateway = new TestGateway(SharedTestBroker.bootstrapServers(), """
                forges:
                  gh: { type: github, api_url: "http://127.0.0.1:1", webhook_secret: forge-secret-0001 }
                orgs:
                  SecureOrg: { forge: gh, webhook_secret: org-secret-0002 }
                """, 4 * 1024 * 1024, Duration.ofSeconds(5));
    }

    @AfterAll
    void stop() {
        gateway.close();
    }

    private HttpResponse<String> post(String path, String event, String body, String secret) {
        return post(path, event, body.getBytes(StandardCharsets.UTF_8), secret);
    }

    private HttpResponse<String> post(String path, String event, byte[] body, String secret) {
        return gateway.post(path, TestGateway.githubHeaders(event, Signing.github(secret, body)), body);
    }

    private static String issue(String repositoryJson) {
        return "{\"action\":\"opened\",\"issue\":{\"number\":1,\"title\":\"crash\"},\"repository\":" + repositoryJson
                + ",\"sender\":{\"login\":\"octocat\"}}";
    }

    @Test
    void duplicate_keys_are_refused_so_no_two_readers_can_disagree_about_the_owner() {
        // The forge secret signs a body naming SomeOrg first and SecureOrg last
        String body = "{\"action\":\"opened\",\"repository\":{\"name\":\"r\",\"owner\":{\"login\":\"SomeOrg\"}},"
                + "\"repository\":{\"name\":\"r\",\"owner\":{\"login\":\"SecureOrg\"}}}";
        var r = post("/webhooks/gh", "issues", body, FORGE_SECRET);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("\"reason\":\"malformed_body\"").contains("Duplicate field");
    }

    @Test
    void duplicate_keys_deep_inside_the_payload_are_refused_too() {
        String body = issue("{\"name\":\"r\",\"owner\":{\"login\":\"SomeOrg\",\"login\":\"SecureOrg\"}}");
        assertThat(post("/webhooks/gh", "issues", body, FORGE_SECRET).statusCode()).isEqualTo(400);
    }

    @Test
    void a_non_ascii_owner_that_folds_onto_a_configured_org_is_refused_not_dropped() {
        // U+017F (long s) upper-cases to 'S': equalsIgnoreCase took it for SecureOrg
        var r = post("/webhooks/gh", "issues", issue("{\"name\":\"r\",\"owner\":{\"login\":\"\u017FecureOrg\"}}"), FORGE_SECRET);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("\"reason\":\"invalid_owner\"");
    }

    @Test
    void the_kelvin_sign_is_not_the_letter_k() {
        var r = post("/webhooks/gh", "issues", issue("{\"name\":\"r\",\"owner\":{\"login\":\"\u212Aelvin\"}}"), FORGE_SECRET);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("invalid_owner");
    }

    @Test
    void a_repository_without_an_owner_is_refused_instead_of_guessing_from_full_name() {
        // Before: owner taken from full_name ("SecureOrg/r") by the gateway, from organization by dedup
        var r = post("/webhooks/gh", "issues",
                "{\"action\":\"opened\",\"repository\":{\"name\":\"r\",\"full_name\":\"SomeOrg/r\"},"
                        + "\"organization\":{\"login\":\"SecureOrg\"}}", FORGE_SECRET);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("invalid_owner");
    }

    @Test
    void a_repository_name_with_a_separator_is_refused() {
        var r = post("/webhooks/gh", "issues", issue("{\"name\":\"r/../x\",\"owner\":{\"login\":\"SomeOrg\"}}"), FORGE_SECRET);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("invalid_repository");
    }

    @Test
    void an_owner_that_does_not_match_the_url_org_is_an_owner_mismatch() {
        var r = post("/webhooks/gh/SecureOrg", "issues", issue("{\"name\":\"r\",\"owner\":{\"login\":\"SomeOrg\"}}"), ORG_SECRET);
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.body()).contains("\"reason\":\"owner_mismatch\"");
    }

    @Test
    void a_huge_action_is_refused_because_it_would_be_copied_into_every_envelope_and_reason() {
        String body = "{\"action\":\"" + "a".repeat(1024 * 1024) + "\",\"repository\":{\"name\":\"r\",\"owner\":{\"login\":\"SomeOrg\"}}}";
        var r = post("/webhooks/gh", "issues", body, FORGE_SECRET);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("\"reason\":\"invalid_action\"");
        assertThat(r.body().length()).as("the answer does not echo the input").isLessThan(500);
    }

    @Test
    void an_action_that_is_not_a_string_is_refused() {
        var r = post("/webhooks/gh", "issues", "{\"action\":{\"x\":1},\"repository\":{\"name\":\"r\",\"owner\":{\"login\":\"SomeOrg\"}}}",
                FORGE_SECRET);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("invalid_action");
    }

    @Test
    void a_payload_deeper_than_the_limit_is_refused() {
        String deep = "[".repeat(JsonLimits.MAX_PAYLOAD_DEPTH) + "]".repeat(JsonLimits.MAX_PAYLOAD_DEPTH);
        var r = post("/webhooks/gh", "issues", "{\"deep\":" + deep + "}", FORGE_SECRET);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("malformed_body");
    }

    @Test
    void a_payload_at_the_depth_limit_is_accepted_and_its_envelope_reads_back() {
        // Given the deepest payload the gateway accepts
        String deep = "[".repeat(JsonLimits.MAX_PAYLOAD_DEPTH - 1) + "]".repeat(JsonLimits.MAX_PAYLOAD_DEPTH - 1);
        String body = "{\"deep\":" + deep + ",\"repository\":{\"name\":\"r\",\"owner\":{\"login\":\"SomeOrg\"}}}";
        var headers = TestGateway.githubHeaders("issues", Signing.github(FORGE_SECRET, body.getBytes(StandardCharsets.UTF_8)));
        var r = gateway.post("/webhooks/gh", headers, body.getBytes(StandardCharsets.UTF_8));
        assertThat(r.statusCode()).isEqualTo(202);

        // Then an envelope around it (one level deeper) is readable by every later stage
        ConsumerRecord<String, byte[]> raw = gateway.awaitRaw(headers.get("X-GitHub-Delivery"), Duration.ofSeconds(10));
        EventEnvelope envelope = new EventEnvelope("gh", "github", "d", "issues", "", "SomeOrg", "r", "", java.time.Instant.EPOCH,
                null, null);
        byte[] json = envelope.toJsonWithPayloadBytes(raw.value());
        assertThat(EventEnvelope.fromJson(json).payload().path("deep").isArray()).isTrue();
    }

    @Test
    void an_escaped_lone_surrogate_is_refused() {
        var r = post("/webhooks/gh", "issues",
                "{\"action\":\"opened\",\"issue\":{\"title\":\"x\\ud800y\"},\"repository\":{\"name\":\"r\",\"owner\":{\"login\":\"SomeOrg\"}}}",
                FORGE_SECRET);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("malformed_body").contains("surrogate");
    }

    @Test
    void an_escaped_surrogate_pair_is_fine() {
        var r = post("/webhooks/gh", "issues",
                "{\"action\":\"opened\",\"issue\":{\"title\":\"x\\ud83d\\ude00y\"},\"repository\":{\"name\":\"r\",\"owner\":{\"login\":\"SomeOrg\"}}}",
                FORGE_SECRET);
        assertThat(r.statusCode()).isEqualTo(202);
    }

    @Test
    void a_utf8_encoded_surrogate_is_refused() {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes("{\"action\":\"opened\",\"issue\":{\"title\":\"x".getBytes(StandardCharsets.UTF_8));
        body.writeBytes(new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80});
        body.writeBytes("\"},\"repository\":{\"name\":\"r\",\"owner\":{\"login\":\"SomeOrg\"}}}".getBytes(StandardCharsets.UTF_8));
        var r = post("/webhooks/gh", "issues", body.toByteArray(), FORGE_SECRET);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("UTF-8");
    }

    @Test
    void the_facts_travel_in_headers_derived_once_from_the_verified_bytes() {
        String body = "{\"action\":\"opened\",\"repository\":{\"name\":\"app\",\"owner\":{\"login\":\"SecureOrg\"}},"
                + "\"organization\":{\"login\":\"SomeOrg\"},\"sender\":{\"login\":\"dependabot[bot]\"}}";
        Map<String, String> headers = TestGateway.githubHeaders("issues", Signing.github(ORG_SECRET, body.getBytes(StandardCharsets.UTF_8)));
        assertThat(gateway.post("/webhooks/gh", headers, body.getBytes(StandardCharsets.UTF_8)).statusCode()).isEqualTo(202);

        ConsumerRecord<String, byte[]> raw = gateway.awaitRaw(headers.get("X-GitHub-Delivery"), Duration.ofSeconds(10));
        assertThat(raw.key()).isEqualTo("gh/SecureOrg/app");
        assertThat(TestGateway.header(raw, gateway.topics.header(RawRecordHeaders.OWNER))).isEqualTo("SecureOrg");
        assertThat(TestGateway.header(raw, gateway.topics.header(RawRecordHeaders.REPO))).isEqualTo("app");
        assertThat(TestGateway.header(raw, gateway.topics.header(RawRecordHeaders.ACTION))).isEqualTo("opened");
        assertThat(TestGateway.header(raw, gateway.topics.header(RawRecordHeaders.SENDER))).isEqualTo("dependabot[bot]");
    }

    @Test
    void an_unknown_event_name_is_accepted_but_tagged_other_in_metrics() {
        var r = post("/webhooks/gh", "made_up_event_4711", issue("{\"name\":\"r\",\"owner\":{\"login\":\"SomeOrg\"}}"), FORGE_SECRET);
        assertThat(r.statusCode()).isEqualTo(202);
        String scrape = gateway.registry.scrape();
        assertThat(scrape).doesNotContain("made_up_event_4711");
        assertThat(scrape).contains("event=\"other\"");
    }
}
