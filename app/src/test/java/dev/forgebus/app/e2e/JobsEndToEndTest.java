package dev.forgebus.app.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import dev.forgebus.app.Main;
import dev.forgebus.common.event.Json;

/**
 * Manual job runs (issue 10): {@code POST /admin/jobs/{name}/run} and {@code forgebus jobs run NAME}
 * publish a {@code manual:} tick that dedup routes to the job's module and the trace shows.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JobsEndToEndTest {
    private static final Duration WITHIN = Duration.ofSeconds(60);
    private static final String JOBS = """
            cron_dispatch:
              - { name: codeql, schedule: "0 2 * * 1", time_zone: Europe/Berlin, workflow: codeql.yml, repos: ["MyOrg/*"] }
            """;

    @TempDir
    static Path dir;
    private RunningForgebus forgebus;
    private Path configFile;

    @BeforeAll
    void start() throws Exception {
        String yaml = RunningForgebus.config("http://127.0.0.1:9", TriageEndToEndTest.freePort(), JOBS);
        configFile = Files.writeString(dir.resolve("forgebus.yml"), yaml);
        forgebus = new RunningForgebus(yaml, dir.resolve("data"));
    }

    @AfterAll
    void stop() throws Exception {
        forgebus.close();
    }

    @Test
    void admin_lists_the_jobs_and_a_manual_run_is_routed_to_the_jobs_module_and_traced() throws Exception {
        // Given the running process with one cron_dispatch job
        JsonNode jobs = forgebus.adminJson("GET", "/admin/jobs", null);
        assertThat(jobs.path("jobs")).singleElement().satisfies(job -> {
            assertThat(job.path("name").asText()).isEqualTo("cron-dispatch:codeql");
            assertThat(job.path("module").asText()).isEqualTo("cron-dispatch");
            assertThat(job.path("time_zone").asText()).isEqualTo("Europe/Berlin");
        });

        // When an operator runs it
        HttpResponse<String> run = forgebus.admin("POST", "/admin/jobs/cron-dispatch:codeql/run", null, RunningForgebus.ADMIN_TOKEN);

        // Then 202 with a manual: id, and the trace shows it routed to cron-dispatch only
        assertThat(run.statusCode()).isEqualTo(202);
        String delivery = Json.MAPPER.readTree(run.body()).path("delivery").asText();
        assertThat(delivery).startsWith("manual:cron-dispatch:codeql@");
        assertRoutedToCronDispatch(delivery);
    }

    @Test
    void admin_refuses_an_unknown_job_a_body_with_fields_and_a_missing_token() throws Exception {
        assertThat(forgebus.admin("POST", "/admin/jobs/cron-dispatch:nope/run", null, RunningForgebus.ADMIN_TOKEN).statusCode()).isEqualTo(404);
        assertThat(forgebus.admin("POST", "/admin/jobs/cron-dispatch:codeql/run", "{\"at\":\"now\"}", RunningForgebus.ADMIN_TOKEN)
                .statusCode()).isEqualTo(400);
        assertThat(forgebus.admin("POST", "/admin/jobs/cron-dispatch:codeql/run", "{}", RunningForgebus.ADMIN_TOKEN).statusCode())
                .isEqualTo(202);
        assertThat(forgebus.admin("GET", "/admin/jobs", null, null).statusCode()).isEqualTo(401);
    }

    @Test
    void jobs_run_on_the_command_line_fires_now_and_prints_the_delivery_id() throws Exception {
        // When
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true),
                "jobs", "run", "cron-dispatch:codeql", "--config", configFile.toString());

        // Then
        assertThat(exit).as(err.toString()).isZero();
        String delivery = out.toString().strip();
        assertThat(delivery).startsWith("manual:cron-dispatch:codeql@");
        assertRoutedToCronDispatch(delivery);
    }

    @Test
    void jobs_list_prints_each_job_and_jobs_run_of_an_unknown_job_exits_2_with_one_line() {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        assertThat(Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), "jobs", "list", "--config", configFile.toString()))
                .isZero();
        assertThat(out.toString()).contains("cron-dispatch:codeql").contains("0 2 * * 1").contains("Europe/Berlin").contains("1 job(s)");

        StringWriter err2 = new StringWriter();
        int exit = Main.execute(new PrintWriter(new StringWriter(), true), new PrintWriter(err2, true),
                "jobs", "run", "nope", "--config", configFile.toString());
        assertThat(exit).isEqualTo(2);
        assertThat(err2.toString().strip()).isEqualTo("forgebus: no scheduled job 'nope' (forgebus jobs list shows them)");
    }

    private void assertRoutedToCronDispatch(String delivery) {
        await().atMost(WITHIN).untilAsserted(() -> {
            JsonNode trace = forgebus.adminJson("GET", "/admin/deliveries/" + delivery, null);
            assertThat(trace.path("forge").asText()).isEqualTo("scheduler");
            JsonNode routes = trace.path("sightings").path(0).path("routes");
            assertThat(routes.findValues("module")).isNotEmpty();
            for (JsonNode route : routes) {
                assertThat(route.path("routed").asBoolean()).as(route.toString()).isEqualTo(route.path("module").asText().equals("cron-dispatch"));
            }
        });
    }
}
