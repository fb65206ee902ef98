package dev.forgebus.app.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import dev.forgebus.common.event.Json;
import dev.forgebus.fakeforge.FakeForge;
import dev.forgebus.fakeforge.RecordedRequest;

/**
 * Sequential cron dispatch (SPEC 7.5, issue 12): a manual run of a {@code cron_dispatch} job with
 * {@code wait_for_completion} dispatches repo-a, repo-b, repo-c in order, each after the previous
 * run completed; repo-b lacks the workflow, which is its outcome and does not stop repo-c.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CronDispatchEndToEndTest {
    private static final Duration WITHIN = Duration.ofSeconds(30);
    private static final String DISPATCHES = "/repos/MyOrg/repo-[abc]/actions/workflows/codeql\\.yml/dispatches";

    @TempDir
    static Path dir;
    private FakeForge github;
    private RunningForgebus forgebus;

    @BeforeAll
    void start() throws Exception {
        // Fires on 29 February only: its latest slot is older than the dedup retention, so the scheduler's
        // start-up catch-up does not fire it and the manual run is the only tick.
        github = FakeForge.start(FakeForge.Flavor.GITHUB);
        github.nameToken("e2e-forge-token", "forge");
        for (String repo : List.of("repo-a", "repo-b", "repo-c")) {
            github.createRepository("MyOrg", repo);
        }
        github.removeWorkflow("MyOrg", "repo-b", "codeql.yml");
        String yaml = RunningForgebus.config(github.apiUrl().toString(), TriageEndToEndTest.freePort(), """
                cron_dispatch:
                  - { name: codeql, schedule: "0 2 29 2 *", workflow: codeql.yml, repos: ["MyOrg/repo-*"], wait_for_completion: true, run_timeout: 10m }
                """).replace("""
                              app: {}
                        """, """
                              app: {}
                              repo-c: {}
                              repo-a: {}
                              repo-b: {}
                        """);
        forgebus = new RunningForgebus(yaml, dir.resolve("data"));
    }

    @AfterAll
    void stop() throws Exception {
        forgebus.close();
        github.close();
    }

    @Test
    void a_run_dispatches_each_repository_after_the_previous_run_completed_and_a_missing_workflow_does_not_stop_the_next()
            throws Exception {
        // When an operator runs the job
        HttpResponse<String> run = forgebus.admin("POST", "/admin/jobs/cron-dispatch:codeql/run", null, RunningForgebus.ADMIN_TOKEN);
        assertThat(run.statusCode()).isEqualTo(202);
        String delivery = Json.MAPPER.readTree(run.body()).path("delivery").asText();

        // Then repo-a is dispatched on its default branch, and nothing else while its run goes on (polled twice at least)
        await().atMost(WITHIN).until(() -> github.workflowDispatches("MyOrg", "repo-a").size() == 1);
        assertThat(github.workflowDispatches("MyOrg", "repo-a").get(0).ref()).isEqualTo("main");
        await().atMost(WITHIN).until(() -> github.requests(r -> r.is("GET", "/repos/MyOrg/repo-a/actions/workflows/codeql\\.yml/runs"))
                .size() >= 2);
        assertThat(dispatchPaths()).containsExactly("/repos/MyOrg/repo-a/actions/workflows/codeql.yml/dispatches");

        // When repo-a's run completes, then repo-b's dispatch is refused (no workflow) and repo-c is dispatched
        github.completeWorkflowRuns("MyOrg", "repo-a", "codeql.yml", "success");
        await().atMost(WITHIN).until(() -> github.workflowDispatches("MyOrg", "repo-c").size() == 1);
        assertThat(dispatchPaths()).containsExactly(
                "/repos/MyOrg/repo-a/actions/workflows/codeql.yml/dispatches",
                "/repos/MyOrg/repo-b/actions/workflows/codeql.yml/dispatches",
                "/repos/MyOrg/repo-c/actions/workflows/codeql.yml/dispatches");
        assertThat(github.workflowDispatches("MyOrg", "repo-b")).isEmpty();

        // When repo-c's run completes, the tick's item is done with each repository's outcome counted
        github.completeWorkflowRuns("MyOrg", "repo-c", "codeql.yml", "failure");
        JsonNode outcome = awaitOutcome(delivery);
        assertThat(outcome.path("status").asText()).as(outcome.toString()).isEqualTo("DONE");
        assertThat(outcome.toString()).contains("3 repositories", "completed 1", "failed 1", "workflow missing 1", "timed out 0");
        assertThat(github.workflowDispatches("MyOrg", "repo-a")).hasSize(1);
        assertThat(github.workflowDispatches("MyOrg", "repo-c")).hasSize(1);
    }

    private List<String> dispatchPaths() {
        return github.requests(r -> r.is("POST", DISPATCHES)).stream().map(RecordedRequest::path).toList();
    }

    private JsonNode awaitOutcome(String delivery) {
        JsonNode[] found = new JsonNode[1];
        await().atMost(WITHIN).until(() -> {
            for (JsonNode outcome : forgebus.adminJson("GET", "/admin/deliveries/" + delivery, null).path("outcomes")) {
                if (outcome.path("module").asText().equals("cron-dispatch")) {
                    found[0] = outcome;
                    return true;
                }
            }
            return false;
        });
        return found[0];
    }
}
