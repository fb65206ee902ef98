package dev.forgebus.bench.e2e;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import com.fasterxml.jackson.databind.JsonNode;

import dev.forgebus.app.EmbeddedForgebus;
import dev.forgebus.common.config.ConfigLoader;
import dev.forgebus.common.config.ForgebusConfig;
import dev.forgebus.common.event.Json;
import dev.forgebus.fakeforge.FakeForge;
import dev.forgebus.fakeforge.RecordedRequest;

/**
 * End-to-end latency, open loop: webhook sent to the gateway → raw topic → dedup (Kafka
 * Streams, exactly_once_v2, 100 ms commit) → work.triage → triage worker → the label POST
 * arriving at a fake forge. Everything runs in this JVM on loopback.
 *
 * <p>For each rate R (events/s) and duration D (s): R*D issues are created on the fake forge
 * across 50 repositories of MyOrg (triage configured at org level, so every repository is
 * triaged), then event i is sent at {@code t0 + i/R} by its own virtual thread, whatever
 * happened to the earlier ones (open loop). Latency runs from the <em>scheduled</em> send time
 * to the fake forge's arrival stamp of the label POST for that issue, so a stalled pipeline or
 * a late sender shows up in the figures instead of being hidden (no coordinated omission). The
 * fake forge's clock is derived from {@link System#nanoTime()}, the same clock as the schedule.
 *
 * <p>A rate's figures count only when {@code sent == accepted + refused} and
 * {@code accepted == effects + dead letters} once the pipeline has drained (bounded wait).
 *
 * <p>Run (args: rates, seconds per rate, drain timeout seconds, warm-up events). Not via
 * {@code exec:java -Dexec.mainClass=...}: bench/pom.xml fixes the plugin's mainClass to
 * GatewayThroughput, which wins over the property. Instead:
 * <pre>
 * mvn -q -B -o install -DskipTests -pl bench -am
 * mvn -q -B -o -pl bench dependency:build-classpath -Dmdep.outputFile=/tmp/e2e-cp.txt
 * java -Xmx1g -cp bench/target/classes:$(cat /tmp/e2e-cp.txt) dev.forgebus.bench.e2e.EndToEndLoad 50,200 30 60 300 2&gt;e2e.log
 * </pre>
 */
public final class EndToEndLoad {
    static final String SECRET = "bench-webhook-secret";
    static final String ADMIN_TOKEN = "bench-admin-token";
    static final String ORG = "MyOrg";
    static final int REPOS = 50;
    private static final Pattern LABEL_POST = Pattern.compile("/repos/" + ORG + "/([^/]+)/issues/(\\d+)/labels");

    private final FakeForge forge;
    private final NanoClock clock;
    private final EmbeddedForgebus forgebus;
    private final HttpClient http;
    private final URI webhookUri;
    private final URI base;
    private long nextIssue = 1;

    private EndToEndLoad(FakeForge forge, EmbeddedForgebus forgebus, NanoClock clock) {
        this.forge = forge;
        this.clock = clock;
        this.forgebus = forgebus;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        this.base = URI.create("http://127.0.0.1:" + forgebus.httpPort());
        this.webhookUri = base.resolve("/webhooks/github");
    }

