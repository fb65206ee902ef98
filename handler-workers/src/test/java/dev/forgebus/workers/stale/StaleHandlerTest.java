package dev.forgebus.workers.stale;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

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
import dev.forgebus.fakeforge.RecordedRequest;
import dev.forgebus.forge.CallGate;
import dev.forgebus.forge.DefaultForgeClients;
import dev.forgebus.forge.ForgeTransport;
import dev.forgebus.workers.Emitter;
import dev.forgebus.workers.HandlerServices;
import dev.forgebus.workers.MapProgressStore;
import dev.forgebus.workers.ProgressStore;
import dev.forgebus.workers.Result;
import dev.forgebus.workers.WorkItem;
import dev.forgebus.workers.settings.RepoSettingsSource;

/**
 * Issue 12 item 1 additions, against a fake GitHub through the real client: {@code sweep: all_repositories}
 * (Fleet), {@code dry_run} (Dry), the assignee and milestone exemptions (Fleet), and unmarking from a
 * comment webhook (MyOrg).
 */
class StaleHandlerTest {
    private static final Map<String, String> progress = new ConcurrentHashMap<>();
    private static FakeForge github;
    private static HandlerServices services;
    private final StaleHandler handler = new StaleHandler();

    @BeforeAll
    static void start() throws Exception {
        github = FakeForge.start(Flavor.GITHUB);
        ForgebusConfig config = ConfigLoader.parse("""
                forges:
                  gh: { type: github, api_url: "${GH}", token: t }
                orgs:
                  Fleet:
                    forge: gh
                    stale_management: { sweep: all_repositories, exempt_assignees: true, exempt_milestones: true, stale_comment: "" }
                    repositories:
                      quiet:
                        stale_management: { enabled: false }
                  Dry:
                    forge: gh
                    stale_management: { dry_run: true }
                    repositories: { app: {} }
                  MyOrg:
                    forge: gh
                    stale_management: {}
                    repositories: { app: {} }
                """, "forgebus.yml", Map.of("GH", github.apiUrl().toString())::get);
        DefaultForgeClients clients = new DefaultForgeClients(config, CallGate.OPEN,
                ForgeTransport.of(Duration.ofSeconds(2), Duration.ofSeconds(5), Clock.systemUTC()));
        ProgressStore store = new MapProgressStore(progress);
        services = new HandlerServices(clients, RepoSettingsSource.mainConfigOnly(config, clients), Emitter.NONE, module -> store)
                .forModule(ModuleId.STALE);
    }

    @AfterAll
    static void stop() {
        github.close();
    }

    @BeforeEach
    void reset() {
        github.reset();
        progress.clear();
    }

    @Test
    void sweep_all_repositories_sweeps_every_listed_repository_of_the_org_but_archived_ones_forks_and_disabled_ones() throws Exception {
        // Given four repositories on the forge, only "quiet" in the config (and disabled there)
        for (String repo : List.of("alpha", "attic", "forked", "quiet")) {
            github.createRepository("Fleet", repo, repo.equals("attic"), repo.equals("forked"));
            github.createIssue("Fleet", repo, 1, "old");
            github.setIssueUpdatedAt("Fleet", repo, 1, Instant.now().minus(Duration.ofDays(100)));
        }

        // When
        Result result = runToTheEnd("Fleet", "tick-1");

        // Then only alpha, which the file does not list, was marked (with the org's settings)
        assertThat(result).isInstanceOf(Result.Done.class);
        assertThat(((Result.Done) result).note()).contains("sweep finished: 1 marked");
        assertThat(github.labels("Fleet", "alpha", 1)).containsExactly("stale");
        for (String repo : List.of("attic", "forked", "quiet")) {
            assertThat(github.labels("Fleet", repo, 1)).as(repo).isEmpty();
        }
        assertThat(github.requests(r -> r.is("GET", "/orgs/Fleet/repos"))).hasSize(1);
        assertThat(progress).as("the stored list goes with the finished sweep").isEmpty();
    }

    @Test
    void a_resumed_sweep_walks_the_list_it_stored_without_listing_the_org_again() throws Exception {
        // Given
        for (String repo : List.of("a", "b")) {
            github.createRepository("Fleet", repo, false, false);
        }
        Result first = tick("Fleet", "tick-2", false);
        assertThat(first).isInstanceOf(Result.Done.class); // both empty: done in one item
        github.createRepository("Fleet", "c", false, false);

        // When the store still holds a sweep's list and cursor (as after a crash) and its re-check comes
        progress.put("stale:gh:Fleet/repos/0", "[\"a\",\"b\"]");
        progress.put("stale:gh:Fleet/repos", "{\"sweep\":\"tick-3\",\"chunks\":1}");
        progress.put("stale:gh:Fleet", new SweepCursor("tick-3", "b", 1).encode());
        int listingsBefore = github.requests(r -> r.is("GET", "/orgs/Fleet/repos")).size();
        Result resumed = tick("Fleet", "tick-3", true);

        // Then it finished its own list (b), not the forge's new one
        assertThat(resumed).isInstanceOf(Result.Done.class);
        assertThat(github.requests(r -> r.is("GET", "/orgs/Fleet/repos"))).hasSize(listingsBefore);
        assertThat(github.requests(r -> r.is("GET", "/repos/Fleet/c/issues"))).isEmpty();
    }

