package dev.forgebus.bench.sweep;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;

import dev.forgebus.app.EmbeddedForgebus;
import dev.forgebus.common.config.ConfigLoader;
import dev.forgebus.common.config.ForgebusConfig;
import dev.forgebus.common.event.Json;
import dev.forgebus.fakeforge.FakeForge;
import dev.forgebus.fakeforge.RecordedRequest;

/**
 * A stale sweep of a large org against the fake forge, to measure what it costs in forge calls and
 * how long it takes at GitHub's real limits (issue 12: "API calls and wall time of a 10,000-issue
 * sweep at 5,000 requests/h and 80 writes/min, and which limit it hits").
 *
 * <p>Waiting hours for the real limits is not a benchmark anyone runs, so the credential's budgets
 * are multiplied by {@code scale} (both of them, so the same limit binds as at scale 1), the sweep
 * is timed, and the real-limit wall time is reported two ways: the measured time × scale, and the
 * floor the budgets put under it (all calls / 5,000 per hour; writes / 80 per minute). When the two
 * agree the sweep runs at its budget; when measured × scale is higher, something else (Forgebus
 * itself) holds it, and the figure says by how much.
 *
 * <p>The org: {@code repos} repositories, {@code issues} open issues spread over them, a third
 * young (left alone), a third idle 100 days (label + stale comment: 2 writes), a third labelled stale
 * by hand 20 days ago (comments read, close comment + close: 1 read, 2 writes).
 *
 * <pre>
 * mvn -q -B -o package -DskipTests -pl bench -am
 * mvn -q -B -o -pl bench dependency:build-classpath -Dmdep.outputFile=/tmp/sweep-cp.txt
 * # (replace the forgebus-*.jar entries of ~/.m2 with each module's target/classes, as for EndToEndLoad)
 * java -Xmx2g -cp bench/target/classes:$(cat /tmp/sweep-cp.txt) dev.forgebus.bench.sweep.StaleSweepLoad 10000 20 60
 * </pre>
 */
public final class StaleSweepLoad {
    static final String ADMIN_TOKEN = "bench-admin-token";
    static final String ORG = "MyOrg";
    static final int REAL_REQUESTS_PER_HOUR = 5_000;
    static final int REAL_WRITES_PER_MINUTE = 80;

    private StaleSweepLoad() {
    }

    public static void main(String[] args) throws Exception {
        int issues = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int repos = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        int scale = args.length > 2 ? Integer.parseInt(args[2]) : 60;
        if (issues < 3 || issues > 100_000 || repos < 1 || repos > 1_000 || scale < 1 || scale > 10_000) {
            throw new IllegalArgumentException("issues 3..100000, repos 1..1000, scale 1..10000");
        }
        System.out.printf("machine: %d cores, java %s; %d issues over %d repositories; budgets ×%d "
                        + "(%d requests/h, %d writes/min)%n", Runtime.getRuntime().availableProcessors(),
                System.getProperty("java.version"), issues, repos, scale,
                REAL_REQUESTS_PER_HOUR * scale, REAL_WRITES_PER_MINUTE * scale);
        Path dataDir = Files.createTempDirectory("forgebus-sweep-bench");
        try (FakeForge forge = FakeForge.start(FakeForge.Flavor.GITHUB)) {
            forge.rateLimit(Integer.MAX_VALUE);
            Expected expected = populate(forge, issues, repos, Instant.now());
            ForgebusConfig config = ConfigLoader.parse(config(forge.apiUrl().toString(), freePort(), repos, scale),
                    "sweep-bench.yml", k -> null);
            try (EmbeddedForgebus forgebus = EmbeddedForgebus.start(config, dataDir)) {
                HttpClient http = HttpClient.newHttpClient();
                URI base = URI.create("http://127.0.0.1:" + forgebus.httpPort());
                awaitReady(http, base);
                int before = forge.requests().size(); // start-up reads (none expected), not the sweep's
                long start = System.nanoTime();
                String delivery = runJob(http, base);
                String note = awaitSweepFinished(http, base, delivery, Duration.ofHours(2));
                double seconds = (System.nanoTime() - start) / 1e9;
                report(forge.requests().subList(before, forge.requests().size()), expected, seconds, scale, note);
            }
        }
        System.exit(0); // the fake forge and HttpClient leave non-daemon threads behind
    }

    /** What the sweep must do: a third marked, a third closed. */
    record Expected(int issues, int marks, int closes) {
    }

    static Expected populate(FakeForge forge, int issues, int repos, Instant now) {
        int marks = 0;
        int closes = 0;
        for (int i = 0; i < issues; i++) {
            String repo = "repo-" + (i % repos);
            long number = i / repos + 1;
            forge.createIssue(ORG, repo, number, "issue " + number);
            switch (i % 3) {
                case 0 -> forge.setIssueUpdatedAt(ORG, repo, number, now.minus(Duration.ofDays(10)));
                case 1 -> {
                    forge.setIssueUpdatedAt(ORG, repo, number, now.minus(Duration.ofDays(100)));
                    marks++;
                }
                default -> {
                    forge.labelIssue(ORG, repo, number, "stale");
                    forge.setIssueUpdatedAt(ORG, repo, number, now.minus(Duration.ofDays(20)));
                    closes++;
                }
            }
        }
        return new Expected(issues, marks, closes);
    }

