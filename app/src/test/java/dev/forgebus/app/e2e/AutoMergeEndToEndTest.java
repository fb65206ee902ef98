package dev.forgebus.app.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import dev.forgebus.common.emit.EmittedEvents;
import dev.forgebus.common.event.Json;
import dev.forgebus.fakeforge.FakeForge;
import dev.forgebus.fakeforge.RecordedRequest;

/**
 * Auto-merge end to end (issue 11.2): real GitHub and Gitea payloads (go-scm, woodpecker), signed,
 * posted to `run` → dedup → work.auto-merge → worker → the fake forges' recorded calls.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AutoMergeEndToEndTest {
    private static final Duration WITHIN = Duration.ofSeconds(60);
    private static final String FJ_SECRET = "e2e-forgejo-secret";

    @TempDir
    static Path dir;
    private FakeForge github;
    private FakeForge forgejo;
    private RunningForgebus forgebus;
    private final HttpClient http = HttpClient.newHttpClient();
    private int nextSha = 1;

    @BeforeAll
    void start() throws Exception {
        github = FakeForge.start(FakeForge.Flavor.GITHUB);
        forgejo = FakeForge.start(FakeForge.Flavor.FORGEJO);
        String yaml = RunningForgebus.config(github.apiUrl().toString(), TriageEndToEndTest.freePort(), "")
                .replace("""
                            repositories:
                              app: {}
                        """, """
                            auto_merge: { trigger_label: automerge, merge_method: squash, required_checks: [test, lint], delete_branch: true }
                            repositories:
                              app: {}
                        """)
                .replace("orgs:\n", """
                          codeberg:
                            type: forgejo
                            api_url: "%s"
                            token: e2e-forgejo-token
                            webhook_secret: %s
                            rate_limit: { requests_per_hour: 360000, max_concurrent: 4, writes_per_minute: 60000 }
                        orgs:
                          FjOrg:
                            forge: codeberg
                            auto_merge: { trigger_label: automerge, merge_method: merge, required_checks: [ci], delete_branch: true }
                            repositories:
                              app: {}
                        """.formatted(forgejo.apiUrl(), FJ_SECRET));
        forgebus = new RunningForgebus(yaml, dir.resolve("data"));
    }

    @AfterAll
    void stop() throws Exception {
        forgebus.close();
        github.close();
        forgejo.close();
    }

    @BeforeEach
    void freshForgeState() {
        github.reset();
        forgejo.reset();
    }

    private String newSha() {
        return String.format("%040x", 0xabc000 + nextSha++);
    }

    @Test
    void a_labelled_pull_request_with_green_checks_is_merged_once_at_its_head_and_its_branch_deleted_on_github() throws Exception {
        // Given PR 7 labelled automerge, test (check run) and lint (status) green on its head
        String sha = labelledGithubPull(7, "feature-7");
        github.addCheckRun("MyOrg", "app", sha, "test", "completed", "success");
        github.addStatus("MyOrg", "app", sha, "lint", "success");

        // When GitHub says it was labelled, twice (a redelivery)
        String delivery = RunningForgebus.newDelivery();
        byte[] body = githubLabeled(7);
        forgebus.postGithub("pull_request", delivery, body);
        forgebus.postGithub("pull_request", delivery, body);

        // Then one merge with the head SHA, and the branch is gone
        await().atMost(WITHIN).until(() -> github.branches("MyOrg", "app").get("feature-7") == null);
        await().atMost(WITHIN).until(() -> trace(delivery).path("sightings").size() == 2);
        assertThat(github.requests(r -> r.is("PUT", ".*/pulls/7/merge"))).singleElement()
                .satisfies(r -> assertThat(r.json().path("sha").asText()).isEqualTo(sha));
        assertThat(github.merged("MyOrg", "app", 7)).isTrue();
        List<RecordedRequest> calls = github.requests(AutoMergeEndToEndTest::autoMergeCall);
        System.out.println("auto-merge forge calls (GitHub, labeled): " + calls.size() + " " + calls.stream()
                .map(r -> r.method() + " " + r.path()).toList());
        // PR, check runs, statuses, merge, branch delete: check runs and statuses are GitHub's two check APIs;
        // plus the lookup of the forgebus/auto-merge check run (report_status), whose POST saying "merged" is not counted here
        assertThat(calls).hasSize(6);
    }

    @Test
    void a_labelled_pull_request_with_a_green_status_is_merged_once_at_its_head_and_its_branch_deleted_on_forgejo() throws Exception {
        forgejo.createPullRequest("FjOrg", "app", 7, "Feature", "feature-fj", "0000000000000000000000000000000000000000");
        String sha = newSha();
        forgejo.pushToPullRequest("FjOrg", "app", 7, sha);
        forgejo.labelIssue("FjOrg", "app", 7, "automerge");
        forgejo.addStatus("FjOrg", "app", sha, "ci", "success");

        String delivery = RunningForgebus.newDelivery();
        postForgejo("pull_request_label", delivery, giteaLabeled(7));

        await().atMost(WITHIN).until(() -> forgejo.branches("FjOrg", "app").get("feature-fj") == null);
        assertThat(forgejo.requests(r -> r.is("POST", ".*/pulls/7/merge"))).singleElement().satisfies(r -> {
            assertThat(r.json().path("head_commit_id").asText()).isEqualTo(sha);
            assertThat(r.json().path("Do").asText()).isEqualTo("merge");
        });
        List<RecordedRequest> calls = forgejo.requests(AutoMergeEndToEndTest::autoMergeCall);
        System.out.println("auto-merge forge calls (Forgejo, label): " + calls.size() + " " + calls.stream()
                .map(r -> r.method() + " " + r.path()).toList());
        assertThat(calls).hasSizeLessThanOrEqualTo(4);
    }

    @Test
    void a_head_moved_between_the_check_and_the_merge_is_not_merged_and_the_trace_says_why() throws Exception {
        String sha = labelledGithubPull(8, "feature-8");
        github.addCheckRun("MyOrg", "app", sha, "test", "completed", "success");
        github.addStatus("MyOrg", "app", sha, "lint", "success");
        // A push lands between our reading of the checks and the merge: GitHub answers the merge 409.
        github.failNextMatching(r -> r.is("PUT", ".*/pulls/8/merge"), 1, 409, Map.of(),
                "{\"message\":\"Head branch was modified. Review and try the merge again.\"}");

        String delivery = RunningForgebus.newDelivery();
        forgebus.postGithub("pull_request", delivery, githubLabeled(8));

        await().atMost(WITHIN).until(() -> trace(delivery).toString().contains("head moved"));
        assertThat(github.merged("MyOrg", "app", 8)).isFalse();
        assertThat(github.requests(r -> r.is("PUT", ".*/pulls/8/merge"))).as("no retry loop").hasSize(1);
        assertThat(github.branches("MyOrg", "app")).containsKey("feature-8");
    }

    @Test
    void a_completed_failing_check_run_does_not_merge() throws Exception {
        String sha = labelledGithubPull(9, "feature-9");
        github.addCheckRun("MyOrg", "app", sha, "test", "completed", "failure");
        github.addStatus("MyOrg", "app", sha, "lint", "success");

        String delivery = RunningForgebus.newDelivery();
        forgebus.postGithub("check_run", delivery, githubCheckRunCompleted(sha));

        await().atMost(WITHIN).until(() -> trace(delivery).toString().contains("failing: test"));
        assertThat(github.requests(r -> r.is("PUT", ".*/merge"))).isEmpty();
        assertThat(github.merged("MyOrg", "app", 9)).isFalse();
    }

    @Test
    void a_forge_refusal_405_is_an_outcome_and_a_merge_blocked_notification() throws Exception {
        String sha = labelledGithubPull(10, "feature-10");
        github.addCheckRun("MyOrg", "app", sha, "test", "completed", "success");
        github.addStatus("MyOrg", "app", sha, "lint", "success");
        github.failNextMatching(r -> r.is("PUT", ".*/pulls/10/merge"), 1, 405, Map.of(),
                "{\"message\":\"Pull Request is not mergeable\"}");

        String delivery = RunningForgebus.newDelivery();
        forgebus.postGithub("pull_request", delivery, githubLabeled(10));

        await().atMost(WITHIN).until(() -> trace(delivery).toString().contains("not mergeable"));
        String notification = EmittedEvents.deliveryId("auto-merge", delivery, "merge_blocked:10@" + sha);
        await().atMost(WITHIN).until(() -> trace(notification).path("sightings").size() == 1);
        assertThat(trace(notification).toString()).contains("notifications");
        assertThat(github.merged("MyOrg", "app", 10)).isFalse();
    }

    @Test
    void the_pull_request_shows_one_forgebus_check_saying_what_it_waits_for_updated_in_place_until_merged() throws Exception {
        // Given PR 11 labelled automerge, test pending and lint not reported on its head
        String sha = labelledGithubPull(11, "feature-11");
        github.addStatus("MyOrg", "app", sha, "test", "pending");

        // When GitHub says it was labelled
        forgebus.postGithub("pull_request", RunningForgebus.newDelivery(), githubLabeled(11));

        // Then its head carries forgebus/auto-merge saying what it waits for
        await().atMost(WITHIN).until(() -> ownChecks(sha).stream().anyMatch(c -> c.summary().equals("waiting for: test (pending), lint (missing)")));

        // When the checks turn green and GitHub says a check run completed
        github.addStatus("MyOrg", "app", sha, "test", "success");
        github.addStatus("MyOrg", "app", sha, "lint", "success");
        String completed = RunningForgebus.newDelivery();
        forgebus.postGithub("check_run", completed, githubCheckRunCompleted(sha));

        // Then it merges and the same check, never a second one, says merged
        await().atMost(WITHIN).until(() -> github.merged("MyOrg", "app", 11));
        await().atMost(WITHIN).until(() -> ownChecks(sha).stream().anyMatch(c -> c.summary().startsWith("merged")));
        assertThat(ownChecks(sha)).singleElement().satisfies(check -> {
            assertThat(check.kind()).isEqualTo("check_run");
            assertThat(check.name()).isEqualTo("forgebus/auto-merge");
            assertThat(check.state()).isEqualTo("success");
            assertThat(check.summary()).isEqualTo("merged (squash)");
        });
    }

    private List<FakeForge.ShownCheck> ownChecks(String sha) {
        return github.shownChecks("MyOrg", "app", sha).stream().filter(c -> c.name().startsWith("forgebus/")).toList();
    }

    // ---- helpers ----

    /** A pull request on MyOrg/app labelled automerge, its head a fresh SHA; answers the SHA. */
    private String labelledGithubPull(long number, String branch) {
        String sha = newSha();
        github.createPullRequest("MyOrg", "app", number, "Feature " + number, branch, sha);
        github.labelIssue("MyOrg", "app", number, "automerge");
        return sha;
    }

    /** Pull request, checks, statuses, merge and ref calls: what auto-merge asks (not .ops.yaml). */
    private static boolean autoMergeCall(RecordedRequest r) {
        return r.path().contains("/pulls") || r.path().contains("/commits/") || r.path().contains("/git/refs/")
                || r.path().contains("/branches/");
    }

    private JsonNode trace(String delivery) throws Exception {
        return forgebus.adminJson("GET", "/admin/deliveries/" + delivery, null);
    }

    private static ObjectNode resource(String name) throws Exception {
        try (InputStream in = AutoMergeEndToEndTest.class.getResourceAsStream("/automerge/" + name)) {
            return (ObjectNode) Json.MAPPER.readTree(in);
        }
    }

    private static void pointAt(ObjectNode payload, String owner, String repo) {
        ObjectNode repository = (ObjectNode) payload.path("repository");
        repository.put("name", repo).put("full_name", owner + "/" + repo);
        ObjectNode ownerNode = (ObjectNode) repository.path("owner");
        ownerNode.put("login", owner);
        if (ownerNode.has("username")) {
            ownerNode.put("username", owner);
        }
    }

    private static byte[] githubLabeled(long number) throws Exception {
        ObjectNode payload = resource("pr_labeled.json");
        pointAt(payload, "MyOrg", "app");
        payload.put("number", number);
        ((ObjectNode) payload.path("pull_request")).put("number", number);
        ((ObjectNode) payload.path("label")).put("name", "automerge");
        return Json.MAPPER.writeValueAsBytes(payload);
    }

    private static byte[] githubCheckRunCompleted(String sha) throws Exception {
        ObjectNode payload = resource("check_run.json");
        pointAt(payload, "MyOrg", "app");
        ((ObjectNode) payload.path("check_run")).put("head_sha", sha).put("name", "test");
        return Json.MAPPER.writeValueAsBytes(payload);
    }

    private static byte[] giteaLabeled(long number) throws Exception {
        ObjectNode payload = resource("gitea_pull_request_label.json");
        pointAt(payload, "FjOrg", "app");
        payload.put("number", number);
        ((ObjectNode) payload.path("pull_request")).put("number", number);
        return Json.MAPPER.writeValueAsBytes(payload);
    }

    /** A delivery as Forgejo sends it: its event group and type, delivery id and bare-hex signature. */
    private void postForgejo(String eventType, String delivery, byte[] body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(FJ_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + forgebus.port + "/webhooks/codeberg"))
                .header("Content-Type", "application/json").header("X-Forgejo-Event", "pull_request")
                .header("X-Forgejo-Event-Type", eventType).header("X-Forgejo-Delivery", delivery)
                .header("X-Forgejo-Signature", HexFormat.of().formatHex(mac.doFinal(body)))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
    }
}
