package dev.forgebus.fakeforge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.forgebus.common.config.MergeMethod;
import dev.forgebus.forge.CallGate;
import dev.forgebus.forge.CheckResult;
import dev.forgebus.forge.CloseReason;
import dev.forgebus.forge.ForgeCallException.Kind;
import dev.forgebus.forge.ForgeCallException;
import dev.forgebus.forge.ForgeClient;
import dev.forgebus.forge.ForgeCredential;
import dev.forgebus.forge.ForgeTransport;
import dev.forgebus.forge.FileContent;
import dev.forgebus.forge.GitHubClient;
import dev.forgebus.forge.MergeOutcome;
import dev.forgebus.forge.MirrorSync;

/** {@link GitHubClient} on a GitHub fake: the shared contract plus GitHub's own rules. */
class GitHubClientContractTest extends ForgeClientContractTest {

    @Override
    FakeForge.Flavor flavor() {
        return FakeForge.Flavor.GITHUB;
    }

    @Override
    ForgeClient client(URI apiUrl, ForgeCredential credential, CallGate gate, ForgeTransport transport) {
        return new GitHubClient(apiUrl, credential, gate, transport);
    }

    @Override
    String authorizationScheme() {
        return "Bearer";
    }

    @Test
    void an_open_issue_page_is_sorted_by_last_update_newest_first_so_a_write_moves_an_item_to_the_front() throws Exception {
        // Given three issues, #2 updated long ago, #1 a bit less, #3 now
        for (int n = 1; n <= 3; n++) {
            forge.createIssue("MyOrg", "app", n, "Issue " + n);
        }
        java.time.Instant now = java.time.Instant.now();
        forge.setIssueUpdatedAt("MyOrg", "app", 2, now.minus(java.time.Duration.ofDays(90)));
        forge.setIssueUpdatedAt("MyOrg", "app", 1, now.minus(java.time.Duration.ofDays(30)));

        // When
        var page = client.openIssuesPage(REPO, 1);

        // Then
        assertThat(page.issues()).extracting(dev.forgebus.forge.ForgeIssue::number).containsExactly(3L, 1L, 2L);
        assertThat(page.more()).isFalse();
        assertThat(forge.requests().get(forge.requests().size() - 1).query()).contains("sort=updated").contains("direction=desc");
    }

    @Test
    void sends_githubs_api_headers() throws Exception {
        forge.createIssue("MyOrg", "app", 7, "Crash");

        client.labels(REPO, 7);

        RecordedRequest request = forge.requests().get(0);
        assertThat(request.header("Accept")).contains("application/vnd.github+json");
        assertThat(request.header("X-GitHub-Api-Version")).contains("2022-11-28");
        assertThat(request.query()).isEqualTo("per_page=100");
    }

    @Test
    void a_file_over_one_megabyte_is_read_again_with_the_raw_media_type_and_one_over_ten_mebibytes_comes_back_cut()
            throws Exception {
        // Given files GitHub's contents API answers without content (encoding: none)
        String big = "## [1.0.0]\n" + "x".repeat(2 * 1024 * 1024) + "\n";
        forge.putFile("MyOrg", "app", "v1", "CHANGELOG.md", big);
        forge.putFile("MyOrg", "app", "v1", "HUGE.md", "y".repeat(GitHubClient.MAX_RAW_FILE_BYTES + 10));

        // When
        FileContent whole = client.fileContent(REPO, "CHANGELOG.md", Optional.of("v1")).orElseThrow();
        FileContent cut = client.fileContent(REPO, "HUGE.md", Optional.of("v1")).orElseThrow();

        // Then the first has every byte, the second the first 10 MiB and says it was cut
        assertThat(whole.text()).isEqualTo(big);
        assertThat(whole.cut()).isFalse();
        assertThat(cut.bytes()).hasSize(GitHubClient.MAX_RAW_FILE_BYTES);
        assertThat(cut.cut()).isTrue();
        assertThat(forge.requests()).filteredOn(r -> r.path().endsWith("/contents/CHANGELOG.md"))
                .extracting(r -> r.header("Accept").orElse(""))
                .containsExactly("application/vnd.github+json", "application/vnd.github.raw");
    }

