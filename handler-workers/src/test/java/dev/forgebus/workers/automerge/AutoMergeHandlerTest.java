package dev.forgebus.workers.automerge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.forgebus.common.config.ConfigLoader;
import dev.forgebus.common.config.ForgebusConfig;
import dev.forgebus.common.config.ModuleId;
import dev.forgebus.common.config.StandardModules;
import dev.forgebus.common.emit.Notification;
import dev.forgebus.common.event.EventEnvelope;
import dev.forgebus.common.event.Json;
import dev.forgebus.fakeforge.FakeForge;
import dev.forgebus.fakeforge.FakeForge.Flavor;
import dev.forgebus.forge.CallGate;
import dev.forgebus.forge.DefaultForgeClients;
import dev.forgebus.forge.ForgeTransport;
import dev.forgebus.workers.Emitter;
import dev.forgebus.workers.HandlerServices;
import dev.forgebus.workers.InvalidInputException;
import dev.forgebus.workers.ModuleHandler;
import dev.forgebus.workers.MapProgressStore;
import dev.forgebus.workers.ProgressStore;
import dev.forgebus.workers.Result;
import dev.forgebus.workers.TriggerGuard;
import dev.forgebus.workers.WorkItem;
import dev.forgebus.workers.settings.RepoSettingsSource;

/** Auto-merge against a fake GitHub and a fake Forgejo, through the real clients; no broker. */
class AutoMergeHandlerTest {
    private static final String SHA = "1111111111111111111111111111111111111111";
    private static final String NEW_SHA = "2222222222222222222222222222222222222222";
    private static FakeForge github;
    private static FakeForge forgejo;
    private static ForgeTransport transport;
    private static DefaultForgeClients clients;
    private static HandlerServices services;
    private static final List<Notification> emitted = new CopyOnWriteArrayList<>();
    /** report_status is on by default: the forgebus/auto-merge check remembers its last text here. */
    private static final ProgressStore MEMORY = new MapProgressStore(new java.util.concurrent.ConcurrentHashMap<>());
    private static final ModuleHandler handler = new TriggerGuard(StandardModules.AUTO_MERGE, new AutoMergeHandler());

    @BeforeAll
    static void start() throws Exception {
        github = FakeForge.start(Flavor.GITHUB);
        forgejo = FakeForge.start(Flavor.FORGEJO);
        ForgebusConfig config = ConfigLoader.parse("""
                forges:
                  gh: { type: github, api_url: "${GH}", token: gh-token }
                  fj: { type: forgejo, api_url: "${FJ}", token: fj-token }
                orgs:
                  GhOrg:
                    forge: gh
                    auto_merge: { trigger_label: automerge, merge_method: squash, required_checks: [test, lint], delete_branch: true }
                    repositories:
                      off: { auto_merge: { enabled: false } }
                  FjOrg:
                    forge: fj
                    auto_merge: { trigger_label: automerge, merge_method: squash, required_checks: [test], delete_branch: true }
                """, "forgebus.yml", Map.of("GH", github.apiUrl().toString(), "FJ", forgejo.apiUrl().toString())::get);
        transport = ForgeTransport.of(Duration.ofSeconds(2), Duration.ofSeconds(5), Clock.systemUTC());
        clients = new DefaultForgeClients(config, CallGate.OPEN, transport);
        Emitter recording = (module, source, forge, owner, repo, notification) -> emitted.add(notification);
        services = new HandlerServices(clients, RepoSettingsSource.mainConfigOnly(config, clients), recording, module -> MEMORY)
                .forModule(ModuleId.AUTO_MERGE);
    }

    @AfterAll
    static void stop() {
        clients.close();
        transport.close();
        github.close();
        forgejo.close();
    }

    @BeforeEach
    void reset() {
        github.reset();
        forgejo.reset();
        emitted.clear();
    }

    private static Result handle(EventEnvelope item) throws Exception {
        return handler.handle(WorkItem.first(item), services.contextFor(item, Clock.systemUTC()));
    }

    private static String note(EventEnvelope item) throws Exception {
        Result result = handle(item);
        assertThat(result).isInstanceOf(Result.Done.class);
        return ((Result.Done) result).note();
    }

    private static EventEnvelope github(String event, String action, String repo, String payload) {
        return new EventEnvelope("gh", "github", "d-" + event, event, action, "GhOrg", repo, "alice",
                Instant.parse("2026-03-01T12:00:00Z"), List.of(), Json.read(payload.getBytes(), JsonNode.class));
    }

