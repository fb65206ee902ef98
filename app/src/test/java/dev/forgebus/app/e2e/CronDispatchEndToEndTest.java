package dev.forgebus.app.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

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
 * run completed; repo-b lacks the workflow, which is its outcome and does not stop repo-c. A second
 * job over nine repositories (fleet-a..fleet-i: one item, every poll a re-check) dispatches each in order after its predecessor's run completed
 * after a poll or two; fleet-b's run fails, which does not stop fleet-c or the rest.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CronDispatchEndToEndTest {
    private static final Duration WITHIN = Duration.ofSeconds(30);
    private static final List<String> FLEET = List.of("fleet-a", "fleet-b", "fleet-c", "fleet-d", "fleet-e", "fleet-f",
            "fleet-g", "fleet-h", "fleet-i");
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
        FLEET.forEach(repo -> github.createRepository("MyOrg", repo));
        String fleet = FLEET.reversed().stream().map(r -> "      " + r + ": {}\n").collect(Collectors.joining());
        String yaml = RunningForgebus.config(github.apiUrl().toString(), TriageEndToEndTest.freePort(), """
                cron_dispatch:
                  - { name: codeql, schedule: "0 2 29 2 *", workflow: codeql.yml, repos: ["MyOrg/repo-*"], wait_for_completion: true, run_timeout: 10m }
                  - { name: scan, schedule: "0 2 29 2 *", workflow: scan.yml, repos: ["MyOrg/fleet-*"], wait_for_completion: true, run_timeout: 10m }
                """).replace("""
                              app: {}
                        """, """
                              app: {}
                              repo-c: {}
                              repo-a: {}
                              repo-b: {}
                        """ + fleet);
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

    @Test
    void nine_repositories_are_dispatched_in_order_each_after_its_predecessor_completed_and_a_failed_run_does_not_stop_the_next()
            throws Exception {
        // When an operator runs the job
        HttpResponse<String> run = forgebus.admin("POST", "/admin/jobs/cron-dispatch:scan/run", null, RunningForgebus.ADMIN_TOKEN);
        assertThat(run.statusCode()).isEqualTo(202);
        String delivery = Json.MAPPER.readTree(run.body()).path("delivery").asText();

        // Then each repository in turn is dispatched once, and nothing after it is dispatched until its run completed:
        // every other run completes at once (seen at the first poll), the others after a first poll (seen at the second)
        for (int i = 0; i < FLEET.size(); i++) {
            String repo = FLEET.get(i);
            boolean afterAPoll = i % 2 == 1;
            await().atMost(WITHIN).until(() -> github.workflowDispatches("MyOrg", repo).size() == 1
                    && (!afterAPoll || !github.requests(r -> r.is("GET", "/repos/MyOrg/" + repo + "/actions/workflows/scan\\.yml/runs"))
                            .isEmpty()));
            assertThat(dispatchedFleet()).as("after %s was dispatched", repo).isEqualTo(FLEET.subList(0, i + 1));
            github.completeWorkflowRuns("MyOrg", repo, "scan.yml", repo.equals("fleet-b") ? "failure" : "success");
        }

        // and the tick's item is done with every repository's outcome counted: none skipped, none twice
        JsonNode outcome = awaitOutcome(delivery);
        assertThat(outcome.path("status").asText()).as(outcome.toString()).isEqualTo("DONE");
        assertThat(outcome.toString()).contains("9 repositories", "completed 8", "failed 1", "workflow missing 0", "timed out 0")
                .doesNotContain("re-check limit");
        assertThat(dispatchedFleet()).isEqualTo(FLEET);
    }

    private List<String> dispatchedFleet() {
        return github.requests(r -> r.is("POST", "/repos/MyOrg/fleet-[a-z]/actions/workflows/scan\\.yml/dispatches")).stream()
                .map(RecordedRequest::path).map(p -> p.split("/")[3]).toList();
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
