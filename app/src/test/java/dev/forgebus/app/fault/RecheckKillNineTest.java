package dev.forgebus.app.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.forgebus.app.welcome.WelcomeForgebusMain;
import dev.forgebus.fakeforge.FakeForge;

/**
 * Issue 10: a re-check survives a kill -9 of {@code run} and fires once. {@code forgebus run} with
 * the test module registered ({@link WelcomeForgebusMain}) runs as a separate JVM; an opened issue
 * asks for a re-check after 20 s; the process is killed while the item waits in its retry tier,
 * started again on the same data directory, and the welcome comment is made exactly once, by the
 * second process.
 */
class RecheckKillNineTest {
    private static final String SECRET = "kill-nine-secret";
    private static final Duration READY_WITHIN = Duration.ofSeconds(120);

    @TempDir
    Path dir;
    private final List<Process> processes = new ArrayList<>();
    private final HttpClient http = HttpClient.newHttpClient();
    private FakeForge forge;

    @AfterEach
    void stop() throws InterruptedException {
        for (Process p : processes) {
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
        }
        if (forge != null) {
            forge.close();
        }
    }

    @Test
    void a_parked_recheck_survives_a_kill_nine_of_run_and_fires_once() throws Exception {
        forge = FakeForge.start(FakeForge.Flavor.GITHUB);
        forge.createIssue("MyOrg", "app", 1, "Crash on start");
        int port = FaultRun.freePort();
        int managementPort = FaultRun.freePort();
        Path config = dir.resolve("forgebus.yml");
        Files.writeString(config, """
                server: { port: %d }
                management: { port: %d }
                kafka: { bootstrap_servers: "", embedded: { port: %d }, partitions: 2 }
                workers: { max_attempts: 3, backoff: [1s, 2s] }
                forges:
                  github: { type: github, api_url: "%s", token: t, webhook_secret: %s }
                orgs:
                  MyOrg:
                    forge: github
                    welcome: { message: "Welcome!", delay: 20s }
                """.formatted(port, managementPort, FaultRun.freePort(), forge.apiUrl(), SECRET));

        Process first = start("first", config);
        awaitReady(first, managementPort);
        assertThat(deliver(port, "{\"action\":\"opened\",\"issue\":{\"number\":1,\"title\":\"Crash on start\"},"
                + "\"repository\":{\"name\":\"app\",\"owner\":{\"login\":\"MyOrg\"}},\"sender\":{\"login\":\"octocat\"}}"))
                .isEqualTo(202);
        // Parked: the handler asked for its re-check and the item waits in the retry tier.
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> metrics(managementPort).contains("forgebus_worker_rechecks_total{module=\"welcome\"} 1.0"));

        first.destroyForcibly();
        assertThat(first.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(forge.comments("MyOrg", "app", 1)).as("nothing commented before the kill").isEmpty();

        Process second = start("second", config);
        awaitReady(second, managementPort);
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250))
                .until(() -> !forge.comments("MyOrg", "app", 1).isEmpty());
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .until(() -> metrics(managementPort).contains("forgebus_worker_processed_total{module=\"welcome\",outcome=\"done\"}"));
        assertThat(forge.comments("MyOrg", "app", 1)).containsExactly("Welcome!");
        assertThat(forge.requests(r -> r.method().equals("POST") && r.path().endsWith("/issues/1/comments")))
                .as("one comment was posted: the re-check fired once").hasSize(1);
    }

    private Process start(String name, Path config) throws IOException {
        Path log = dir.resolve(name + ".log");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                "-cp", System.getProperty("java.class.path"), WelcomeForgebusMain.class.getName(),
                "run", "--config", config.toString(), "--data-dir", dir.resolve("data").toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        processes.add(p);
        return p;
    }

    private void awaitReady(Process p, int managementPort) {
        await().atMost(READY_WITHIN).pollInterval(Duration.ofMillis(250)).until(() -> {
            assertThat(p.isAlive()).as("process alive").isTrue();
            try {
                return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + "/ready")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
            } catch (IOException notYet) {
                return false;
            }
        });
    }

    private String metrics(int managementPort) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private int deliver(int port, String json) throws Exception {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/webhooks/github"))
                .header("Content-Type", "application/json").header("X-GitHub-Event", "issues")
                .header("X-GitHub-Delivery", UUID.randomUUID().toString())
                .header("X-Hub-Signature-256", "sha256=" + HexFormat.of().formatHex(mac.doFinal(body)))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
