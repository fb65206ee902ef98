package dev.forgebus.workers.feedback;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.forgebus.common.config.ConfigLoader;
import dev.forgebus.common.config.ForgebusConfig;
import dev.forgebus.common.config.ModuleId;
import dev.forgebus.common.event.EventEnvelope;
import dev.forgebus.common.event.Json;
import dev.forgebus.fakeforge.FakeForge;
import dev.forgebus.fakeforge.FakeForge.Flavor;
import dev.forgebus.fakeforge.FakeForge.ShownCheck;
import dev.forgebus.forge.CallGate;
import dev.forgebus.forge.DefaultForgeClients;
import dev.forgebus.forge.ForgeTransport;
import dev.forgebus.workers.HandlerServices;
import dev.forgebus.workers.ModuleHandler;
import dev.forgebus.workers.MapProgressStore;
import dev.forgebus.workers.ProgressStore;
import dev.forgebus.workers.WorkItem;
import dev.forgebus.workers.automerge.AutoMergeHandler;
import dev.forgebus.workers.release.ReleaseHandler;
import dev.forgebus.workers.settings.RepoSettingsSource;

/**
 * Issue 14 item 5: auto-merge and release say on the pull request's head what they wait for, in
 * one check per module updated in place, through the real clients against a fake GitHub and Forgejo.
 */
