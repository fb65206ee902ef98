package dev.forgebus.app.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
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
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

import dev.forgebus.common.event.Json;
import dev.forgebus.fakeforge.FakeForge;

/**
 * Issue 4, the small CI form of the fault runs: {@code forgebus run} as a separate process is
 * killed with SIGKILL while a sender posts one signed {@code issues opened} webhook per issue and
 * redelivers (same delivery id, same body) every send that did not get a 202, as a forge does.
 * The kill lands while deliveries are still being sent and while the triage worker is labelling;
 * the process is restarted on the same data directory. At the end every issue carries its triage
 * label, with exactly one label-changing request at the fake forge, and there is no dead letter:
 * zero lost, zero doubled.
 *
 * <p>{@code -Dkillnine.kills=2} kills a second time, later in the labelling.
 * {@code -Dkillnine.logs=true} prints the processes' logs even when the test passes.
 *
 * <p>Run time: each restart after SIGKILL takes 60-70 s on 2 cores (about 20 s of broker log
 * recovery, then the worker group and dedup-streams wait out the killed members' 45 s session
 * timeout before /ready answers 200), so the test takes about 2 minutes with one kill.
 */
// Opt-in until the restart hang is fixed: in 1 of 4 runs on a clean clone the restarted
// process stayed "dedup-streams is REBALANCING" for the whole 150 s (issue 4 note). Run with
// mvn -pl app test -Dtest=KillNineFaultTest -Dforgebus.faultTests=true
@EnabledIfSystemProperty(named = "forgebus.faultTests", matches = "true")
class KillNineFaultTest {
    private static final String SECRET = "kill-nine-webhook-secret";
    private static final String ADMIN_TOKEN = "kill-nine-admin-token";
    private static final String OWNER = "MyOrg";
    private static final String REPO = "app";
    private static final int ISSUES = 300;
    private static final int SENDERS = 4;
    /** A restart after SIGKILL waits out the killed members' session timeout (45 s) before it is ready. */
    private static final Duration READY_WITHIN = Duration.ofSeconds(150);
    private static final Duration SEND_PACE = Duration.ofMillis(20);
    private static final Duration SEND_DEADLINE = Duration.ofSeconds(150);
    private static final Duration REDELIVERY_BACKOFF = Duration.ofMillis(100);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final List<Process> processes = new ArrayList<>();
    private final List<Path> logs = new ArrayList<>();
    private FakeForge forge;
    private ExecutorService senders;

    @TempDir
    Path dir;

    @AfterEach
    void killLeftovers() throws InterruptedException {
        if (senders != null) {
            senders.shutdownNow();
            senders.awaitTermination(10, TimeUnit.SECONDS);
        }
        for (Process p : processes) {
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
        }
        if (forge != null) {
            forge.close();
        }
    }

    // ---- bookkeeping of the sender ----
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final Map<String, AtomicInteger> refusals = new ConcurrentHashMap<>();
    private final Map<Integer, Integer> acceptedPerIssue = new ConcurrentHashMap<>();
    private final Map<Integer, Integer> attemptsPerIssue = new ConcurrentHashMap<>();
    private final List<String> senderErrors = java.util.Collections.synchronizedList(new ArrayList<>());

    @Test
    void every_accepted_delivery_has_exactly_one_effect_across_kill_nine() throws Exception {
        long started = System.nanoTime();
        try {
            run();
        } catch (Throwable t) {
            printLogTails();
            throw t;
        } finally {
            if (Boolean.getBoolean("killnine.logs")) {
                printLogTails();
            }
            System.out.printf("KillNineFaultTest: %.1f s, sent=%d accepted=%d refused=%d refusals=%s%n",
                    (System.nanoTime() - started) / 1e9, sent.get(), accepted.get(), refused.get(), new TreeMap<>(refusals));
        }
    }

