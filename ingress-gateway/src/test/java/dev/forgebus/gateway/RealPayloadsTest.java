package dev.forgebus.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.forgebus.broker.SharedTestBroker;
import dev.forgebus.common.kafka.RawRecordHeaders;

/**
 * Real payloads of each forge, signed as that forge signs them, posted to the gateway and read
 * back from the broker: the key names the repository, the headers carry forge, delivery and
 * event, and the value is byte-identical to what was posted.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RealPayloadsTest {
    private static final String SECRET = "real-payload-secret";
    private static final ObjectMapper JSON = new ObjectMapper();
    private TestGateway gateway;

    @BeforeAll
    void start() {
        gateway = new TestGateway(SharedTestBroker.bootstrapServers(), """
                forges:
                  gh: { type: github, api_url: "http://127.0.0.1:1", webhook_secret: real-payload-secret }
                  fj: { type: forgejo, api_url: "http://127.0.0.1:1/api/v1", webhook_secret: real-payload-secret }
                  gt: { type: gitea, api_url: "http://127.0.0.1:1/api/v1", webhook_secret: real-payload-secret }
                """, 26_214_400, Duration.ofSeconds(5));
    }

    @AfterAll
    void stop() {
        gateway.close();
    }

    static Stream<Arguments> payloads() {
        return Stream.of(
                Arguments.of("gh", "github/push.json", "push"),
                Arguments.of("gh", "github/pr_opened.json", "pull_request"),
                Arguments.of("gh", "github/pr_labeled.json", "pull_request"),
                Arguments.of("gh", "github/release_published.json", "release"),
                Arguments.of("gh", "github/check_run.json", "check_run"),
                Arguments.of("gh", "github/status.json", "status"),
                Arguments.of("gh", "github/push_tag.json", "push"),
                Arguments.of("gh", "octokit/issues.json", "issues"),
                Arguments.of("gh", "octokit/pull_request.json", "pull_request"),
                Arguments.of("gh", "octokit/push.json", "push"),
                Arguments.of("gh", "octokit/release.json", "release"),
                Arguments.of("gh", "octokit/check_suite.json", "check_suite"),
                Arguments.of("gh", "octokit/ping.json", "ping"),
                Arguments.of("gh", "octokit/installation.json", "installation"),
                Arguments.of("gh", "octokit/organization.json", "organization"),
                Arguments.of("gh", "octokit/workflow_run.json", "workflow_run"),
                Arguments.of("gh", "octokit/issue_comment.json", "issue_comment"),
                Arguments.of("gh", "octokit/label.json", "label"),
                Arguments.of("gt", "gitea/issues_opened.json", "issues"),
                Arguments.of("gt", "gitea/pull_request_opened.json", "pull_request"),
                Arguments.of("gt", "gitea/push.json", "push"),
                Arguments.of("gt", "gitea/tag_create.json", "create"),
                Arguments.of("gt", "gogs/issues_opened.json", "issues"),
                Arguments.of("fj", "forgejo/HookPullRequest.json", "pull_request"),
                Arguments.of("fj", "forgejo/HookPush.json", "push"),
                Arguments.of("fj", "forgejo/HookRelease.json", "release"),
                Arguments.of("fj", "forgejo/HookPullRequestLabelAdded.json", "pull_request_label"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("payloads")
    void a_signed_real_payload_reaches_the_raw_topic_unchanged(String forgeId, String file, String event) throws Exception {
        byte[] body = SignatureVectorsTest.bytes("payloads/" + file);
        String delivery = UUID.randomUUID().toString();

        var response = gateway.post("/webhooks/" + forgeId, headersFor(forgeId, event, delivery, body), body);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        assertThat(JSON.readTree(response.body()).path("delivery").asText()).isEqualTo(delivery);
        ConsumerRecord<String, byte[]> record = gateway.awaitRaw(delivery, Duration.ofSeconds(20));
        assertThat(record).as("record of delivery %s", delivery).isNotNull();
        assertThat(record.value()).isEqualTo(body);
        assertThat(record.key()).isEqualTo(expectedKey(forgeId, body));
        assertThat(TestGateway.header(record, gateway.topics.header(RawRecordHeaders.FORGE))).isEqualTo(forgeId);
        assertThat(TestGateway.header(record, gateway.topics.header(RawRecordHeaders.FORGE_TYPE)))
                .isEqualTo(Map.of("gh", "github", "fj", "forgejo", "gt", "gitea").get(forgeId));
        assertThat(TestGateway.header(record, gateway.topics.header(RawRecordHeaders.EVENT))).isEqualTo(event);
        assertThat(TestGateway.header(record, gateway.topics.header(RawRecordHeaders.RECEIVED_AT))).isNotBlank();
        assertThat(TestGateway.header(record, RawRecordHeaders.CONTENT_TYPE)).isEqualTo("application/json");
    }

    /** The key computed independently from the payload: owner login and repository name. */
    private static String expectedKey(String forgeId, byte[] body) throws Exception {
        JsonNode root = JSON.readTree(body);
        JsonNode repo = root.path("repository");
        if (repo.isObject()) {
            String owner = repo.path("owner").path("login").asText(repo.path("owner").path("username").asText());
            return forgeId + "/" + owner + "/" + repo.path("name").asText();
        }
        if (root.path("organization").isObject()) {
            return forgeId + "/" + root.path("organization").path("login").asText();
        }
        return forgeId;
    }

    /** Headers as each forge sends them, Gitea and Forgejo with their whole header families. */
    static Map<String, String> headersFor(String forgeId, String event, String delivery, byte[] body) {
        Map<String, String> h = new HashMap<>();
        h.put("Content-Type", "application/json");
        switch (forgeId) {
            case "gh" -> {
                h.put("X-GitHub-Event", event);
                h.put("X-GitHub-Delivery", delivery);
                h.put("X-Hub-Signature-256", Signing.github(SECRET, body));
            }
            case "gt" -> {
                h.put("X-Gitea-Event", event.startsWith("pull_request") ? "pull_request" : event);
                h.put("X-Gitea-Event-Type", event);
                h.put("X-Gitea-Delivery", delivery);
                h.put("X-Gitea-Signature", Signing.gitea(SECRET, body));
                h.put("X-Gogs-Delivery", delivery);
                h.put("X-GitHub-Delivery", delivery);
                h.put("X-Hub-Signature-256", Signing.github(SECRET, body));
            }
            case "fj" -> {
                h.put("X-Forgejo-Event", event.startsWith("pull_request") ? "pull_request" : event);
                h.put("X-Forgejo-Event-Type", event);
                h.put("X-Forgejo-Delivery", delivery);
                h.put("X-Forgejo-Signature", Signing.gitea(SECRET, body));
                h.put("X-Gitea-Event", event);
                h.put("X-Gitea-Delivery", delivery);
                h.put("X-Gitea-Signature", Signing.gitea(SECRET, body));
                h.put("X-Hub-Signature-256", Signing.github(SECRET, body));
            }
            default -> throw new IllegalArgumentException(forgeId);
        }
        return h;
    }

    static List<String> forgeIds() {
        return List.of("gh", "fj", "gt");
    }
}
