package dev.forgebus.fakeforge;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.forgebus.common.config.MergeMethod;
import dev.forgebus.forge.CallGate;
import dev.forgebus.forge.CloseReason;
import dev.forgebus.forge.ForgeClient;
import dev.forgebus.forge.ForgeCredential;
import dev.forgebus.forge.ForgeTransport;
import dev.forgebus.forge.GiteaClient;
import dev.forgebus.forge.MergeOutcome;
import dev.forgebus.forge.MirrorSync;

/**
 * {@link GiteaClient} on a Forgejo fake: the shared contract plus label ids and paging, no
 * {@code state_reason}, the {@code Do} merge, dispatch as workflow dispatch, mirror sync. Gitea
 * is served by the same client and shares these routes and shapes; the fake does not tell the
 * two apart, so there is no separate Gitea flavour to run.
 */
class GiteaClientContractTest extends ForgeClientContractTest {

    @Override
    FakeForge.Flavor flavor() {
        return FakeForge.Flavor.FORGEJO;
    }

    @Override
    ForgeClient client(URI apiUrl, ForgeCredential credential, CallGate gate, ForgeTransport transport) {
        return new GiteaClient(apiUrl, credential, gate, transport);
    }

    @Override
    String authorizationScheme() {
        return "token";
    }

    @Test
    void attaches_labels_by_id_creating_the_missing_ones_first() throws Exception {
        // Given
        long bug = forge.createLabel("MyOrg", "app", "bug", "d73a4a");
        forge.createIssue("MyOrg", "app", 7, "Crash");

        // When
        client.addLabels(REPO, 7, List.of("bug", "crash"));

        // Then: list, create "crash", attach both ids
        List<RecordedRequest> requests = forge.requests();
        assertThat(requests).extracting(r -> r.method() + " " + r.path()).containsExactly(
                "GET /api/v1/repos/MyOrg/app/labels",
                "POST /api/v1/repos/MyOrg/app/labels",
                "POST /api/v1/repos/MyOrg/app/issues/7/labels");
        assertThat(requests.get(1).json().path("name").asText()).isEqualTo("crash");
        assertThat(requests.get(1).json().path("color").asText()).matches("#[0-9a-f]{6}");
        long crash = requests.get(2).json().path("labels").get(1).asLong();
        assertThat(requests.get(2).json().toString()).isEqualTo("{\"labels\":[" + bug + "," + crash + "]}");
    }

    @Test
    void finds_existing_labels_on_later_pages() throws Exception {
        // Given five repository labels and pages of two
        for (String name : List.of("a", "b", "c", "d", "e")) {
            forge.createLabel("MyOrg", "app", name, "ededed");
        }
        forge.createIssue("MyOrg", "app", 7, "Crash");
        forge.maxPageSize(2);

        // When
        client.addLabels(REPO, 7, List.of("e"));

        // Then: three pages read, nothing created
        assertThat(forge.requests(r -> r.is("GET", ".*/repos/MyOrg/app/labels"))).extracting(RecordedRequest::query)
                .containsExactly("limit=50&page=1", "limit=50&page=2", "limit=50&page=3");
        assertThat(forge.requests(r -> r.is("POST", ".*/repos/MyOrg/app/labels"))).isEmpty();
        assertThat(forge.repositoryLabels("MyOrg", "app")).hasSize(5);
        assertThat(forge.labels("MyOrg", "app", 7)).containsExactly("e");
    }

    @Test
    void reuses_a_label_that_differs_only_in_case() throws Exception {
        forge.createLabel("MyOrg", "app", "Bug", "d73a4a");
        forge.createIssue("MyOrg", "app", 7, "Crash");

        client.addLabels(REPO, 7, List.of("bug"));

        assertThat(forge.repositoryLabels("MyOrg", "app")).containsExactly("Bug");
        assertThat(forge.labels("MyOrg", "app", 7)).containsExactly("Bug");
    }

    @Test
    void the_gate_observes_nothing_forgejo_does_not_report() throws Exception {
        forge.createIssue("MyOrg", "app", 7, "Crash");

        client.labels(REPO, 7);

        CallGate.Observation observed = gate.observations().get(0);
        assertThat(observed.remaining()).isEmpty();
        assertThat(observed.resetAt()).isNull();
        assertThat(observed.retryAfter()).isNull();
    }

    @Override
    Set<String> expectedWriteRoutes() {
        return Set.of("POST /repos/{owner}/{repo}/labels",
                "POST /repos/{owner}/{repo}/issues/{index}/labels",
                "POST /repos/{owner}/{repo}/issues",
                "PATCH /repos/{owner}/{repo}/issues/{index}",
                "POST /repos/{owner}/{repo}/issues/{index}/comments",
                "POST /repos/{owner}/{repo}/releases",
                "PATCH /repos/{owner}/{repo}/releases/{id}",
                "POST /repos/{owner}/{repo}/pulls/{index}/merge",
                "POST /repos/{owner}/{repo}/actions/workflows/{workflowname}/dispatches");
    }

