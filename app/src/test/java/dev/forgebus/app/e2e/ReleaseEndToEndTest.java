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
import java.util.function.Predicate;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forgebus.common.event.Json;
import dev.forgebus.fakeforge.FakeForge;
import dev.forgebus.fakeforge.RecordedRequest;

/**
 * Release automation (SPEC 7.6, issue 11 item 1) end to end on {@code run}: real GitHub and
 * Gitea/Forgejo tag payloads (drone/go-scm, woodpecker fixtures) → one release per tag with its
 * changelog section, however often and in whatever shape the tag is announced; a merged pull
 * request with the release label → tag and release. Forge calls per effect are read from the fake
 * forges' request logs (docs/benchmarks.md, "Issue 11: forge calls per effect").
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReleaseEndToEndTest {
    private static final Duration WITHIN = Duration.ofSeconds(60);
    private static final String CHANGELOG = """
            # Changelog

            ## [Unreleased]
            - not yet

            ## [1.2.0] - 2026-01-01
            ### Added
            - Release automation

            ## [1.1.0] - 2025-12-01
            - Older

            [unreleased]: https://example.com/compare/v1.2.0...HEAD
            [1.2.0]: https://example.com/compare/v1.1.0...v1.2.0
            """;
    private static final String SECTION = "### Added\n- Release automation";
    /** The release module's own calls: the settings source's .ops.yaml look-up is the platform's, counted apart. */
    private static final Predicate<RecordedRequest> RELEASE_CALLS = r -> !r.path().contains(".ops.yaml");

    @TempDir
    static Path dir;
    private FakeForge github;
    private FakeForge forgejo;
    private RunningForgebus forgebus;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    void start() throws Exception {
        github = FakeForge.start(FakeForge.Flavor.GITHUB);
        forgejo = FakeForge.start(FakeForge.Flavor.FORGEJO);
        forgebus = new RunningForgebus("""
                server: { port: 0 }
                management: { port: 0 }
                admin: { token: %s }
                kafka: { bootstrap_servers: "", embedded: { port: %d }, partitions: 3 }
                workers: { max_attempts: 3, backoff: [200ms, 300ms] }
                forges:
                  github:
                    type: github
                    api_url: "%s"
                    token: e2e-forge-token
                    webhook_secret: %s
                    rate_limit: { requests_per_hour: 360000, max_concurrent: 4, writes_per_minute: 60000 }
                  codeberg:
                    type: forgejo
                    api_url: "%s"
                    token: e2e-forgejo-token
                    webhook_secret: %s
                    rate_limit: { requests_per_hour: 360000, max_concurrent: 4, writes_per_minute: 60000 }
                orgs:
                  MyOrg:
                    forge: github
                    release: { trigger: both, tag_pattern: "v*", release_label: release }
                    repositories:
                      lib: {}
                      drafts: { release: { draft: true } }
                  CbOrg:
                    forge: codeberg
                    release: { tag_pattern: "v*" }
                    repositories:
                      hello: {}
                """.formatted(RunningForgebus.ADMIN_TOKEN, TriageEndToEndTest.freePort(), github.apiUrl(),
                RunningForgebus.SECRET, forgejo.apiUrl(), RunningForgebus.SECRET), dir.resolve("data"));
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

    @Test
    void a_github_tag_push_sent_three_times_and_its_create_event_make_one_release_with_the_section_in_three_calls()
            throws Exception {
        // Given
        github.putFile("MyOrg", "lib", "v1.2.0", "CHANGELOG.md", CHANGELOG);
        String push = RunningForgebus.newDelivery();
        byte[] body = github("github-push_tag.json", "lib", p -> p.put("ref", "refs/tags/v1.2.0"));

        // When the push arrives three times (a redelivery storm)
        for (int i = 0; i < 3; i++) {
            assertThat(forgebus.postGithub("push", push, body).statusCode()).isEqualTo(202);
        }

        // Then one release with the section, and three forge calls for it
        JsonNode outcome = awaitOutcome(push);
        assertThat(outcome.path("status").asText()).isEqualTo("DONE");
        assertThat(github.releases("MyOrg", "lib")).singleElement().satisfies(release -> {
            assertThat(release.tag()).isEqualTo("v1.2.0");
            assertThat(release.body()).isEqualTo(SECTION);
            assertThat(release.draft()).isFalse();
            assertThat(release.prerelease()).isFalse();
        });
        List<String> calls = calls(github);
        assertThat(calls).containsExactly("GET /repos/MyOrg/lib/releases", "GET /repos/MyOrg/lib/contents/CHANGELOG.md",
                "POST /repos/MyOrg/lib/releases");

        // When the tag's create event arrives (another delivery id): still one release, one look-up
        String create = RunningForgebus.newDelivery();
        forgebus.postGithub("create", create, github("github-tag_create.json", "lib", p -> p.put("ref", "v1.2.0")));
        assertThat(awaitOutcome(create).path("error").asText()).contains("exists; left alone");
        assertThat(github.releases("MyOrg", "lib")).hasSize(1);
        assertThat(calls(github)).hasSize(4);
        assertThat(await().atMost(WITHIN).until(() -> trace(push).path("sightings").size(), n -> n == 3)).isEqualTo(3);
    }

    @Test
    void a_forgejo_tag_push_and_a_gitea_style_replay_of_push_and_create_make_one_release() throws Exception {
        // Given
        forgejo.putFile("CbOrg", "hello", "v1.2.0-rc.1", "CHANGELOG.md", CHANGELOG.replace("[1.2.0]", "[1.2.0-rc.1]"));
        byte[] push = gitea("gitea-push.json", "hello", p -> p.put("ref", "refs/tags/v1.2.0-rc.1"));
        byte[] create = gitea("gitea-tag_create.json", "hello", p -> p.put("ref", "v1.2.0-rc.1"));

        // When Forgejo delivers the push, then a replay sends push and create again with new delivery ids
        String first = RunningForgebus.newDelivery();
        assertThat(postForgejo("X-Forgejo", "push", first, push).statusCode()).isEqualTo(202);
        awaitOutcome(first);
        int callsForTheRelease = calls(forgejo).size();
        String replayPush = RunningForgebus.newDelivery();
        String replayCreate = RunningForgebus.newDelivery();
        postForgejo("X-Gitea", "push", replayPush, push);
        postForgejo("X-Gitea", "create", replayCreate, create);
        awaitOutcome(replayPush);
        awaitOutcome(replayCreate);

        // Then one release, a pre-release (SemVer -rc.1), with its section, in three calls
        assertThat(forgejo.releases("CbOrg", "hello")).singleElement().satisfies(release -> {
            assertThat(release.body()).isEqualTo(SECTION);
            assertThat(release.prerelease()).isTrue();
        });
        assertThat(callsForTheRelease).isLessThanOrEqualTo(3);
        assertThat(calls(forgejo)).as("each replay: one look-up").hasSize(callsForTheRelease + 2);
    }

    @Test
    void a_missing_changelog_section_releases_with_a_no_notes_body_and_says_so_in_the_outcome() throws Exception {
        github.putFile("MyOrg", "drafts", "v2.0.0", "CHANGELOG.md", CHANGELOG);
        String push = RunningForgebus.newDelivery();

        forgebus.postGithub("push", push, github("github-push_tag.json", "drafts", p -> p.put("ref", "refs/tags/v2.0.0")));

        assertThat(awaitOutcome(push).path("error").asText()).contains("no notes: no section for 2.0.0");
        assertThat(github.releases("MyOrg", "drafts")).singleElement().satisfies(release -> {
            assertThat(release.body()).startsWith("No release notes for 2.0.0");
            assertThat(release.draft()).as("draft: true in the settings").isTrue();
        });
    }

    @Test
    void an_existing_release_with_an_empty_body_gets_the_notes_and_one_that_does_not_match_the_pattern_is_ignored()
            throws Exception {
        github.putFile("MyOrg", "lib", "v1.2.0", "CHANGELOG.md", CHANGELOG);
        github.createRelease("MyOrg", "lib", "v1.2.0", "Hand made", false);
        String push = RunningForgebus.newDelivery();
        String other = RunningForgebus.newDelivery();

        forgebus.postGithub("push", push, github("github-push_tag.json", "lib", p -> p.put("ref", "refs/tags/v1.2.0")));
        forgebus.postGithub("push", other, github("github-push_tag.json", "lib", p -> p.put("ref", "refs/tags/nightly")));

        assertThat(awaitOutcome(push).path("error").asText()).contains("empty body; filled");
        assertThat(awaitOutcome(other).path("error").asText()).contains("does not match tag_pattern v*");
        assertThat(github.releases("MyOrg", "lib")).singleElement().satisfies(release -> {
            assertThat(release.name()).isEqualTo("Hand made");
            assertThat(release.body()).isEqualTo(SECTION);
        });
    }

    @Test
    void a_merged_pull_request_with_the_release_label_tags_its_merge_commit_and_releases_the_newest_section() throws Exception {
        // Given the changelog at the merge commit
        String mergeCommit = "f2440f050054df0f8ecabcace648f1683509064c";
        github.putFile("MyOrg", "lib", mergeCommit, "CHANGELOG.md", CHANGELOG);
        String merged = RunningForgebus.newDelivery();

        // When
        forgebus.postGithub("pull_request", merged, mergedPullRequest("lib", 12, "Prepare release", mergeCommit, "release"));

        // Then
        assertThat(awaitOutcome(merged).path("status").asText()).isEqualTo("DONE");
        assertThat(github.releases("MyOrg", "lib")).singleElement().satisfies(release -> {
            assertThat(release.tag()).isEqualTo("v1.2.0");
            assertThat(release.target()).isEqualTo(mergeCommit);
            assertThat(release.body()).isEqualTo(SECTION);
        });
        // And the pull request's head (the payload's) says so, in one forgebus/release check
        assertThat(github.shownChecks("MyOrg", "lib", "d2b75aa7797ec26b088fa2dd527e9d2c052fcedd")).singleElement()
                .satisfies(check -> {
                    assertThat(check.name()).isEqualTo("forgebus/release");
                    assertThat(check.state()).isEqualTo("success");
                    assertThat(check.summary()).isEqualTo("release v1.2.0 created");
                });
        assertThat(calls(github)).as("changelog, look-up, create; the check's look-up and creation").hasSize(5);
    }

    @Test
    void a_merged_pull_request_without_a_version_anywhere_is_done_with_no_version_and_without_the_label_does_nothing()
            throws Exception {
        String noVersion = RunningForgebus.newDelivery();
        String unlabelled = RunningForgebus.newDelivery();
        String fromTitle = RunningForgebus.newDelivery();
        String sha = "a".repeat(40);

        forgebus.postGithub("pull_request", noVersion, mergedPullRequest("lib", 13, "Fix typo", sha, "release"));
        forgebus.postGithub("pull_request", unlabelled, mergedPullRequest("lib", 14, "Release 3.0.0", sha, "docs"));
        forgebus.postGithub("pull_request", fromTitle, mergedPullRequest("lib", 15, "Release 3.1.0-beta.1", sha, "release"));

        assertThat(awaitOutcome(noVersion).path("error").asText()).contains("no version");
        assertThat(awaitOutcome(unlabelled).path("error").asText()).contains("does not carry release label");
        awaitOutcome(fromTitle);
        assertThat(github.releases("MyOrg", "lib")).singleElement().satisfies(release -> {
            assertThat(release.tag()).isEqualTo("v3.1.0-beta.1");
            assertThat(release.prerelease()).isTrue();
            assertThat(release.body()).contains("CHANGELOG.md does not exist at v3.1.0-beta.1");
        });
    }

    @Test
    void a_tag_push_without_a_ref_is_an_invalid_payload_dead_letter_at_once() throws Exception {
        String push = RunningForgebus.newDelivery();

        forgebus.postGithub("create", push, github("github-tag_create.json", "lib", p -> p.remove("ref")));

        JsonNode outcome = awaitOutcome(push);
        assertThat(outcome.path("status").asText()).isEqualTo("DEAD_LETTER");
        assertThat(outcome.path("attempts").asInt()).isEqualTo(1);
        assertThat(outcome.path("error").asText()).contains("INVALID_PAYLOAD").contains("has no ref");
    }

    // ---- payloads and posting ----

    private byte[] github(String file, String repo, java.util.function.Consumer<ObjectNode> edit) throws Exception {
        return payload(file, "MyOrg", repo, "https://github.com/MyOrg/" + repo, edit);
    }

    private byte[] gitea(String file, String repo, java.util.function.Consumer<ObjectNode> edit) throws Exception {
        return payload(file, "CbOrg", repo, "https://codeberg.example/CbOrg/" + repo, edit);
    }

    private byte[] mergedPullRequest(String repo, int number, String title, String mergeCommit, String label) throws Exception {
        return github("github-pr_closed.json", repo, p -> {
            ObjectNode pr = (ObjectNode) p.path("pull_request");
            pr.put("number", number).put("title", title).put("merged", true).put("merge_commit_sha", mergeCommit);
            pr.putArray("labels").addObject().put("name", label);
            p.put("number", number);
        });
    }

    /** A real payload with its repository renamed to {@code owner/repo}. */
    private static byte[] payload(String file, String owner, String repo, String htmlUrl,
                                  java.util.function.Consumer<ObjectNode> edit) throws Exception {
        try (InputStream in = ReleaseEndToEndTest.class.getResourceAsStream("/payloads/release/" + file)) {
            ObjectNode payload = (ObjectNode) Json.MAPPER.readTree(in);
            ObjectNode repository = (ObjectNode) payload.path("repository");
            repository.put("name", repo).put("full_name", owner + "/" + repo).put("html_url", htmlUrl);
            ObjectNode repoOwner = (ObjectNode) repository.path("owner");
            repoOwner.put("login", owner);
            if (repoOwner.has("username")) {
                repoOwner.put("username", owner);
            }
            edit.accept(payload);
            return Json.MAPPER.writeValueAsBytes(payload);
        }
    }

    /** Signed as Forgejo and Gitea sign: a bare hex HMAC-SHA256 in {@code <family>-Signature}. */
    private HttpResponse<String> postForgejo(String family, String event, String delivery, byte[] body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(RunningForgebus.SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + forgebus.port + "/webhooks/codeberg"))
                .header("Content-Type", "application/json").header(family + "-Event", event)
                .header(family + "-Event-Type", event).header(family + "-Delivery", delivery)
                .header(family + "-Signature", HexFormat.of().formatHex(mac.doFinal(body)))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    // ---- reading the result ----

    private static List<String> calls(FakeForge forge) {
        return forge.requests(RELEASE_CALLS).stream().map(r -> r.method() + " " + r.path()).toList();
    }

    private JsonNode trace(String delivery) throws Exception {
        return forgebus.adminJson("GET", "/admin/deliveries/" + delivery, null);
    }

    /** The release module's outcome of {@code delivery}, polled until it is there. */
    private JsonNode awaitOutcome(String delivery) {
        JsonNode[] found = new JsonNode[1];
        await().atMost(WITHIN).until(() -> {
            for (JsonNode outcome : trace(delivery).path("outcomes")) {
                if (outcome.path("module").asText().equals("release")) {
                    found[0] = outcome;
                    return true;
                }
            }
            return false;
        });
        return found[0];
    }
}