class ForgeFeedbackTest {
    private static final String SHA = "1111111111111111111111111111111111111111";
    private static final String MERGE_SHA = "3333333333333333333333333333333333333333";
    private static final Map<String, String> progress = new ConcurrentHashMap<>();
    private static FakeForge github;
    private static FakeForge forgejo;
    private static ForgeTransport transport;
    private static DefaultForgeClients clients;
    private static HandlerServices services;

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
                    auto_merge: { trigger_label: automerge, required_checks: [test, lint] }
                    release: { trigger: merge_label, release_label: release }
                    repositories:
                      quiet: { auto_merge: { report_status: false } }
                      anychecks: { auto_merge: { required_checks: [] } }
                  FjOrg:
                    forge: fj
                    auto_merge: { trigger_label: automerge, required_checks: [test] }
                """, "forgebus.yml", Map.of("GH", github.apiUrl().toString(), "FJ", forgejo.apiUrl().toString())::get);
        transport = ForgeTransport.of(Duration.ofSeconds(2), Duration.ofSeconds(5), Clock.systemUTC());
        clients = new DefaultForgeClients(config, CallGate.OPEN, transport);
        ProgressStore store = new MapProgressStore(progress);
        services = new HandlerServices(clients, RepoSettingsSource.mainConfigOnly(config, clients),
                (module, source, forge, owner, repo, notification) -> { }, module -> store);
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
        progress.clear();
    }

    private static void handle(ModuleHandler handler, ModuleId module, EventEnvelope item) throws Exception {
        handler.handle(WorkItem.first(item), services.forModule(module).contextFor(item, Clock.systemUTC()));
    }

    private static EventEnvelope labeled(String repo, long number) {
        return new EventEnvelope("gh", "github", "d-label", "pull_request", "labeled", "GhOrg", repo, "alice",
                Instant.parse("2026-03-01T12:00:00Z"), List.of(), Json.read(("{\"action\":\"labeled\",\"number\":" + number
                + ",\"pull_request\":{\"number\":" + number + "},\"label\":{\"name\":\"automerge\"}}").getBytes(), JsonNode.class));
    }

    private static List<ShownCheck> own(FakeForge forge, String owner, String repo, String sha) {
        return forge.shownChecks(owner, repo, sha).stream().filter(c -> c.name().startsWith("forgebus/")).toList();
    }

    @Test
    void a_waiting_pull_request_gets_one_check_run_that_is_updated_in_place_until_it_says_merged() throws Exception {
        // Given a labelled pull request whose test is pending and whose lint has not reported
        github.createPullRequest("GhOrg", "app", 7, "Feature", "feature", SHA);
        github.labelIssue("GhOrg", "app", 7, "automerge");
        github.addStatus("GhOrg", "app", SHA, "test", "pending");

        // When auto-merge looks at it
        handle(new AutoMergeHandler(), ModuleId.AUTO_MERGE, labeled("app", 7));

        // Then its head carries one forgebus/auto-merge check run saying what it waits for
        assertThat(own(github, "GhOrg", "app", SHA)).singleElement().satisfies(check -> {
            assertThat(check.kind()).isEqualTo("check_run");
            assertThat(check.name()).isEqualTo("forgebus/auto-merge");
            assertThat(check.state()).isEqualTo("in_progress");
            assertThat(check.summary()).isEqualTo("waiting for: test (pending), lint (missing)");
        });

        // When the checks turn green one by one
        github.addStatus("GhOrg", "app", SHA, "test", "success");
        handle(new AutoMergeHandler(), ModuleId.AUTO_MERGE, labeled("app", 7));
        assertThat(own(github, "GhOrg", "app", SHA)).singleElement()
                .satisfies(check -> assertThat(check.summary()).isEqualTo("waiting for: lint (missing)"));
        github.addStatus("GhOrg", "app", SHA, "lint", "success");
        handle(new AutoMergeHandler(), ModuleId.AUTO_MERGE, labeled("app", 7));

        // Then the same check run, never a second one, says merged
        assertThat(github.merged("GhOrg", "app", 7)).isTrue();
        assertThat(own(github, "GhOrg", "app", SHA)).singleElement().satisfies(check -> {
            assertThat(check.state()).isEqualTo("success");
            assertThat(check.summary()).isEqualTo("merged (merge)");
        });
        assertThat(github.requests(r -> r.is("POST", ".*/check-runs"))).hasSize(1);
        assertThat(github.requests(r -> r.is("PATCH", ".*/check-runs/\\d+"))).hasSize(2);
    }

    @Test
    void a_pull_request_still_waiting_for_the_same_checks_costs_no_further_forge_write() throws Exception {
        github.createPullRequest("GhOrg", "app", 7, "Feature", "feature", SHA);
        github.labelIssue("GhOrg", "app", 7, "automerge");

        handle(new AutoMergeHandler(), ModuleId.AUTO_MERGE, labeled("app", 7));
        handle(new AutoMergeHandler(), ModuleId.AUTO_MERGE, labeled("app", 7));
        handle(new AutoMergeHandler(), ModuleId.AUTO_MERGE, labeled("app", 7));

        assertThat(github.requests(r -> r.is("POST", ".*/check-runs") || r.is("PATCH", ".*/check-runs/.*")
                || r.is("GET", ".*/check-runs") && r.query() != null && r.query().contains("check_name"))).hasSize(2);
    }

    @Test
    void report_status_false_writes_no_check() throws Exception {
        github.createPullRequest("GhOrg", "quiet", 7, "Feature", "feature", SHA);
        github.labelIssue("GhOrg", "quiet", 7, "automerge");

        handle(new AutoMergeHandler(), ModuleId.AUTO_MERGE, labeled("quiet", 7));

        assertThat(own(github, "GhOrg", "quiet", SHA)).isEmpty();
        assertThat(github.requests(r -> r.method().equals("POST") || r.method().equals("PATCH"))).isEmpty();
    }

    @Test
    void forgebus_own_pending_check_never_holds_back_a_merge_that_requires_every_reported_check() throws Exception {
        // Given no required checks (every reported check must be green) and a green test
        github.createPullRequest("GhOrg", "anychecks", 7, "Feature", "feature", SHA);
        github.labelIssue("GhOrg", "anychecks", 7, "automerge");
        github.addStatus("GhOrg", "anychecks", SHA, "test", "pending");
        handle(new AutoMergeHandler(), ModuleId.AUTO_MERGE, labeled("anychecks", 7));
        assertThat(own(github, "GhOrg", "anychecks", SHA)).singleElement()
                .satisfies(check -> assertThat(check.state()).isEqualTo("in_progress"));

        // When the test turns green, while forgebus/auto-merge still says waiting
        github.addStatus("GhOrg", "anychecks", SHA, "test", "success");
        handle(new AutoMergeHandler(), ModuleId.AUTO_MERGE, labeled("anychecks", 7));

        // Then it merges
        assertThat(github.merged("GhOrg", "anychecks", 7)).isTrue();
    }

    @Test
    void forgejo_gets_one_commit_status_context_per_module_replaced_when_the_text_changes() throws Exception {
        forgejo.createPullRequest("FjOrg", "app", 3, "Feature", "feature", SHA);
        forgejo.labelIssue("FjOrg", "app", 3, "automerge");
        forgejo.addStatus("FjOrg", "app", SHA, "test", "pending");
        EventEnvelope label = new EventEnvelope("fj", "forgejo", "d-fj", "pull_request_label", "label_updated", "FjOrg", "app",
                "alice", Instant.parse("2026-03-01T12:00:00Z"), List.of(),
                Json.read("{\"action\":\"label_updated\",\"number\":3,\"pull_request\":{\"number\":3}}".getBytes(), JsonNode.class));

        handle(new AutoMergeHandler(), ModuleId.AUTO_MERGE, label);
        forgejo.addStatus("FjOrg", "app", SHA, "test", "success");
        handle(new AutoMergeHandler(), ModuleId.AUTO_MERGE, label);

        assertThat(own(forgejo, "FjOrg", "app", SHA)).extracting(ShownCheck::kind, ShownCheck::name, ShownCheck::state,
                        ShownCheck::summary)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("status", "forgebus/auto-merge", "pending", "waiting for: test (pending)"),
                        org.assertj.core.groups.Tuple.tuple("status", "forgebus/auto-merge", "success", "merged (merge)"));
        assertThat(forgejo.merged("FjOrg", "app", 3)).isTrue();
    }

    @Test
    void a_released_pull_request_says_release_created_on_its_head() throws Exception {
        github.putFile("GhOrg", "lib", MERGE_SHA, "CHANGELOG.md", "# Changelog\n\n## [1.2.0] - 2026-03-01\n- faster\n");
        EventEnvelope merged = new EventEnvelope("gh", "github", "d-merged", "pull_request", "closed", "GhOrg", "lib", "alice",
                Instant.parse("2026-03-01T12:00:00Z"), List.of(), Json.read(("{\"action\":\"closed\",\"number\":9,"
                + "\"pull_request\":{\"number\":9,\"merged\":true,\"title\":\"Release\",\"merge_commit_sha\":\"" + MERGE_SHA
                + "\",\"head\":{\"sha\":\"" + SHA + "\"},\"labels\":[{\"name\":\"release\"}]}}").getBytes(), JsonNode.class));

        handle(new ReleaseHandler(), ModuleId.RELEASE, merged);

        assertThat(own(github, "GhOrg", "lib", SHA)).singleElement().satisfies(check -> {
            assertThat(check.name()).isEqualTo("forgebus/release");
            assertThat(check.state()).isEqualTo("success");
            assertThat(check.summary()).isEqualTo("release v1.2.0 created");
        });
    }
}
