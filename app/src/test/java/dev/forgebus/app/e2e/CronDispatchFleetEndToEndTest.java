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
 * Sequential cron dispatch over a fleet (SPEC 7.5, issue 12): a manual run of a job with
 * {@code wait_for_completion} over nine repositories dispatches each one, in order, after the
 * previous run completed after a poll or two; repo-b's run fails, which is its outcome and does not stop
 * repo-c or the rest. Every poll is a re-check of the tick's one item.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CronDispatchFleetEndToEndTest {
    private static final Duration WITHIN = Duration.ofSeconds(30);
    private static final List<String> FLEET = List.of("repo-a", "repo-b", "repo-c", "repo-d", "repo-e", "repo-f", "repo-g", "repo-h",
            "repo-i");

    @TempDir
    static Path dir;
    private FakeForge github;
    private RunningForgebus forgebus;

    @BeforeAll
    void start() throws Exception {
        // Fires on 29 February only, so the manual run is the only tick (see CronDispatchEndToEndTest).
        github = FakeForge.start(FakeForge.Flavor.GITHUB);
        github.nameToken("e2e-forge-token", "forge");
        FLEET.forEach(repo -> github.createRepository("MyOrg", repo));
        String repositories = FLEET.reversed().stream().map(r -> "      " + r + ": {}\n").collect(Collectors.joining());
        String yaml = RunningForgebus.config(github.apiUrl().toString(), TriageEndToEndTest.freePort(), """
                cron_dispatch:
                  - { name: codeql, schedule: "0 2 29 2 *", workflow: codeql.yml, repos: ["MyOrg/repo-*"], wait_for_completion: true, run_timeout: 10m }
                """).replace("""
                              app: {}
                        """, """
                              app: {}
                        """ + repositories);
        forgebus = new RunningForgebus(yaml, dir.resolve("data"));
    }

    @AfterAll
    void stop() throws Exception {
        forgebus.close();
        github.close();
    }

    @Test
    void nine_repositories_are_dispatched_in_order_each_after_its_predecessor_completed_and_a_failed_run_does_not_stop_the_next()
            throws Exception {
        // When an operator runs the job
        HttpResponse<String> run = forgebus.admin("POST", "/admin/jobs/cron-dispatch:codeql/run", null, RunningForgebus.ADMIN_TOKEN);
        assertThat(run.statusCode()).isEqualTo(202);
        String delivery = Json.MAPPER.readTree(run.body()).path("delivery").asText();

        // Then each repository in turn is dispatched once, and nothing after it is dispatched until its run completed:
        // every other run completes at once (seen at the first poll), the others after a first poll (seen at the second)
        for (int i = 0; i < FLEET.size(); i++) {
            String repo = FLEET.get(i);
            boolean afterAPoll = i % 2 == 1;
            await().atMost(WITHIN).until(() -> github.workflowDispatches("MyOrg", repo).size() == 1
                    && (!afterAPoll || !github.requests(r -> r.is("GET", "/repos/MyOrg/" + repo + "/actions/workflows/codeql\\.yml/runs"))
                            .isEmpty()));
            assertThat(dispatchedRepos()).as("after %s was dispatched", repo).isEqualTo(FLEET.subList(0, i + 1));
            github.completeWorkflowRuns("MyOrg", repo, "codeql.yml", repo.equals("repo-b") ? "failure" : "success");
        }

        // and the tick's item is done with every repository's outcome counted: none skipped, none twice
        JsonNode outcome = awaitOutcome(delivery);
        assertThat(outcome.path("status").asText()).as(outcome.toString()).isEqualTo("DONE");
        assertThat(outcome.toString()).contains("9 repositories", "completed 8", "failed 1", "workflow missing 0", "timed out 0")
                .doesNotContain("re-check limit");
        assertThat(dispatchedRepos()).isEqualTo(FLEET);
    }

    private List<String> dispatchedRepos() {
        return github.requests(r -> r.is("POST", "/repos/MyOrg/repo-[a-z]/actions/workflows/codeql\\.yml/dispatches")).stream()
                .map(RecordedRequest::path).map(p -> p.split("/")[3]).toList();
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
