package dev.forgebus.app.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import dev.forgebus.common.event.Json;
import dev.forgebus.broker.BrokerSettings;
import dev.forgebus.broker.EmbeddedKafkaBroker;
import dev.forgebus.fakeforge.FakeForge;
import dev.forgebus.fakeforge.RecordedRequest;

/**
 * Issue 12, stale cleanup at fleet scale, against a fake forge that enforces GitHub's secondary
 * limit of 80 content-creating calls a rolling minute ({@link FakeForge#enforceWritesPerMinute}):
 *
 * <ul>
 *   <li>a 500-issue org (5 repositories of 100, pages of 25) with 100 idle issues, swept by a
 *       manual run of {@code forgebus run} (a separate JVM, writes paced to 80 a minute), killed
 *       with SIGKILL after about half the labels landed and started again on the same data
 *       directory: every idle issue is labelled by exactly one request, no active one is
 *       touched, the forge never refused a write, and the sweep ends with its DONE outcome;</li>
 *   <li>two {@code forgebus scheduler} processes that both publish the latest past slot of the
 *       stale job at start, with {@code dedup} and {@code workers} processes on a broker in this
 *       JVM: dedup routes the slot once and drops the other as a duplicate, one sweep labels each
 *       idle issue once.</li>
 * </ul>
 */
class StaleFleetFaultTest {
    private static final String ADMIN_TOKEN = "stale-fleet-admin-token";
    private static final String ORG = "MyOrg";
    private static final String JOB = "stale:github:" + ORG;
    private static final List<String> REPOS = List.of("app", "web", "api", "cli", "docs");
    private static final int ISSUES_PER_REPO = 100;
    private static final int WRITES_PER_MINUTE = 80;
    private static final Duration READY_WITHIN = Duration.ofSeconds(150);

    @TempDir
    Path dir;
    private final List<Process> processes = new ArrayList<>();
    private final Map<Process, Path> logs = new java.util.LinkedHashMap<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private FakeForge forge;
    private EmbeddedKafkaBroker broker;

    @AfterEach
    void stop() throws InterruptedException {
        for (Process p : processes) {
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
        }
        if (forge != null) {
            forge.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void a_500_issue_sweep_killed_halfway_labels_every_idle_issue_once_within_80_writes_a_minute_and_finishes()
            throws Exception {
        // Given 5 repositories of 100 open issues, every fifth idle for 100 days (100 in all), pages of 25
        startForge(REPOS);
        int port = FaultRun.freePort();
        // The daily slot was 12 h ago, outside the 1 h dedup retention: the scheduler inside run fires nothing at start.
        ZonedDateTime slot = Instant.now().atZone(ZoneOffset.UTC).minusHours(12);
        Path config = writeConfig("run.yml", port,
                "{ bootstrap_servers: \"\", embedded: { port: " + FaultRun.freePort() + " }, partitions: 2 }",
                slot.getMinute() + " " + slot.getHour() + " * * *", REPOS);
        String data = dir.resolve("data").toString();
        Process first = start("run-0", "run", "--config", config.toString(), "--data-dir", data);
        awaitReady(port, first);

        // When the job runs and the process is killed after about half the labels
        long started = System.nanoTime();
        String delivery = runJob(port);
        await("half the labels").atMost(Duration.ofSeconds(150)).pollInterval(Duration.ofMillis(100))
                .until(() -> labelPosts() >= idleIssues().size() / 2);
        FaultRun.kill(first);
        long atKill = labelPosts();
        System.out.printf("StaleFleetFaultTest: killed at %d label writes, %.1f s after the run%n", atKill,
                (System.nanoTime() - started) / 1e9);
        Process second = start("run-1", "run", "--config", config.toString(), "--data-dir", data);
        awaitReady(port, second);

        // Then the sweep resumes by itself and finishes
        await("every idle issue labelled").atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    assertThat(second.isAlive()).as("run-1 alive").isTrue();
                    return idleIssues().stream().allMatch(i -> forge.labels(ORG, i.repo(), i.number()).contains("stale"));
                });
        await("the sweep's DONE outcome").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .until(() -> trace(port, delivery).toString().contains("sweep finished"));
        System.out.printf("StaleFleetFaultTest: %d label writes, %d requests in all, %.1f s from run to DONE%n",
                labelPosts(), forge.requests().size(), (System.nanoTime() - started) / 1e9);
        assertThat(atKill).as("labels landed before the kill").isLessThan(idleIssues().size());
        assertThat(trace(port, delivery).toString()).contains("DONE");
        assertEachIdleIssueLabelledOnceAndNothingElseWritten();
    }