    @Test
    void follows_the_link_header_through_every_page() throws Exception {
        // Given five labels and pages of two
        forge.createIssue("MyOrg", "app", 7, "Crash");
        forge.labelIssue("MyOrg", "app", 7, "a", "b", "c", "d", "e");
        forge.maxPageSize(2);

        // When
        List<String> labels = client.labels(REPO, 7);

        // Then
        assertThat(labels).containsExactly("a", "b", "c", "d", "e");
        assertThat(forge.requests()).extracting(RecordedRequest::query)
                .containsExactly("per_page=100", "per_page=2&page=2", "per_page=2&page=3");
    }

    @Test
    void adds_labels_by_name_in_one_request() throws Exception {
        forge.createIssue("MyOrg", "app", 7, "Crash");

        client.addLabels(REPO, 7, List.of("bug", "crash", "bug"));

        assertThat(forge.requests()).singleElement().satisfies(request -> {
            assertThat(request.is("POST", "/repos/MyOrg/app/issues/7/labels")).isTrue();
            assertThat(request.json().toString()).isEqualTo("{\"labels\":[\"bug\",\"crash\"]}");
        });
    }

    @Test
    void the_gate_observes_the_remaining_budget() throws Exception {
        // Given
        forge.createIssue("MyOrg", "app", 7, "Crash");
        forge.rateLimit(10);

        // When
        client.labels(REPO, 7);

        // Then
        CallGate.Observation observed = gate.observations().get(0);
        assertThat(observed.remaining()).isEqualTo(OptionalLong.of(9));
        assertThat(observed.resetAt()).isNotNull();
    }

    @Test
    void a_spent_budget_is_rate_limited() throws Exception {
        // Given one request left
        forge.createIssue("MyOrg", "app", 7, "Crash");
        forge.rateLimit(1);
        client.labels(REPO, 7);

        // When
        ForgeCallException failure = catchThrowableOfType(ForgeCallException.class, () -> client.labels(REPO, 7));

        // Then: GitHub's primary limit, 403 with x-ratelimit-remaining 0
        assertThat(failure.kind()).isEqualTo(Kind.RATE_LIMITED);
        assertThat(failure.status()).isEqualTo(403);
        assertThat(failure.getMessage()).contains("API rate limit exceeded");
        assertThat(failure.retryAfter()).isPresent();
    }

    @Test
    void a_secondary_rate_limit_without_headers_waits_a_minute() {
        forge.failNext(1, 403, java.util.Map.of("x-ratelimit-remaining", "4000"),
                "{\"message\":\"You have exceeded a secondary rate limit. Please wait a few minutes before you try again.\"}");

        ForgeCallException failure = catchThrowableOfType(ForgeCallException.class, () -> client.labels(REPO, 7));

        assertThat(failure.kind()).isEqualTo(Kind.RATE_LIMITED);
        assertThat(failure.retryAfter()).contains(java.time.Duration.ofSeconds(60));
    }

    @Override
    Set<String> expectedWriteRoutes() {
        return Set.of("POST /repos/{owner}/{repo}/issues/{issue_number}/labels",
                "POST /repos/{owner}/{repo}/issues",
                "PATCH /repos/{owner}/{repo}/issues/{issue_number}",
                "POST /repos/{owner}/{repo}/issues/{issue_number}/comments",
                "POST /repos/{owner}/{repo}/releases",
                "PATCH /repos/{owner}/{repo}/releases/{release_id}",
                "PUT /repos/{owner}/{repo}/pulls/{pull_number}/merge",
                "POST /repos/{owner}/{repo}/dispatches",
                "POST /repos/{owner}/{repo}/actions/workflows/{workflow_id}/dispatches");
    }

