package dev.forgebus.app.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;

import dev.forgebus.app.Main;
import dev.forgebus.common.event.Json;
import dev.forgebus.fakeforge.FakeForge;
import dev.forgebus.fakeforge.FakeReceivers;
import dev.forgebus.fakeforge.RecordedRequest;

/**
 * Health monitor (issue 12 item 3) on {@code run}: ticks fired with {@code forgebus jobs run}
 * probe a target that goes up → down → up; one issue opens and is closed, the file sink holds the
 * two changes, and a restart while down does not open a second issue.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HealthMonitorEndToEndTest {
    private static final Duration WITHIN = Duration.ofSeconds(30);
    private static final String JOB = "health-monitor:api";

    @TempDir
    static Path dir;
    private FakeForge forge;
    private HttpServer target;
    private final AtomicInteger status = new AtomicInteger(200);
    private RunningForgebus forgebus;
    private Path configFile;
    private Path sinkFile;
    private FakeReceivers receivers;

    @BeforeAll
    void start() throws Exception {
        forge = FakeForge.start(FakeForge.Flavor.GITHUB);
        forge.createRepository("MyOrg", "ops");
        target = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        target.createContext("/health", ex -> {
            byte[] body = "{\"status\":\"ok\"}".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(status.get(), body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        });
        target.start();
        sinkFile = dir.resolve("probes.jsonl");
        receivers = FakeReceivers.start();
        String probes = """
                health_monitor:
                  - name: api
                    url: "http://127.0.0.1:%d/health"
                    every: 1h
                    timeout: 2s
                    expect_body_contains: ok
                    sinks: [stdout, { file: "%s" }, { github_issue: MyOrg/ops }, { webhook: "%s" }]
                """.formatted(target.getAddress().getPort(), sinkFile, receivers.url("hooks/probes"));
        String yaml = RunningForgebus.config(forge.apiUrl().toString(), TriageEndToEndTest.freePort(), probes);
        configFile = Files.writeString(dir.resolve("forgebus.yml"), yaml);
        forgebus = new RunningForgebus(yaml, dir.resolve("data"));
    }

    @AfterAll
    void stop() throws Exception {
        forgebus.close();
        target.stop(0);
        forge.close();
        receivers.close();
    }

    @Test
    void up_down_up_opens_one_issue_closes_it_and_a_restart_while_down_opens_no_second_one() throws Exception {
        // Given the target up: a tick changes nothing
        runTick();
        assertThat(issuesOpened()).isEmpty();

        // When it fails twice in a row
        status.set(503);
        runTick();
        assertThat(issuesOpened()).as("one failure is a blip").isEmpty();
        runTick();

        // Then one issue is opened with the failure and the marker
        assertThat(issuesOpened()).singleElement().satisfies(r -> assertThat(r.body())
                .contains("<!-- forgebus:health-monitor:api -->").contains("status 503, expected 200"));
        long issue = 1; // the first issue of a new repository on the fake forge
        assertThat(forge.issueTitle("MyOrg", "ops", issue)).isEqualTo("[health-monitor] api is down");
        assertThat(forge.issueState("MyOrg", "ops", issue)).isEqualTo("open");
        assertThat(Files.readAllLines(sinkFile)).singleElement().satisfies(l -> assertThat(json(l).path("state").asText()).isEqualTo("down"));
        assertThat(receivers.accepted("hooks/probes")).singleElement().satisfies(r -> {
            assertThat(json(r.body()).path("state").asText()).isEqualTo("down");
            assertThat(json(r.body()).path("detail").asText()).contains("status 503, expected 200");
            assertThat(r.header("Content-Type")).isEqualTo("application/json");
        });

        // When the process restarts while the target is still down, and the next tick fails again
        forgebus.close();
        forgebus = new RunningForgebus(forgebus.yaml, dir.resolve("data"));
        runTick();

        // Then no second issue, and the webhook heard nothing while it stayed down
        assertThat(issuesOpened()).hasSize(1);
        assertThat(receivers.received("hooks/probes")).hasSize(1);

        // When the target is back
        status.set(200);
        runTick();

        // Then the issue is commented and closed, and the file holds exactly the two changes
        assertThat(forge.issueState("MyOrg", "ops", issue)).isEqualTo("closed");
        assertThat(forge.comments("MyOrg", "ops", issue)).singleElement().satisfies(c -> assertThat(c).contains("up again"));
        assertThat(issuesOpened()).hasSize(1);
        List<JsonNode> lines = Files.readAllLines(sinkFile).stream().map(HealthMonitorEndToEndTest::json).toList();
        assertThat(lines).extracting(l -> l.path("state").asText()).containsExactly("down", "up");
        assertThat(lines).allSatisfy(l -> assertThat(l.path("probe").asText()).isEqualTo("api"));
        assertThat(receivers.received("hooks/probes")).extracting(r -> json(r.body()).path("state").asText()).containsExactly("down", "up");
    }

    /** {@code forgebus jobs run health-monitor:api}, then waits until the monitor finished that tick. */
    private void runTick() throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), "jobs", "run", JOB, "--config",
                configFile.toString());
        assertThat(exit).as(err.toString()).isZero();
        String delivery = out.toString().strip();
        await().atMost(WITHIN).untilAsserted(() -> {
            JsonNode trace = forgebus.adminJson("GET", "/admin/deliveries/" + delivery, null);
            assertThat(trace.path("outcomes").findValuesAsText("module")).contains("health-monitor");
            for (JsonNode o : trace.path("outcomes")) {
                if (o.path("module").asText().equals("health-monitor")) {
                    assertThat(o.path("status").asText()).as(o.toString()).isEqualTo("DONE");
                }
            }
        });
    }

    private List<RecordedRequest> issuesOpened() {
        return forge.requests(r -> r.method().equals("POST") && r.path().endsWith("/repos/MyOrg/ops/issues"));
    }

    private static JsonNode json(String line) {
        try {
            return Json.MAPPER.readTree(line);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
