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
import java.util.Collection;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.databind.JsonNode;

import dev.forgebus.common.event.Json;
import dev.forgebus.fakeforge.FakeForge;

/**
 * What the fault runs share: the fake forge with one issue per delivery, {@code forgebus}
 * processes started from this test's classpath (logs kept under {@code target/fault-logs}), a
 * sender that posts one signed {@code issues opened} webhook per issue and redelivers the same
 * bytes until it gets a 202 (as a forge does), and the final checks: {@code sent == accepted +
 * refused}, every issue labelled by exactly one label-changing request, every delivery with a
 * triage outcome, no dead letter.
 *
 * <p>Sizes come from system properties so the same test is the small CI form and the large form
 * run by hand: {@code -Dfault.events=10000} (default 300).
 */
final class FaultRun implements AutoCloseable {
    static final String SECRET = "fault-run-webhook-secret";
    static final String ADMIN_TOKEN = "fault-run-admin-token";
    static final String OWNER = "MyOrg";
    static final String REPO = "app";
    private static final int SENDERS = 4;
    /** A restart after SIGKILL waits out the killed members' session timeout (10 s) and restores dedup state. */
    static final Duration READY_WITHIN = Duration.ofSeconds(150);
    private static final Duration REDELIVERY_BACKOFF = Duration.ofMillis(100);

    final int events = Integer.getInteger("fault.events", 300);
    /**
     * Sending rate: the small form spreads its events over about 45 s so that the faults land
     * while deliveries are still arriving; the large form sends at 200/s ({@code -Dfault.rate}).
     */
    final double rate = Double.parseDouble(System.getProperty("fault.rate", Double.toString(Math.min(200, events / 45.0))));
    final FakeForge forge;
    final Path dir;
    private final long runId = System.currentTimeMillis();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    /** Every process started, in start order, with its log. */
    private final Map<Process, Path> started = Collections.synchronizedMap(new LinkedHashMap<>());
    private ExecutorService senders;
    private List<String> jvmOptions = List.of("-Xmx512m");
    private final List<Future<?>> sending = new ArrayList<>();
    private long sendDeadline;

    // ---- bookkeeping of the sender ----
    final AtomicLong sent = new AtomicLong();
    final AtomicLong accepted = new AtomicLong();
    final AtomicLong refused = new AtomicLong();
    private final Map<String, AtomicInteger> refusals = new ConcurrentHashMap<>();
    private final Map<Integer, Integer> acceptedPerIssue = new ConcurrentHashMap<>();
    private final Map<Integer, Integer> attemptsPerIssue = new ConcurrentHashMap<>();
    private final List<String> senderErrors = Collections.synchronizedList(new ArrayList<>());

    FaultRun(Path dir) {
        this.dir = dir;
        forge = FakeForge.start(FakeForge.Flavor.GITHUB);
        // Two calls per event: GitHub's 5,000 an hour would run out in the 10,000-event form and
        // (correctly) pause the credential until the reset, an hour away.
        forge.rateLimit(Integer.MAX_VALUE);
        for (int n = 1; n <= events; n++) {
            forge.createIssue(OWNER, REPO, n, "App crash number " + n);
        }
    }

    /** The time sending takes at {@link #rate}, plus room for restarts. */
    Duration sendWindow() {
        return Duration.ofSeconds(150 + (long) (events / rate));
    }

    /** A config for one process: its HTTP port, the embedded broker's port or an external cluster. */
    String config(int httpPort, String kafkaBlock) {
        return """
                server: { port: %d }
                management: { same_port: true }
                admin: { token: %s }
                kafka: %s
                workers: { max_attempts: 5, backoff: [200ms, 500ms] }
                forges:
                  github:
                    type: github
                    api_url: "%s"
                    token: fault-run-forge-token
                    webhook_secret: %s
                    rate_limit: { requests_per_hour: 3600000, max_concurrent: 4, writes_per_minute: 600000 }
                orgs:
                  MyOrg:
                    forge: github
                    auto_triage:
                      add_needs_triage_label: true
                      rules:
                        - { keywords: [crash, error], labels: [bug] }
                    repositories:
                      app: {}
                """.formatted(httpPort, ADMIN_TOKEN, kafkaBlock, forge.apiUrl(), SECRET);
    }

    Path writeConfig(String name, String text) throws IOException {
        Path config = dir.resolve(name);
        Files.writeString(config, text);
        return config;
    }