    @Test
    void closing_sends_the_state_reason() throws Exception {
        forge.createIssue("MyOrg", "app", 7, "Stale");

        client.closeIssue(REPO, 7, CloseReason.NOT_PLANNED);

        assertThat(forge.requests(r -> r.is("PATCH", "/repos/MyOrg/app/issues/7"))).singleElement()
                .satisfies(r -> assertThat(r.json().toString()).isEqualTo("{\"state\":\"closed\",\"state_reason\":\"not_planned\"}")
                        .isNotNull());
        assertThat(forge.issueStateReason("MyOrg", "app", 7)).contains("not_planned");
    }

    @Test
    void removing_a_label_not_there_is_githubs_404_and_no_failure() throws Exception {
        forge.createIssue("MyOrg", "app", 7, "Crash");

        client.removeLabel(REPO, 7, "needs triage");

        assertThat(forge.requests()).singleElement()
                .satisfies(r -> assertThat(r.is("DELETE", "/repos/MyOrg/app/issues/7/labels/needs%20triage")).isTrue());
    }

    @Test
    void merges_with_merge_method_and_sha() throws Exception {
        forge.createPullRequest("MyOrg", "app", 8, "Bump", "deps", "aaa111");

        MergeOutcome outcome = client.merge(REPO, 8, MergeMethod.SQUASH, "aaa111");

        assertThat(outcome).isInstanceOf(MergeOutcome.Merged.class);
        assertThat(((MergeOutcome.Merged) outcome).sha()).hasSize(40);
        assertThat(forge.requests(r -> r.is("PUT", "/repos/MyOrg/app/pulls/8/merge"))).singleElement()
                .satisfies(r -> assertThat(r.json().toString()).isEqualTo("{\"merge_method\":\"squash\",\"sha\":\"aaa111\"}")
                        .isNotNull());
    }

    @Test
    void a_secondary_rate_limit_on_a_merge_is_rate_limited_not_an_outcome() {
        forge.createPullRequest("MyOrg", "app", 8, "Bump", "deps", "aaa111");
        forge.secondaryRateLimitNext(r -> r.is("PUT", ".*/merge"), 1, 90);

        ForgeCallException failure = catchThrowableOfType(ForgeCallException.class,
                () -> client.merge(REPO, 8, MergeMethod.MERGE, "aaa111"));

        assertThat(failure.kind()).isEqualTo(Kind.RATE_LIMITED);
        assertThat(failure.retryAfter()).contains(java.time.Duration.ofSeconds(90));
        assertThat(failure.getMessage()).contains("secondary rate limit");
    }

    @Test
    void checks_combine_check_runs_and_the_latest_statuses() throws Exception {
        // Given four check runs, on two pages, and two status contexts
        forge.addCheckRun("MyOrg", "app", "abc123", "build", "completed", "success");
        forge.addCheckRun("MyOrg", "app", "abc123", "test", "in_progress", null);
        forge.addCheckRun("MyOrg", "app", "abc123", "e2e", "completed", "timed_out");
        forge.addCheckRun("MyOrg", "app", "abc123", "docs", "completed", "skipped");
        forge.addStatus("MyOrg", "app", "abc123", "ci/jenkins", "pending");
        forge.addStatus("MyOrg", "app", "abc123", "ci/jenkins", "failure");
        forge.maxPageSize(3);

        // When
        List<CheckResult> checks = client.checks(REPO, "abc123");

        // Then
        assertThat(checks).containsExactlyInAnyOrder(
                new CheckResult("build", CheckResult.State.SUCCESS),
                new CheckResult("test", CheckResult.State.PENDING),
                new CheckResult("e2e", CheckResult.State.FAILURE),
                new CheckResult("docs", CheckResult.State.SUCCESS),
                new CheckResult("ci/jenkins", CheckResult.State.FAILURE));
        assertThat(forge.requests(r -> r.is("GET", ".*/check-runs"))).hasSize(2);
    }