    @Test
    void two_scheduler_processes_publishing_the_same_slot_make_one_sweep() throws Exception {
        // Given the 500-issue org (100 idle: more writes than a minute's budget, in one stretch), a broker
        // here, dedup and workers processes
        List<String> repos = REPOS;
        startForge(repos);
        broker = EmbeddedKafkaBroker.start(new BrokerSettings(dir.resolve("kafka"), FaultRun.freePort(), 0,
                BrokerSettings.DEFAULT_MAX_MESSAGE_BYTES, Map.of()));
        String kafka = "{ bootstrap_servers: \"" + broker.bootstrapServers() + "\", partitions: 2 }";
        // The daily slot was 2 h ago, inside the default 7 d retention: each scheduler publishes it at start.
        Instant slot = Instant.now().truncatedTo(ChronoUnit.MINUTES).minus(Duration.ofHours(2));
        ZonedDateTime at = slot.atZone(ZoneOffset.UTC);
        String cron = at.getMinute() + " " + at.getHour() + " * * *";
        int dedupPort = FaultRun.freePort();
        int workersPort = FaultRun.freePort();
        Process dedup = start("dedup", "dedup", "--config", writeConfig("dedup.yml", dedupPort, kafka, cron, repos).toString(),
                "--data-dir", dir.resolve("dedup-data").toString());
        Process workers = start("workers", "workers", "--config", writeConfig("workers.yml", workersPort, kafka, cron, repos).toString());
        awaitReady(dedupPort, dedup);
        awaitReady(workersPort, workers);

        // When two scheduler processes start
        List<Integer> schedulerPorts = List.of(FaultRun.freePort(), FaultRun.freePort());
        List<Process> schedulers = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            schedulers.add(start("scheduler-" + i, "scheduler", "--config",
                    writeConfig("scheduler-" + i + ".yml", schedulerPorts.get(i), kafka, cron, repos).toString()));
        }
        for (int i = 0; i < 2; i++) {
            awaitReady(schedulerPorts.get(i), schedulers.get(i));
        }