    @Test
    void closing_sends_no_state_reason() throws Exception {
        forge.createIssue("MyOrg", "app", 7, "Stale");

        client.closeIssue(REPO, 7, CloseReason.NOT_PLANNED);

        assertThat(forge.requests(r -> r.is("PATCH", "/api/v1/repos/MyOrg/app/issues/7"))).singleElement()
                .satisfies(r -> assertThat(r.json().toString()).isEqualTo("{\"state\":\"closed\"}"));
        assertThat(forge.issueState("MyOrg", "app", 7)).isEqualTo("closed");
        assertThat(forge.issueStateReason("MyOrg", "app", 7)).isEmpty();
    }

    @Test
    void removes_a_label_by_its_id_and_sends_no_delete_for_a_label_not_there() throws Exception {
        long bug = forge.createLabel("MyOrg", "app", "bug", "d73a4a");
        forge.createIssue("MyOrg", "app", 7, "Crash");
        forge.labelIssue("MyOrg", "app", 7, "bug");

        client.removeLabel(REPO, 7, "Bug");
        client.removeLabel(REPO, 7, "bug");

        assertThat(forge.requests(RecordedRequest::isWrite)).extracting(r -> r.method() + " " + r.path())
                .containsExactly("DELETE /api/v1/repos/MyOrg/app/issues/7/labels/" + bug);
        assertThat(forge.labels("MyOrg", "app", 7)).isEmpty();
    }

    @Test
    void merges_with_do_and_the_head_commit() throws Exception {
        forge.createPullRequest("MyOrg", "app", 8, "Bump", "deps", "aaa111");

        MergeOutcome outcome = client.merge(REPO, 8, MergeMethod.FAST_FORWARD_ONLY, "aaa111");

        assertThat(outcome).isEqualTo(new MergeOutcome.Merged(""));
        assertThat(forge.requests(r -> r.is("POST", ".*/pulls/8/merge"))).singleElement().satisfies(r ->
                assertThat(r.json().toString()).isEqualTo("{\"Do\":\"fast-forward-only\",\"head_commit_id\":\"aaa111\"}"));
    }

    @Test
    void finds_a_draft_release_by_its_tag_in_one_request() throws Exception {
        forge.createRelease("MyOrg", "app", "v2.0.0", "v2.0.0", true);

        assertThat(client.releaseByTag(REPO, "v2.0.0")).hasValueSatisfying(r -> assertThat(r.draft()).isTrue());
        assertThat(forge.requests()).hasSize(1);
    }

    @Test
    void dispatch_event_dispatches_the_workflow_of_that_name_on_the_default_branch() throws Exception {
        forge.createRepository("MyOrg", "app");
        Map<String, Object> payload = new java.util.LinkedHashMap<>();
        payload.put("tag", "v1.0.0");
        payload.put("count", 3);
        payload.put("meta", Map.of("by", "forgebus"));

        client.dispatchEvent(REPO, "upstream-release", payload);

        assertThat(forge.workflowDispatches("MyOrg", "app")).containsExactly(new FakeForge.WorkflowDispatch(
                "upstream-release.yml", "main", Map.of("tag", "v1.0.0", "count", "3", "meta", "{\"by\":\"forgebus\"}")));
        assertThat(forge.requests()).extracting(r -> r.method() + " " + r.path()).containsExactly(
                "GET /api/v1/repos/MyOrg/app",
                "POST /api/v1/repos/MyOrg/app/actions/workflows/upstream-release.yml/dispatches");
    }

    @Test
    void mirror_sync_is_requested() throws Exception {
        forge.createRepository("MyOrg", "app");

        assertThat(client.syncMirror(REPO)).isEqualTo(MirrorSync.REQUESTED);

        assertThat(forge.mirrorSyncs("MyOrg", "app")).isEqualTo(1);
        assertThat(forge.requests()).singleElement().satisfies(r -> {
            assertThat(r.is("POST", "/api/v1/repos/MyOrg/app/mirror-sync")).isTrue();
            assertThat(r.body()).isEmpty();
        });
    }

    @Test
    void reads_runs_from_the_actions_tasks_list() throws Exception {
        forge.createRepository("MyOrg", "app");

        client.latestWorkflowRun(REPO, "codeql.yml", java.time.Instant.parse("2026-03-01T10:00:00Z"));

        assertThat(forge.requests()).singleElement()
                .satisfies(r -> assertThat(r.path()).isEqualTo("/api/v1/repos/MyOrg/app/actions/tasks"));
    }
}