    @Test
    void finds_a_draft_release_in_one_call_from_the_first_page_of_the_release_list() throws Exception {
        forge.createRelease("MyOrg", "app", "v2.0.0", "v2.0.0", true);

        assertThat(client.releaseByTag(REPO, "v2.0.0")).hasValueSatisfying(r -> assertThat(r.draft()).isTrue());
        assertThat(forge.requests()).extracting(r -> r.method() + " " + r.path()).containsExactly(
                "GET /repos/MyOrg/app/releases");
    }

    @Test
    void a_tag_released_before_the_first_page_of_releases_is_found_by_the_tag_route() throws Exception {
        // Given three releases and a server answering pages of two, the oldest is on page 2
        forge.createRelease("MyOrg", "app", "v1.0.0", "v1.0.0", false);
        forge.createRelease("MyOrg", "app", "v1.1.0", "v1.1.0", false);
        forge.createRelease("MyOrg", "app", "v1.2.0", "v1.2.0", false);
        forge.maxPageSize(2);

        // Then it is found, and a tag nobody released costs the same two calls
        assertThat(client.releaseByTag(REPO, "v1.0.0")).hasValueSatisfying(r -> assertThat(r.tag()).isEqualTo("v1.0.0"));
        assertThat(client.releaseByTag(REPO, "v9.0.0")).isEmpty();
        assertThat(forge.requests()).extracting(r -> r.method() + " " + r.path()).containsExactly(
                "GET /repos/MyOrg/app/releases", "GET /repos/MyOrg/app/releases/tags/v1.0.0",
                "GET /repos/MyOrg/app/releases", "GET /repos/MyOrg/app/releases/tags/v9.0.0");
    }

    @Test
    void deleting_a_branch_already_gone_absorbs_githubs_422() throws Exception {
        forge.createRepository("MyOrg", "app");

        client.deleteBranch(REPO, "feature/x");

        assertThat(forge.requests()).singleElement()
                .satisfies(r -> assertThat(r.is("DELETE", "/repos/MyOrg/app/git/refs/heads/feature/x")).isTrue());
    }

    @Test
    void a_422_other_than_a_missing_reference_is_still_a_failure() {
        forge.setBranch("MyOrg", "app", "main", "c0ffee");
        forge.failNextMatching(r -> r.is("DELETE", ".*/git/refs/heads/main"), 1, 422, java.util.Map.of(),
                "{\"message\":\"Cannot delete this protected branch\"}");

        ForgeCallException failure = catchThrowableOfType(ForgeCallException.class, () -> client.deleteBranch(REPO, "main"));

        assertThat(failure.kind()).isEqualTo(Kind.PERMANENT);
        assertThat(failure.status()).isEqualTo(422);
    }

    @Test
    void dispatch_event_is_a_repository_dispatch() throws Exception {
        forge.createRepository("MyOrg", "app");

        client.dispatchEvent(REPO, "upstream-release", Map.of("tag", "v1.0.0"));

        assertThat(forge.dispatches("MyOrg", "app")).containsExactly(
                new FakeForge.Dispatch("upstream-release", "{\"tag\":\"v1.0.0\"}"));
    }

    @Test
    void mirror_sync_is_unsupported_without_a_request() throws Exception {
        assertThat(client.syncMirror(REPO)).isEqualTo(MirrorSync.UNSUPPORTED);
        assertThat(forge.requests()).isEmpty();
    }

    @Test
    void asks_for_runs_created_since_the_time() throws Exception {
        forge.createRepository("MyOrg", "app");

        client.latestWorkflowRun(REPO, "codeql.yml", java.time.Instant.parse("2026-03-01T10:00:00Z"));

        assertThat(forge.requests()).singleElement().satisfies(r -> {
            assertThat(r.path()).isEqualTo("/repos/MyOrg/app/actions/workflows/codeql.yml/runs");
            assertThat(ForgeApi.queryParameters(r.query())).containsEntry("created", ">=2026-03-01T10:00:00Z");
        });
    }
}