    private void run() throws Exception {
        forge = FakeForge.start(FakeForge.Flavor.GITHUB);
        for (int n = 1; n <= ISSUES; n++) {
            forge.createIssue(OWNER, REPO, n, "App crash number " + n);
        }
        int httpPort = freePort();
        int kafkaPort = freePort();
        Path config = dir.resolve("forgebus.yml");
        Files.writeString(config, config(forge.apiUrl().toString(), httpPort, kafkaPort));
        Path dataDir = dir.resolve("data");

        Process current = start(config, dataDir, 0);
        awaitReady(httpPort, current);

        AtomicInteger nextIssue = new AtomicInteger(1);
        long sendDeadline = System.nanoTime() + SEND_DEADLINE.toNanos();
        senders = Executors.newFixedThreadPool(SENDERS);
        List<java.util.concurrent.Future<?>> done = new ArrayList<>();
        for (int s = 0; s < SENDERS; s++) {
            done.add(senders.submit(() -> {
                for (int n = nextIssue.getAndIncrement(); n <= ISSUES; n = nextIssue.getAndIncrement()) {
                    deliverUntilAccepted(httpPort, n, sendDeadline);
                    LockSupport.parkNanos(SEND_PACE.toNanos()); // arrival rate, not a synchronisation
                }
                return null;
            }));
        }

        int kills = Integer.getInteger("killnine.kills", 1);
        for (int kill = 0; kill < kills; kill++) {
            // Kill 1 lands while deliveries are still being sent AND the workers are mid-way through
            // labelling; kill 2 (optional, -Dkillnine.kills=2) later in the labelling.
            long minAccepted = kill == 0 ? 100 : 0;
            long minWrites = kill == 0 ? 10 : 150;
            Process victim = current;
            boolean kill1 = kill == 0;
            await("kill point " + (kill + 1)).atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(10))
                    .until(() -> {
                        assertThat(victim.isAlive()).as("forgebus run still alive").isTrue();
                        long a = accepted.get();
                        // Kill 1 also fires at 250 accepted if labelling is slow to start, so that it
                        // always lands while deliveries are still being sent.
                        return a >= minAccepted && (labelWrites() >= minWrites || (kill1 && a >= 250));
                    });
            long acceptedAtKill = accepted.get();
            long writesAtKill = labelWrites();
            current.destroyForcibly(); // SIGKILL
            assertThat(current.waitFor(30, TimeUnit.SECONDS)).as("killed process exited").isTrue();
            System.out.printf("KillNineFaultTest: kill %d at %d accepted, %d label writes (exit %d)%n", kill + 1,
                    acceptedAtKill, writesAtKill, current.exitValue());
            current = start(config, dataDir, kill + 1);
            long restartAt = System.nanoTime();
            awaitReady(httpPort, current);
            System.out.printf("KillNineFaultTest: restart %d ready in %.1f s%n", kill + 1, (System.nanoTime() - restartAt) / 1e9);
        }

        for (var f : done) {
            f.get(Math.max(1, TimeUnit.NANOSECONDS.toSeconds(sendDeadline - System.nanoTime()) + 5), TimeUnit.SECONDS);
        }
        assertThat(senderErrors).as("sends answered with a client error (never retried into a 202)").isEmpty();
        assertThat(accepted.get()).as("every delivery accepted once").isEqualTo(ISSUES);
        assertThat(acceptedPerIssue).hasSize(ISSUES).allSatisfy((n, times) -> assertThat(times).isEqualTo(1));
        assertThat(sent.get()).as("sent == accepted + refused").isEqualTo(accepted.get() + refused.get());
        assertThat(attemptsPerIssue.values().stream().mapToLong(Integer::longValue).sum()).isEqualTo(sent.get());
        assertThat(refused.get()).as("the kills made some sends fail and be redelivered").isPositive();