    /** Starts {@code forgebus <args>} as a separate JVM; its log goes to target/fault-logs/RUN/name.log. */
    Process start(String name, String... args) throws IOException {
        return startJava(name, "dev.forgebus.app.Main", args);
    }

    /** The options of every JVM started from now on (default {@code -Xmx512m}). */
    FaultRun jvmOptions(String... options) {
        jvmOptions = List.of(options);
        return this;
    }

    /** Starts {@code mainClass} from this test's classpath as a separate JVM, logging as {@link #start} does. */
    Process startJava(String name, String mainClass, String... args) throws IOException {
        Path logDir = Path.of("target", "fault-logs", Long.toString(runId));
        Files.createDirectories(logDir);
        Path log = logDir.resolve(name + ".log");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        started.put(p, log);
        return p;
    }

    void awaitReady(int port, Process process) {
        String[] lastAnswer = {"no answer yet"};
        try {
            await("forgebus ready on " + port).atMost(READY_WITHIN).pollInterval(Duration.ofMillis(200))
                    .until(() -> {
                        if (!process.isAlive()) {
                            throw new AssertionError("the process exited early with " + process.exitValue());
                        }
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
            // The process's last log lines go into the message, so that CI's console shows them.
            throw new AssertionError("not ready within " + READY_WITHIN + "; last /ready answer: " + lastAnswer[0]
                    + "\n----- last lines of " + started.get(process) + " -----\n" + tail(started.get(process), 60), e);
        }
    }

    /** SIGKILL, then waits for the exit. */
    static void kill(Process p) throws InterruptedException {
        p.destroyForcibly();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("killed process exited").isTrue();
    }

    // ---- the sender ----

    /** The log of a process started by {@link #start} or {@link #startJava}. */
    Path logOf(Process process) {
        return started.get(process);
    }

    /**
     * Sends every event, paced at {@link #rate}; with several gateways, each attempt goes to the
     * next one in turn (as a load balancer in front of them would spread a forge's redeliveries).
     */
    void startSenders(int... gatewayPorts) {
        AtomicInteger nextIssue = new AtomicInteger(1);
        sendDeadline = System.nanoTime() + sendWindow().toNanos();
        long pace = (long) (SENDERS * 1e9 / rate);
        senders = Executors.newFixedThreadPool(SENDERS);
        for (int s = 0; s < SENDERS; s++) {
            sending.add(senders.submit(() -> {
                for (int n = nextIssue.getAndIncrement(); n <= events; n = nextIssue.getAndIncrement()) {
                    deliverUntilAccepted(gatewayPorts, n);
                    LockSupport.parkNanos(pace); // arrival rate, not a synchronisation
                }
                return null;
            }));
        }
    }

    /** Waits for every delivery to be accepted, then checks the sender's balance. */
    void awaitSendersDoneAndBalanced() throws Exception {
        for (Future<?> f : sending) {
            f.get(Math.max(1, TimeUnit.NANOSECONDS.toSeconds(sendDeadline - System.nanoTime()) + 5), TimeUnit.SECONDS);
        }
        assertThat(senderErrors).as("sends answered with a client error (never retried into a 202)").isEmpty();
        assertThat(accepted.get()).as("every delivery accepted once").isEqualTo(events);
        assertThat(acceptedPerIssue).hasSize(events).allSatisfy((n, times) -> assertThat(times).isEqualTo(1));
        assertThat(sent.get()).as("sent == accepted + refused").isEqualTo(accepted.get() + refused.get());
        assertThat(attemptsPerIssue.values().stream().mapToLong(Integer::longValue).sum()).isEqualTo(sent.get());
    }

    private Void deliverUntilAccepted(int[] ports, int n) throws Exception {
        String delivery = "fault-" + n;
        byte[] body = issueOpened(n, "App crash number " + n);
        for (int attempt = 0; ; attempt++) {
            HttpRequest request = signed(ports[(n + attempt) % ports.length], delivery, body);
            if (System.nanoTime() > sendDeadline) {
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
                    return null;
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

    // ---- the end checks ----

    /** Label-changing requests the fake forge received so far (any issue). */
    long labelWrites() {
        return forge.requests(r -> r.isWrite() && r.path().contains("/labels")).size();
    }

    /**
     * Zero lost (every issue labelled, every delivery with its triage outcome), zero doubled
     * (exactly one label-changing request per issue), no dead letter.
     *
     * @param adminPort a process with the admin API and the trace index
     * @param alive     processes that must stay up while the checks poll
     */
    void assertExactlyOneEffectEach(int adminPort, List<Process> alive) throws Exception {
        Duration settle = Duration.ofSeconds(60 + events / 50);
        await("every issue labelled bug").atMost(settle).pollInterval(Duration.ofMillis(500))
                .until(() -> unlabelled().isEmpty());
        await("every delivery has a triage outcome").atMost(settle).pollInterval(Duration.ofMillis(500))
                .until(() -> {
                    alive.forEach(p -> assertThat(p.isAlive()).as("a forgebus process died").isTrue());
                    return withoutOutcome(adminPort).isEmpty();
                });
        long reads = forge.requests(r -> !r.isWrite() && r.path().contains("/labels")).size();
        System.out.printf("FaultRun: fake forge saw %d label reads and %d label writes for %d issues%n",
                reads, labelWrites(), events);

        Map<Integer, Long> changes = new TreeMap<>();
        for (int n = 1; n <= events; n++) {
            long c = forge.labelChanges(OWNER, REPO, n);
            if (c != 1) {
                changes.put(n, c);
            }
        }
        assertThat(changes).as("issues whose label-changing POST count is not exactly 1 (issue -> count)").isEmpty();
        for (int n = 1; n <= events; n++) {
            assertThat(forge.labels(OWNER, REPO, n)).as("labels of #%d", n).containsExactly("bug");
        }
        JsonNode dlq = adminJson(adminPort, "/admin/dlq?module=triage&limit=1000");
        assertThat(dlq.path("deadLetters").size()).as("dead letters: %s", dlq).isZero();
    }

    private List<Integer> unlabelled() {
        List<Integer> missing = new ArrayList<>();
        for (int n = 1; n <= events; n++) {
            if (!forge.labels(OWNER, REPO, n).contains("bug")) {
                missing.add(n);
            }
        }
        return missing;
    }

    /** Deliveries whose trace has no DONE triage outcome yet; stops at the first 20 to keep polls cheap. */
    private List<Integer> withoutOutcome(int port) throws Exception {
        List<Integer> missing = new ArrayList<>();
        for (int n = 1; n <= events && missing.size() < 20; n++) {
            HttpResponse<String> r = get(port, "/admin/deliveries/fault-" + n);
            if (r.statusCode() != 200 || !r.body().contains("\"DONE\"")) {
                missing.add(n);
            }
        }
        return missing;
    }

    HttpResponse<String> get(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + ADMIN_TOKEN).build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode adminJson(int port, String path) throws Exception {
        HttpResponse<String> r = get(port, path);
        assertThat(r.statusCode()).as("GET %s: %s", path, r.body()).isEqualTo(200);
        return Json.MAPPER.readTree(r.body());
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

    /** One fault scenario, run against this harness. */
    @FunctionalInterface
    interface Scenario {
        void run() throws Exception;
    }

    /**
     * Runs {@code scenario}, printing the processes' logs when it fails (or always with
     * {@code -Dfault.logs=true}) and the sender's summary in any case.
     */
    void execute(String name, Scenario scenario) throws Exception {
        long started = System.nanoTime();
        try {
            scenario.run();
        } catch (Throwable t) {
            printLogTails();
            throw t;
        } finally {
            if (Boolean.getBoolean("fault.logs")) {
                printLogTails();
            }
            printSummary(name, started);
        }
    }

    private void printSummary(String name, long startedNanos) {
        System.out.printf("%s: %d events, %.1f s, sent=%d accepted=%d refused=%d refusals=%s%n", name, events,
                (System.nanoTime() - startedNanos) / 1e9, sent.get(), accepted.get(), refused.get(), new TreeMap<>(refusals));
    }

    private void printLogTails() {
        for (Path log : snapshot(started.values())) {
            System.out.println("===== last lines of " + log + " =====");
            System.out.println(tail(log, 400));
        }
    }

    private static String tail(Path log, int lines) {
        try {
            List<String> all = Files.readAllLines(log);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException | RuntimeException e) {
            return "(cannot read the log: " + e + ")";
        }
    }

    private <T> List<T> snapshot(Collection<T> view) {
        synchronized (started) {
            return List.copyOf(view);
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (senders != null) {
            senders.shutdownNow();
            senders.awaitTermination(10, TimeUnit.SECONDS);
        }
        for (Process p : snapshot(started.keySet())) {
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
        }
        forge.close();
    }
}