    private static EventEnvelope labeled(String repo, long number) {
        return github("pull_request", "labeled", repo, "{\"action\":\"labeled\",\"number\":" + number
                + ",\"pull_request\":{\"number\":" + number + "},\"label\":{\"name\":\"automerge\"}}");
    }

    /** PR 7 on GhOrg/app: head SHA on branch feature, labelled. */
    private static void labelledPull() {
        github.createPullRequest("GhOrg", "app", 7, "Feature", "feature", SHA);
        github.labelIssue("GhOrg", "app", 7, "automerge");
    }

    private static void green() {
        github.addCheckRun("GhOrg", "app", SHA, "test", "completed", "success");
        github.addStatus("GhOrg", "app", SHA, "lint", "success");
    }

    @Test
    void a_labelled_pull_request_with_every_required_check_green_is_merged_at_its_head_and_its_branch_deleted() throws Exception {
        labelledPull();
        green();

        String note = note(labeled("app", 7));

        assertThat(github.merged("GhOrg", "app", 7)).isTrue();
        assertThat(github.requests(r -> r.is("PUT", ".*/pulls/7/merge"))).singleElement()
                .satisfies(r -> assertThat(r.body()).contains("\"sha\":\"" + SHA + "\"").contains("\"merge_method\":\"squash\""));
        assertThat(github.branches("GhOrg", "app")).doesNotContainKey("feature");
        assertThat(note).contains("#7: merged " + SHA).contains("branch feature deleted");
        assertThat(emitted).extracting(Notification::kind).containsExactly("merged");
    }

    @Test
    void the_latest_status_of_a_context_counts_across_pages() throws Exception {
        labelledPull();
        github.addCheckRun("GhOrg", "app", SHA, "test", "completed", "success");
        github.addStatus("GhOrg", "app", SHA, "lint", "failure");
        for (int i = 0; i < 5; i++) {
            github.addStatus("GhOrg", "app", SHA, "other-" + i, "success");
        }
        github.addStatus("GhOrg", "app", SHA, "lint", "success");
        github.maxPageSize(2);

        note(labeled("app", 7));

        assertThat(github.merged("GhOrg", "app", 7)).isTrue();
        assertThat(github.requests(r -> r.is("GET", ".*/statuses.*"))).hasSizeGreaterThan(1);
    }

    @Test
    void a_failing_required_check_on_a_later_page_of_check_runs_blocks_the_merge() throws Exception {
        labelledPull();
        for (int i = 0; i < 4; i++) {
            github.addCheckRun("GhOrg", "app", SHA, "extra-" + i, "completed", "success");
        }
        github.addCheckRun("GhOrg", "app", SHA, "test", "completed", "failure");
        github.addStatus("GhOrg", "app", SHA, "lint", "success");
        github.maxPageSize(2);

        String note = note(labeled("app", 7));

        assertThat(github.merged("GhOrg", "app", 7)).isFalse();
        assertThat(github.requests(r -> r.is("PUT", ".*/merge"))).isEmpty();
        assertThat(note).contains("failing: test");
    }

    @Test
    void a_missing_required_check_blocks_the_merge() throws Exception {
        labelledPull();
        github.addCheckRun("GhOrg", "app", SHA, "test", "completed", "success");

        String note = note(labeled("app", 7));

        assertThat(github.merged("GhOrg", "app", 7)).isFalse();
        assertThat(note).contains("missing: lint");
    }

    @Test
    void a_label_removed_before_handling_a_draft_or_a_closed_pull_request_is_not_merged() throws Exception {
        github.createPullRequest("GhOrg", "app", 7, "Unlabelled now", "feature", SHA);
        github.createPullRequest("GhOrg", "app", 8, "Draft", "draft", SHA);
        github.labelIssue("GhOrg", "app", 8, "automerge");
        github.setDraft("GhOrg", "app", 8, true);
        green();

        assertThat(note(labeled("app", 7))).contains("no 'automerge' label");
        assertThat(note(labeled("app", 8))).contains("draft");
        assertThat(github.requests(r -> r.is("PUT", ".*/merge"))).isEmpty();
    }

    @Test
    void a_head_moved_between_the_check_and_the_merge_is_an_outcome_without_a_retry() throws Exception {
        labelledPull();
        green();
        // The push lands after the checks were read: the merge (with the old SHA) is what meets it.
        github.failNextMatching(r -> r.is("PUT", ".*/pulls/7/merge"), 1, 409, Map.of(),
                "{\"message\":\"Head branch was modified. Review and try the merge again.\"}");

        Result result = handle(labeled("app", 7));

        assertThat(result).isInstanceOf(Result.Done.class);
        assertThat(((Result.Done) result).note()).contains("head moved since " + SHA);
        assertThat(github.merged("GhOrg", "app", 7)).isFalse();
        assertThat(github.branches("GhOrg", "app")).containsKey("feature");
        assertThat(emitted).isEmpty();
    }