        // Zero lost: every issue gets its label.
        await("every issue labelled bug").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .until(() -> unlabelled().isEmpty());
        // Quiescence: every delivery has its module outcome in the trace, so nothing is still in flight.
        Process last = current;
        await("every delivery has a triage outcome").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    assertThat(last.isAlive()).as("forgebus run still alive").isTrue();
                    return withoutOutcome(httpPort).isEmpty();
                });

        long reads = forge.requests(r -> !r.isWrite() && r.path().contains("/labels")).size();
        System.out.printf("KillNineFaultTest: fake forge saw %d label reads and %d label writes for %d issues%n",
                reads, labelWrites(), ISSUES);

        // Zero doubled: exactly one label-changing request per issue.
        Map<Integer, Long> changes = new TreeMap<>();
        for (int n = 1; n <= ISSUES; n++) {
            long c = forge.labelChanges(OWNER, REPO, n);
            if (c != 1) {
                changes.put(n, c);
            }
        }
        assertThat(changes).as("issues whose label-changing POST count is not exactly 1 (issue -> count)").isEmpty();
        for (int n = 1; n <= ISSUES; n++) {
            assertThat(forge.labels(OWNER, REPO, n)).as("labels of #%d", n).containsExactly("bug");
        }

        // No dead letters (read from the DLQ topic, so across every process that ran).
        JsonNode dlq = adminJson(httpPort, "/admin/dlq?module=triage&limit=1000");
        assertThat(dlq.path("deadLetters").size()).as("dead letters: %s", dlq).isZero();
        String metrics = get(httpPort, "/metrics").body();
        assertThat(metrics.lines().filter(l -> l.startsWith("forgebus_worker_dead_letters_total"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum())
                .as("forgebus_worker_dead_letters_total of the last process").isZero();

        current.destroy();
        assertThat(current.waitFor(60, TimeUnit.SECONDS)).as("stopped within 60 s after SIGTERM").isTrue();
    }

    /** Posts issue {@code n}'s delivery, redelivering the same bytes until a 202 or the deadline. */
    private void deliverUntilAccepted(int httpPort, int n, long deadline) throws Exception {
        String delivery = "kill-nine-" + n;
        byte[] body = issueOpened(n, "App crash number " + n);
        HttpRequest request = signed(httpPort, delivery, body);
        while (true) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("delivery " + delivery + " not accepted before the send deadline");
            }
            sent.incrementAndGet();
            attemptsPerIssue.merge(n, 1, Integer::sum);
            String outcome;
            try {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 202) {
                    accepted.incrementAndGet();
                    acceptedPerIssue.merge(n, 1, Integer::sum);
                    return;
                }
                outcome = "HTTP " + response.statusCode();
                if (response.statusCode() >= 400 && response.statusCode() < 500) {
                    senderErrors.add(delivery + ": " + response.statusCode() + " " + response.body());
                }
            } catch (IOException e) {
                outcome = e.getClass().getSimpleName();
            }
            refused.incrementAndGet();
            refusals.computeIfAbsent(outcome, k -> new AtomicInteger()).incrementAndGet();
            LockSupport.parkNanos(REDELIVERY_BACKOFF.toNanos()); // a forge's redelivery pace, not a synchronisation
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
        }
    }

    /** Label-changing requests the fake forge received so far (any issue). */
    private long labelWrites() {
        return forge.requests(r -> r.isWrite() && r.path().contains("/labels")).size();
    }

    private List<Integer> unlabelled() {
        List<Integer> missing = new ArrayList<>();
        for (int n = 1; n <= ISSUES; n++) {
            if (!forge.labels(OWNER, REPO, n).contains("bug")) {
                missing.add(n);
            }
        }
        return missing;
    }

    private List<Integer> withoutOutcome(int httpPort) throws Exception {
        List<Integer> missing = new ArrayList<>();
        for (int n = 1; n <= ISSUES; n++) {
            HttpResponse<String> r = get(httpPort, "/admin/deliveries/kill-nine-" + n);
            if (r.statusCode() != 200 || !r.body().contains("\"DONE\"")) {
                missing.add(n);
            }
        }
        return missing;
    }

    private static String config(String apiUrl, int httpPort, int kafkaPort) {
        return """
                server: { port: %d }
                admin: { token: %s }
                kafka: { bootstrap_servers: "", embedded: { port: %d }, partitions: 3 }
                workers: { max_attempts: 5, backoff: [200ms, 500ms] }
                forges:
                  github:
                    type: github
                    api_url: "%s"
                    token: kill-nine-forge-token
                    webhook_secret: %s
                    rate_limit: { requests_per_hour: 360000, max_concurrent: 4 }
                orgs:
                  MyOrg:
                    forge: github
                    auto_triage:
                      add_needs_triage_label: true
                      rules:
                        - { keywords: [crash, error], labels: [bug] }
                    repositories:
                      app: {}
                """.formatted(httpPort, ADMIN_TOKEN, kafkaPort, apiUrl, SECRET);
    }

    private static byte[] issueOpened(int number, String title) {
        return ("{\"action\":\"opened\",\"issue\":{\"number\":" + number + ",\"title\":\"" + title + "\",\"labels\":[]},"
                + "\"repository\":{\"name\":\"" + REPO + "\",\"full_name\":\"" + OWNER + "/" + REPO + "\",\"owner\":{\"login\":\""
                + OWNER + "\"}},\"sender\":{\"login\":\"octocat\"}}").getBytes(StandardCharsets.UTF_8);
    }

    private static HttpRequest signed(int port, String delivery, byte[] body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/webhooks/github"))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json").header("X-GitHub-Event", "issues")
                .header("X-GitHub-Delivery", delivery)
                .header("X-Hub-Signature-256", "sha256=" + HexFormat.of().formatHex(mac.doFinal(body)))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
    }

    private HttpResponse<String> get(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + ADMIN_TOKEN).build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode adminJson(int port, String path) throws Exception {
        HttpResponse<String> r = get(port, path);
        assertThat(r.statusCode()).as("GET %s: %s", path, r.body()).isEqualTo(200);
        return Json.MAPPER.readTree(r.body());
    }

    private Process start(Path config, Path dataDir, int generation) throws IOException {
        Path log = dir.resolve("run-" + generation + ".log");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                "dev.forgebus.app.Main", "run", "--config", config.toString(), "--data-dir", dataDir.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        Process p = pb.start();
        processes.add(p);
        logs.add(log);
        return p;
    }

    private void awaitReady(int port, Process process) {
        String[] lastAnswer = {"no answer yet"};
        try {
            await("forgebus run ready").atMost(READY_WITHIN).pollInterval(Duration.ofMillis(200))
                    .until(() -> {
                        assertThat(process.isAlive()).as("forgebus run exited early").isTrue();
                        try {
                            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ready"))
                                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
                            lastAnswer[0] = r.statusCode() + " " + r.body();
                            return r.statusCode() == 200;
                        } catch (IOException notYetListening) {
                            lastAnswer[0] = notYetListening.toString();
                            return false;
                        }
                    });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("not ready within " + READY_WITHIN + "; last /ready answer: " + lastAnswer[0], e);
        }
    }

    private void printLogTails() {
        for (Path log : logs) {
            try {
                List<String> lines = Files.readAllLines(log);
                System.out.println("===== tail of " + log.getFileName() + " (" + lines.size() + " lines) =====");
                lines.subList(Math.max(0, lines.size() - (Boolean.getBoolean("killnine.logs") ? 400 : 60)), lines.size()).forEach(System.out::println);
            } catch (IOException e) {
                System.out.println("cannot read " + log + ": " + e);
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