    @Test
    void assigned_items_and_items_in_a_milestone_are_exempt_as_the_listing_shows_them() throws Exception {
        // Given
        github.createRepository("Fleet", "alpha", false, false);
        for (int n = 1; n <= 3; n++) {
            github.createIssue("Fleet", "alpha", n, "old " + n);
            github.setIssueUpdatedAt("Fleet", "alpha", n, Instant.now().minus(Duration.ofDays(100)));
        }
        github.assignIssue("Fleet", "alpha", 1, "octocat");
        github.milestoneIssue("Fleet", "alpha", 2);

        // When
        runToTheEnd("Fleet", "tick-4");

        // Then
        assertThat(github.labels("Fleet", "alpha", 1)).isEmpty();
        assertThat(github.labels("Fleet", "alpha", 2)).isEmpty();
        assertThat(github.labels("Fleet", "alpha", 3)).containsExactly("stale");
    }

    @Test
    void a_dry_run_reads_and_decides_but_writes_nothing_and_its_note_lists_what_it_would_do() throws Exception {
        // Given 3 idle issues and one stale for long
        for (int n = 1; n <= 4; n++) {
            github.createIssue("Dry", "app", n, "old " + n);
        }
        github.labelIssue("Dry", "app", 4, "stale");
        for (int n = 1; n <= 4; n++) {
            github.setIssueUpdatedAt("Dry", "app", n, Instant.now().minus(Duration.ofDays(100)));
        }

        // When
        Result result = runToTheEnd("Dry", "tick-5");

        // Then
        assertThat(github.requests(RecordedRequest::isWrite)).isEmpty();
        assertThat(((Result.Done) result).note())
                .contains("0 marked, 0 closed, 0 unmarked")
                .contains("dry run, not written: would mark 3 (app#")
                .contains("would close 1 (app#4)");
    }

    @Test
    void a_comment_webhook_on_a_stale_item_removes_the_label_once() throws Exception {
        // Given
        github.createIssue("MyOrg", "app", 7, "old");
        github.labelIssue("MyOrg", "app", 7, "stale");

        // When the comment arrives twice (a redelivery)
        Result first = comment("MyOrg", "app", 7);
        Result second = comment("MyOrg", "app", 7);

        // Then one DELETE, and the second found nothing to do
        assertThat(github.labels("MyOrg", "app", 7)).isEmpty();
        assertThat(github.requests(r -> r.is("DELETE", "/repos/MyOrg/app/issues/7/labels/stale"))).hasSize(1);
        assertThat(((Result.Done) first).note()).isEqualTo("unmarked #7 after issue_comment.created");
        assertThat(((Result.Done) second).note()).contains("not labelled stale");
    }

    private Result runToTheEnd(String org, String sweep) throws Exception {
        Result result = tick(org, sweep, false);
        for (int i = 0; i < 20 && result instanceof Result.RecheckAfter; i++) {
            result = tick(org, sweep, true);
        }
        return result;
    }

    private Result tick(String org, String delivery, boolean recheck) throws Exception {
        EventEnvelope envelope = new EventEnvelope("scheduler", "scheduler", delivery, "schedule", "", org, "", "",
                Instant.now(), List.of(), Json.MAPPER.readTree("""
                        {"job":"stale:gh:%s","module":"stale","forge":"gh","org":"%s"}""".formatted(org, org)));
        WorkItem item = new WorkItem(envelope, 1, Optional.empty(), recheck, recheck ? 1 : 0);
        return handler.handle(item, services.contextFor(envelope, Clock.systemUTC()));
    }

    private Result comment(String org, String repo, long number) throws Exception {
        EventEnvelope envelope = new EventEnvelope("gh", "github", "c-" + number, "issue_comment", "created", org, repo,
                "octocat", Instant.now(), List.of(), Json.MAPPER.readTree("""
                        {"action":"created","issue":{"number":%d,"labels":[{"name":"stale"}]},"comment":{"body":"still here"}}"""
                        .formatted(number)));
        return handler.handle(WorkItem.first(envelope), services.contextFor(envelope, Clock.systemUTC()));
    }
}