        // Then dedup saw the slot twice, routed it once, and the one sweep finished
        String delivery = "cron:" + JOB + "@" + slot;
        await("the slot seen twice and the sweep finished").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> {
                    JsonNode trace = trace(workersPort, delivery);
                    assertThat(trace.path("sightings").size()).as("%s", trace).isEqualTo(2);
                    assertThat(trace.toString()).contains("sweep finished");
                });
        JsonNode sightings = trace(workersPort, delivery).path("sightings");
        System.out.println("StaleFleetFaultTest: trace of " + delivery + ": " + trace(workersPort, delivery));
        assertThat(List.of(sightings.get(0).path("duplicate").asBoolean(), sightings.get(1).path("duplicate").asBoolean()))
                .as("one sighting routed, one dropped as a duplicate").containsExactlyInAnyOrder(false, true);
        assertEachIdleIssueLabelledOnceAndNothingElseWritten();
    }

    // ---- the fleet ----

    private record Issue(String repo, int number) {
    }

    private List<String> repos = List.of();

    private void startForge(List<String> repos) {
        this.repos = repos;
        forge = FakeForge.start(FakeForge.Flavor.GITHUB);
        forge.rateLimit(1_000_000); // reads must not bind: the write limit is what this is about
        forge.enforceWritesPerMinute(WRITES_PER_MINUTE);
        forge.maxPageSize(25);
        Instant now = Instant.now();
        for (String repo : repos) {
            for (int n = 1; n <= ISSUES_PER_REPO; n++) {
                forge.createIssue(ORG, repo, n, repo + " issue " + n);
                forge.setIssueUpdatedAt(ORG, repo, n, now.minus(Duration.ofDays(n % 5 == 0 ? 100 + n : 10)));
            }
        }
    }

    private List<Issue> idleIssues() {
        List<Issue> idle = new ArrayList<>();
        for (String repo : repos) {
            for (int n = 5; n <= ISSUES_PER_REPO; n += 5) {
                idle.add(new Issue(repo, n));
            }
        }
        return idle;
    }

    private long labelPosts() {
        return forge.requests(r -> r.method().equals("POST") && r.path().endsWith("/labels")).size();
    }

    private void assertEachIdleIssueLabelledOnceAndNothingElseWritten() {
        Map<String, Long> notOnce = new TreeMap<>();
        for (Issue i : idleIssues()) {
            long posts = forge.labelChanges(ORG, i.repo(), i.number());
            if (posts != 1) {
                notOnce.put(i.repo() + "#" + i.number(), posts);
            }
            assertThat(forge.labels(ORG, i.repo(), i.number())).as("%s", i).containsExactly("stale");
        }
        assertThat(notOnce).as("idle issues whose label POST count is not 1").isEmpty();
        List<RecordedRequest> writes = forge.requests(RecordedRequest::isWrite);
        assertThat(writes).as("only the idle issues' labels were written").hasSize(idleIssues().size())
                .allSatisfy(w -> assertThat(w.path()).matches("/repos/" + ORG + "/\\w+/issues/\\d*[05]/labels"));
        assertThat(forge.secondaryLimitRefusals()).as("writes refused by the secondary limit").isEmpty();
        System.out.printf("StaleFleetFaultTest: shortest span of %d consecutive writes: %s%n", WRITES_PER_MINUTE + 1,
                shortestSpan(writes, WRITES_PER_MINUTE + 1).map(Duration::toString).orElse("(fewer writes)"));
    }

    /** The shortest time from the first to the last of {@code count} consecutive requests (GitHub's window is a minute). */
    private static java.util.Optional<Duration> shortestSpan(List<RecordedRequest> requests, int count) {
        Duration shortest = null;
        for (int i = 0; i + count - 1 < requests.size(); i++) {
            Duration span = Duration.between(requests.get(i).arrivedAt(), requests.get(i + count - 1).arrivedAt());
            shortest = shortest == null || span.compareTo(shortest) < 0 ? span : shortest;
        }
        return java.util.Optional.ofNullable(shortest);
    }

    private Path writeConfig(String name, int port, String kafka, String cron, List<String> repos) throws IOException {
        StringBuilder repositories = new StringBuilder();
        repos.forEach(r -> repositories.append("      ").append(r).append(": {}\n"));
        Path config = dir.resolve(name);
        Files.writeString(config, """
                server: { port: %d }
                management: { same_port: true }
                admin: { token: %s }
                kafka: %s
                dedup: { retention: %s }
                workers: { max_attempts: 5, backoff: [200ms, 500ms] }
                forges:
                  github:
                    type: github
                    api_url: "%s"
                    token: stale-fleet-forge-token
                    webhook_secret: stale-fleet-webhook-secret
                    rate_limit: { requests_per_hour: 360000, max_concurrent: 4, writes_per_minute: %d }
                orgs:
                  %s:
                    forge: github
                    stale_management:
                      days_until_stale: 60
                      days_until_close: 7
                      stale_comment: ""
                      schedule: "%s"
                    repositories:
                %s""".formatted(port, ADMIN_TOKEN, kafka, name.startsWith("run") ? "1h" : "7d", forge.apiUrl(),
                WRITES_PER_MINUTE, ORG, cron, repositories));
        return config;
    }

    // ---- processes and admin API ----

    private Process start(String name, String... args) throws IOException {
        Path log = dir.resolve(name + ".log");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-cp", System.getProperty("java.class.path"), "dev.forgebus.app.Main"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        processes.add(p);
        logs.put(p, log);
        return p;
    }

    private void awaitReady(int port, Process p) {
        try {
            await("ready on " + port).atMost(READY_WITHIN).pollInterval(Duration.ofMillis(250)).until(() -> {
                assertThat(p.isAlive()).as("process alive").isTrue();
                try {
                    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ready")).build(),
                            HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
                } catch (IOException notYet) {
                    return false;
                }
            });
        } catch (Throwable t) {
            throw new AssertionError("not ready; log:\n" + tail(logs.get(p)), t);
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 80), lines.size()));
        } catch (IOException e) {
            return e.toString();
        }
    }

    private String runJob(int port) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/admin/jobs/" + JOB + "/run"))
                .header("Authorization", "Bearer " + ADMIN_TOKEN).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        return Json.MAPPER.readTree(r.body()).path("delivery").asText();
    }

    private JsonNode trace(int port, String delivery) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/admin/deliveries/" + delivery))
                .header("Authorization", "Bearer " + ADMIN_TOKEN).build(), HttpResponse.BodyHandlers.ofString());
        return r.statusCode() == 200 ? Json.MAPPER.readTree(r.body()) : Json.MAPPER.createObjectNode();
    }
}