    @Test
    void a_forge_refusal_is_an_outcome_with_its_reason_and_a_merge_blocked_notification() throws Exception {
        labelledPull();
        green();
        github.failNextMatching(r -> r.is("PUT", ".*/pulls/7/merge"), 1, 405, Map.of(),
                "{\"message\":\"At least 1 approving review is required by reviewers with write access.\"}");

        String note = note(labeled("app", 7));

        assertThat(note).contains("not mergeable").contains("approving review");
        assertThat(emitted).singleElement().satisfies(n -> {
            assertThat(n.kind()).isEqualTo("merge_blocked");
            assertThat(n.text()).contains("approving review");
        });
    }

    @Test
    void a_fork_branch_is_never_deleted() throws Exception {
        labelledPull();
        github.setHeadRepository("GhOrg", "app", 7, "mallory/app");
        github.setBranch("GhOrg", "app", "feature", "3333333333333333333333333333333333333333");
        green();

        String note = note(labeled("app", 7));

        assertThat(github.merged("GhOrg", "app", 7)).isTrue();
        assertThat(github.requests(r -> r.is("DELETE", ".*"))).isEmpty();
        assertThat(note).contains("branch of a fork kept");
    }

    @Test
    void a_completed_check_run_finds_the_pull_request_whose_head_it_is() throws Exception {
        labelledPull();
        github.createPullRequest("GhOrg", "app", 9, "Other head", "other", NEW_SHA);
        github.labelIssue("GhOrg", "app", 9, "automerge");
        green();

        note(github("check_run", "completed", "app",
                "{\"action\":\"completed\",\"check_run\":{\"name\":\"test\",\"head_sha\":\"" + SHA + "\"}}"));

        assertThat(github.merged("GhOrg", "app", 7)).isTrue();
        assertThat(github.merged("GhOrg", "app", 9)).isFalse();
    }

    @Test
    void a_check_run_not_yet_completed_costs_no_forge_call() throws Exception {
        labelledPull();

        String note = note(github("check_run", "created", "app",
                "{\"action\":\"created\",\"check_run\":{\"name\":\"test\",\"head_sha\":\"" + SHA + "\"}}"));

        assertThat(note).contains("not completed");
        assertThat(github.requests(r -> r.path().contains("/pulls"))).isEmpty();
    }

    @Test
    void a_status_event_without_a_sha_is_an_invalid_payload() {
        Throwable thrown = catchThrowable(() -> handle(github("status", "", "app", "{\"state\":\"success\",\"context\":\"ci\"}")));

        assertThat(thrown).isInstanceOf(InvalidInputException.class).hasMessageContaining("no commit SHA");
    }

    @Test
    void on_forgejo_pending_checks_ask_for_a_recheck_because_no_status_webhook_will_come() throws Exception {
        forgejo.createPullRequest("FjOrg", "app", 3, "Feature", "feature", SHA);
        forgejo.labelIssue("FjOrg", "app", 3, "automerge");
        forgejo.addStatus("FjOrg", "app", SHA, "test", "pending");
        EventEnvelope label = new EventEnvelope("fj", "forgejo", "d-fj", "pull_request_label", "label_updated", "FjOrg", "app",
                "alice", Instant.parse("2026-03-01T12:00:00Z"), List.of(),
                Json.read("{\"action\":\"label_updated\",\"number\":3,\"pull_request\":{\"number\":3}}".getBytes(), JsonNode.class));

        Result first = handle(label);
        forgejo.addStatus("FjOrg", "app", SHA, "test", "success");
        Result second = handler.handle(new WorkItem(label, 1, java.util.Optional.empty(), true, 1),
                services.contextFor(label, Clock.systemUTC()));

        assertThat(first).isInstanceOf(Result.RecheckAfter.class);
        assertThat(second).isInstanceOf(Result.Done.class);
        assertThat(forgejo.merged("FjOrg", "app", 3)).isTrue();
        assertThat(forgejo.requests(r -> r.is("POST", ".*/pulls/3/merge"))).singleElement()
                .satisfies(r -> assertThat(r.body()).contains("\"head_commit_id\":\"" + SHA + "\""));
        assertThat(forgejo.branches("FjOrg", "app")).doesNotContainKey("feature");
    }
}