    static String config(String apiUrl, int kafkaPort, int repos, int scale) {
        StringBuilder repositories = new StringBuilder();
        for (int r = 0; r < repos; r++) {
            repositories.append("      repo-").append(r).append(": {}\n");
        }
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
                    webhook_secret: bench-webhook-secret
                    rate_limit: { requests_per_hour: %d, writes_per_minute: %d, max_concurrent: 10 }
                orgs:
                  %s:
                    forge: github
                    stale_management: { days_until_stale: 60, days_until_close: 7, stale_comment: "Going stale.", close_comment: "Closed as stale." }
                    repositories:
                """.formatted(ADMIN_TOKEN, kafkaPort, apiUrl, REAL_REQUESTS_PER_HOUR * scale,
                REAL_WRITES_PER_MINUTE * scale, ORG) + repositories;
    }

    static void report(List<RecordedRequest> requests, Expected expected, double seconds, int scale, String note) {
        Map<String, Integer> byKind = new TreeMap<>();
        int writes = 0;
        int labelPosts = 0;
        int closes = 0;
        for (RecordedRequest r : requests) {
            String kind = r.method() + " " + r.path().replaceAll("/repos/[^/]+/[^/]+", "/repos/{o}/{r}").replaceAll("/\\d+", "/{n}")
                    .replaceAll("/labels/[^/]+$", "/labels/{name}");
            byKind.merge(kind, 1, Integer::sum);
            if (r.isWrite()) {
                writes++;
            }
            if (r.is("POST", "/repos/[^/]+/[^/]+/issues/\\d+/labels")) {
                labelPosts++;
            }
            if (r.is("PATCH", "/repos/[^/]+/[^/]+/issues/\\d+") && r.body().contains("closed")) {
                closes++;
            }
        }
        int calls = requests.size();
        double hourlyFloorReal = calls * 3600.0 / REAL_REQUESTS_PER_HOUR;
        double writeFloorReal = writes * 60.0 / REAL_WRITES_PER_MINUTE;
        System.out.println();
        System.out.println("sweep outcome: " + note);
        System.out.printf("effects: %d marked (expected %d), %d closed (expected %d)%n", labelPosts, expected.marks(), closes,
                expected.closes());
        System.out.println("calls by kind:");
        byKind.forEach((k, v) -> System.out.printf("  %6d  %s%n", v, k));
        System.out.println();
        System.out.println("| issues | calls | reads | writes | calls/issue | wall at ×" + scale + " s | × " + scale
                + " = real h | floor 5,000/h h | floor 80 writes/min h | binding |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|");
        int issues = expected.issues();
        System.out.printf("| %d | %d | %d | %d | %.2f | %.1f | %.2f | %.2f | %.2f | %s |%n",
                issues, calls, calls - writes, writes, calls / (double) issues, seconds,
                seconds * scale / 3600, hourlyFloorReal / 3600, writeFloorReal / 3600,
                hourlyFloorReal >= writeFloorReal ? "requests/h" : "writes/min");
    }

    static void awaitReady(HttpClient http, URI base) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                if (http.send(HttpRequest.newBuilder(base.resolve("/ready")).build(), HttpResponse.BodyHandlers.discarding())
                        .statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(200); // a poll interval, not synchronisation
        }
        throw new IllegalStateException("forgebus not ready within 2 minutes");
    }

    static String runJob(HttpClient http, URI base) throws Exception {
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(base.resolve("/admin/jobs/stale:github:" + ORG + "/run"))
                .header("Authorization", "Bearer " + ADMIN_TOKEN).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() != 202) {
            throw new IllegalStateException("jobs run: " + answer.statusCode() + " " + answer.body());
        }
        return Json.MAPPER.readTree(answer.body()).path("delivery").asText();
    }

    static String awaitSweepFinished(HttpClient http, URI base, String delivery, Duration within) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            HttpResponse<String> trace = http.send(HttpRequest.newBuilder(base.resolve("/admin/deliveries/" + delivery))
                    .header("Authorization", "Bearer " + ADMIN_TOKEN).build(), HttpResponse.BodyHandlers.ofString());
            if (trace.statusCode() == 200) {
                JsonNode node = Json.MAPPER.readTree(trace.body());
                String text = node.toString();
                if (text.contains("sweep finished") || text.contains("DEAD_LETTER") || text.contains("re-check limit")) {
                    return node.path("sightings").path(0).path("outcomes").toString() + " " + node.path("outcomes").toString();
                }
            }
            Thread.sleep(500); // a poll interval, not synchronisation
        }
        throw new IllegalStateException("sweep not finished within " + within);
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