    public static void main(String[] args) throws Exception {
        List<Integer> rates = new ArrayList<>();
        for (String r : (args.length > 0 ? args[0] : "50,200").split(",")) {
            rates.add(Integer.parseInt(r.trim()));
        }
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        int drainSeconds = args.length > 2 ? Integer.parseInt(args[2]) : 60;
        int warmup = args.length > 3 ? Integer.parseInt(args[3]) : 300;
        if (seconds < 1 || seconds > 600 || drainSeconds < 1 || drainSeconds > 600) {
            throw new IllegalArgumentException("seconds and drain seconds must be in 1..600");
        }

        Path dataDir = Files.createTempDirectory("forgebus-e2e-bench");
        System.out.printf("machine: %d cores, java %s, max heap %d MiB; rates %s events/s, %d s each, drain timeout %d s, warm-up %d events%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                Runtime.getRuntime().maxMemory() >> 20, rates, seconds, drainSeconds, warmup);
        List<String> rows = new ArrayList<>();
        NanoClock clock = new NanoClock();
        try (FakeForge forge = FakeForge.start(FakeForge.Flavor.GITHUB, clock)) {
            forge.rateLimit(Integer.MAX_VALUE);
            ForgebusConfig config = ConfigLoader.parse(config(forge.apiUrl().toString(), freePort()), "bench.yml", k -> null);
            long startNanos = System.nanoTime();
            try (EmbeddedForgebus forgebus = EmbeddedForgebus.start(config, dataDir)) {
                EndToEndLoad load = new EndToEndLoad(forge, forgebus, clock);
                load.awaitReady(Duration.ofSeconds(120));
                System.out.printf("forgebus ready in %.1f s (http port %d)%n", (System.nanoTime() - startNanos) / 1e9, forgebus.httpPort());
                if (warmup > 0) {
                    Result w = load.run(Math.min(100, warmup), warmup, drainSeconds);
                    System.out.println("warm-up (not counted): " + w.row());
                }
                for (int rate : rates) {
                    Result r = load.run(rate, (long) rate * seconds, drainSeconds);
                    System.out.println(r.row());
                    rows.add(r.row());
                }
            }
        }
        System.out.println();
        System.out.println(Result.HEADER);
        System.out.println(Result.SEPARATOR);
        rows.forEach(System.out::println);
        System.exit(0); // the fake forge and HttpClient leave non-daemon threads behind
    }

    static String config(String apiUrl, int kafkaPort) {
        return """
                server: { port: 0 }
                management: { same_port: true }
                admin: { token: %s }
                kafka: { bootstrap_servers: "", embedded: { port: %d }, partitions: 12 }
                workers: { max_attempts: 5, backoff: [200ms, 500ms, 1s, 2s] }
                forges:
                  github:
                    type: github
                    api_url: "%s"
                    token: bench-forge-token
                    webhook_secret: %s
                    rate_limit: { requests_per_hour: 100000000, max_concurrent: 64, writes_per_minute: 100000000 }
                orgs:
                  %s:
                    forge: github
                    auto_triage:
                      rules:
                        - { keywords: [crash, error], labels: [bug] }
                """.formatted(ADMIN_TOKEN, kafkaPort, apiUrl, SECRET, ORG);
    }

    /**
     * A clock on {@link System#nanoTime()}: the fake forge stamps requests with it, and
     * {@link #toNanos} turns a stamp back into the nanoTime base of the send schedule exactly.
     */
    static final class NanoClock extends Clock {
        private final Instant wallBase = Instant.now();
        private final long nanoBase = System.nanoTime();

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Instant instant() {
            return wallBase.plusNanos(System.nanoTime() - nanoBase);
        }

        long toNanos(Instant instant) {
            return nanoBase + Duration.between(wallBase, instant).toNanos();
        }
    }

    record Result(int rate, long events, double sendSeconds, long sent, long accepted, long refused, long effects,
                  long deadLetters, long duplicateEffects, long unmatched, boolean balanced, Histogram e2e, Histogram ack,
                  double drainSeconds, long rssKiB, long heapUsed, long heapCommitted) {
        static final String HEADER = "| rate ev/s | events | sent | accepted | refused | effects | DLQ | dup effects | balanced | "
                + "e2e p50 ms | p99 ms | p99.9 ms | max ms | 202 p50 ms | 202 p99 ms | 202 max ms | send s | drain s | RSS MiB | heap used MiB |";
        static final String SEPARATOR = "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|";

        String row() {
            return String.format("| %d | %d | %d | %d | %d | %d | %d | %d | %s | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %d |",
                    rate, events, sent, accepted, refused, effects, deadLetters, duplicateEffects, balanced ? "yes" : "**NO**",
                    ms(e2e, 50), ms(e2e, 99), ms(e2e, 99.9), e2e.getMaxValue() / 1e6,
                    ms(ack, 50), ms(ack, 99), ack.getMaxValue() / 1e6, sendSeconds, drainSeconds,
                    rssKiB / 1024.0, heapUsed >> 20);
        }

        private static double ms(Histogram h, double percentile) {
            return h.getTotalCount() == 0 ? Double.NaN : h.getValueAtPercentile(percentile) / 1e6;
        }
    }

    /** One open-loop run of {@code events} events at {@code rate}/s. */
    Result run(int rate, long events, int drainSeconds) throws Exception {
        if (events > 200_000) {
            throw new IllegalArgumentException("at most 200,000 events per run, asked " + events);
        }
        forge.reset();
        forge.rateLimit(Integer.MAX_VALUE);
        long firstIssue = nextIssue;
        nextIssue += events;
        int n = (int) events;
        byte[][] bodies = new byte[n][];
        String[] signatures = new String[n];
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        for (int i = 0; i < n; i++) {
            long number = firstIssue + i;
            String repo = "repo-" + (i % REPOS);
            String title = "App crash " + number + " on start";
            forge.createIssue(ORG, repo, number, title);
            bodies[i] = issueOpened(repo, number, title);
            signatures[i] = "sha256=" + HexFormat.of().formatHex(mac.doFinal(bodies[i]));
        }
        long dlqBefore = deadLetters();

        long[] scheduled = new long[n];
        Recorder ackRecorder = new Recorder(3);
        AtomicLong sent = new AtomicLong();
        AtomicLong accepted = new AtomicLong();
        AtomicLong refused = new AtomicLong();
        Map<String, AtomicLong> refusals = new ConcurrentHashMap<>();
        long t0 = System.nanoTime() + 50_000_000L;
        try (ExecutorService senders = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < n; i++) {
                long due = t0 + i * 1_000_000_000L / rate;
                scheduled[i] = due;
                long wait;
                while ((wait = due - System.nanoTime()) > 0) {
                    LockSupport.parkNanos(wait);
                }
                final int k = i;
                senders.submit(() -> {
                    sent.incrementAndGet();
                    String outcome;
                    try {
                        HttpRequest request = HttpRequest.newBuilder(webhookUri).timeout(Duration.ofSeconds(30))
                                .header("Content-Type", "application/json").header("X-GitHub-Event", "issues")
                                .header("X-GitHub-Delivery", UUID.randomUUID().toString())
                                .header("X-Hub-Signature-256", signatures[k])
                                .POST(HttpRequest.BodyPublishers.ofByteArray(bodies[k])).build();
                        int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                        outcome = status == 202 ? null : "http " + status;
                    } catch (IOException | RuntimeException e) {
                        outcome = e.getClass().getSimpleName();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        outcome = "interrupted";
                    }
                    ackRecorder.recordValue(Math.max(0, System.nanoTime() - scheduled[k]));
                    if (outcome == null) {
                        accepted.incrementAndGet();
                    } else {
                        refused.incrementAndGet();
                        refusals.computeIfAbsent(outcome, x -> new AtomicLong()).incrementAndGet();
                    }
                });
            }
        } // close() waits for every sender: each request is bounded by its 30 s timeout
        double sendSeconds = (System.nanoTime() - t0) / 1e9;

        // Collect effects: the first label POST of each issue of this run.
        Histogram e2e = new Histogram(3);
        Map<Long, Integer> posts = new HashMap<>();
        long unmatched = 0;
        int seen = 0;
        long drainStart = System.nanoTime();
        long drainDeadline = drainStart + TimeUnit.SECONDS.toNanos(drainSeconds);
        long deadLetters = 0;
        long lastDlqCheck = 0;
        while (true) {
            List<RecordedRequest> requests = forge.requests();
            for (int j = seen; j < requests.size(); j++) {
                RecordedRequest r = requests.get(j);
                if (!r.method().equalsIgnoreCase("POST")) {
                    continue;
                }
                Matcher m = LABEL_POST.matcher(r.path());
                if (!m.matches()) {
                    continue;
                }
                long number = Long.parseLong(m.group(2));
                int idx = (int) (number - firstIssue);
                if (idx < 0 || idx >= n) {
                    unmatched++;
                    continue;
                }
                if (posts.merge(number, 1, Integer::sum) == 1) {
                    e2e.recordValue(Math.max(0, clock.toNanos(r.arrivedAt()) - scheduled[idx]));
                }
            }
            seen = requests.size();
            long now = System.nanoTime();
            if (posts.size() >= accepted.get() || now - lastDlqCheck > 2_000_000_000L) {
                deadLetters = deadLetters() - dlqBefore;
                lastDlqCheck = now;
                if (posts.size() + deadLetters >= accepted.get()) {
                    break;
                }
            }
            if (now > drainDeadline) {
                System.out.printf("rate %d: drain timeout after %d s: %d effects + %d dead letters of %d accepted%n",
                        rate, drainSeconds, posts.size(), deadLetters, accepted.get());
                break;
            }
            Thread.sleep(100);
        }
        double drained = (System.nanoTime() - drainStart) / 1e9;
        long duplicates = posts.values().stream().mapToLong(c -> c - 1).sum();
        boolean balanced = sent.get() == accepted.get() + refused.get()
                && accepted.get() == posts.size() + deadLetters && sent.get() == n;
        if (unmatched > 0) {
            System.out.println("rate " + rate + ": " + unmatched + " label POSTs for issues of another run");
        }
        if (!refusals.isEmpty()) {
            System.out.println("rate " + rate + ": refusals " + refusals);
        }
        var heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        return new Result(rate, n, sendSeconds, sent.get(), accepted.get(), refused.get(), posts.size(), deadLetters,
                duplicates, unmatched, balanced, e2e, ackRecorder.getIntervalHistogram(), drained, rssKiB(), heap.getUsed(),
                heap.getCommitted());
    }

    static byte[] issueOpened(String repo, long number, String title) {
        return ("{\"action\":\"opened\",\"issue\":{\"number\":" + number + ",\"title\":\"" + title + "\",\"labels\":[]},"
                + "\"repository\":{\"name\":\"" + repo + "\",\"full_name\":\"" + ORG + "/" + repo + "\",\"owner\":{\"login\":\"" + ORG + "\"}},"
                + "\"sender\":{\"login\":\"octocat\"}}").getBytes(StandardCharsets.UTF_8);
    }

    /** Dead letters of triage, counted up to 1,000 (the admin API's largest page): any is a failure of the run. */
    private long deadLetters() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(base.resolve("/admin/dlq?module=triage&limit=1000"))
                .header("Authorization", "Bearer " + ADMIN_TOKEN).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("GET /admin/dlq: " + response.statusCode() + " " + response.body());
        }
        JsonNode body = Json.MAPPER.readTree(response.body());
        return body.path("count").asLong();
    }

    private void awaitReady(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (http.send(HttpRequest.newBuilder(base.resolve("/ready")).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not yet
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("forgebus not ready within " + timeout);
    }

    static long rssKiB() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            // not Linux
        }
        return -1;
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
