package dev.forgebus.app.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.forgebus.common.config.Secret;
import dev.forgebus.common.event.DedupDecision;
import dev.forgebus.common.kafka.TopicNames;
import dev.forgebus.gateway.HttpServer;
import dev.forgebus.workers.dlq.DeadLetters;
import dev.forgebus.workers.runtime.WorkerSettings;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * The admin routes on a real HTTP server, without Kafka: whatever the input, the answer is a
 * 4xx naming the problem (never a 500), and token guessing is slowed down per address. Kafka
 * behind them is unreachable on purpose: a request that passes validation gets 503, which shows
 * it was not refused.
 */
class AdminRoutesTest {
    private static final String TOKEN = "admin-routes-test-token";
    private final AtomicLong nanos = new AtomicLong(1_000);
    private final HttpClient http = HttpClient.newHttpClient();
    private DeadLetters deadLetters;
    private HttpServer server;

    @BeforeEach
    void start() {
        deadLetters = new DeadLetters("127.0.0.1:1", new TopicNames("admintest"), Duration.ofMillis(300),
                WorkerSettings.DEFAULT_MAX_RECORD_BYTES);
        DeliveryLookup traces = id -> id.equals("known-1")
                ? List.of(new DeliveryTrace("gh", "known-1", List.<DedupDecision>of(), List.of()))
                : List.of();
        var failures = new FailedTokenAttempts(3, Duration.ofMinutes(1), Duration.ofMinutes(5), 100, nanos::get);
        var routes = new AdminRoutes(Secret.of(TOKEN), traces, new DeadLetterAdmin(deadLetters), failures);
        server = HttpServer.start(dev.forgebus.gateway.BoundPort.bind("127.0.0.1", 0), dev.forgebus.common.config.ServerConfig.defaults(),
                HttpServer.Refusals.NONE, List.of(routes::register));
    }

    @AfterEach
    void stop() {
        server.close();
        deadLetters.close();
    }

    @Test
    void garbage_at_every_route_gets_a_4xx_naming_the_problem_and_never_a_500() throws Exception {
        Map<String, String> replayBodies = new java.util.LinkedHashMap<>();
        replayBodies.put("not json", "JSON");
        replayBodies.put("[1, 2]", "object");
        replayBodies.put("\"all\"", "object");
        replayBodies.put("null", "object");
        replayBodies.put("", "JSON");
        replayBodies.put("{\"all\": true} {\"all\": true}", "JSON");
        replayBodies.put("{\"all\": true, \"all\": false}", "JSON");
        replayBodies.put("{\"ids\": \"x\"}", "ids");
        replayBodies.put("{\"ids\": [1]}", "ids[0]");
        replayBodies.put("{\"ids\": [\"triage:0\"]}", "ids[0]");
        replayBodies.put("{\"ids\": [\"triage:0:-1\"]}", "ids[0]");
        replayBodies.put("{\"ids\": [\"triage:99999999999:0\"]}", "ids[0]");
        replayBodies.put("{\"ids\": [\"nosuch:0:1\"]}", "nosuch");
        replayBodies.put("{\"ids\": [], \"module\": 7}", "module");
        replayBodies.put("{\"module\": \"nosuch\"}", "module");
        replayBodies.put("{\"module\": null}", "module");
        replayBodies.put("{\"since\": \"yesterday\"}", "since");
        replayBodies.put("{\"since\": 1700000000}", "since");
        replayBodies.put("{\"all\": \"true\"}", "all");
        replayBodies.put("{\"module\": \"triage\", \"dry_run\": \"yes\"}", "dry_run");
        replayBodies.put("{\"module\": \"triage\", \"dryRun\": true}", "dry_run");
        replayBodies.put("{\"module\": \"triage\", \"again\": 1}", "again");
        replayBodies.put("{\"modul\": \"triage\"}", "modul");
        replayBodies.put("{}", "all");
        replayBodies.put("{\"ids\": []}", "all");
        replayBodies.put("{\"all\": true, \"module\": \"triage\"}", "combined");
        replayBodies.put("{\"module\": \"triage\", \"ids\": [\"dedup:0:1\"]}", "not of module");
        for (var body : replayBodies.entrySet()) {
            HttpResponse<String> answer = send("POST", "/admin/dlq/replay", body.getKey().getBytes(StandardCharsets.UTF_8), TOKEN);
            assertThat(answer.statusCode()).as(body.getKey() + " -> " + answer.body()).isEqualTo(400);
            assertThat(answer.body()).as(body.getKey()).contains("\"status\":\"bad_request\"").contains(body.getValue());
        }

        byte[] notUtf8 = {'{', '"', 'm', 'o', 'd', 'u', 'l', 'e', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
        assertThat(send("POST", "/admin/dlq/replay", notUtf8, TOKEN).body()).contains("UTF-8");
        assertThat(send("POST", "/admin/dlq/replay?all=true", "{\"all\": true}".getBytes(StandardCharsets.UTF_8), TOKEN).body())
                .contains("unknown query parameter 'all'");

        for (String path : List.of("/admin/dlq?limit=-1", "/admin/dlq?limit=1001", "/admin/dlq?limit=1e3", "/admin/dlq?limit=",
                "/admin/dlq?module=", "/admin/dlq?module=nosuch", "/admin/dlq?since=2026-13-01", "/admin/dlq?bogus=1",
                "/admin/dlq?limit=1&limit=2", "/admin/deliveries/known-1?x=1", "/admin/deliveries/a%20b",
                "/admin/deliveries/" + "x".repeat(201))) {
            HttpResponse<String> answer = send("GET", path, null, TOKEN);
            assertThat(answer.statusCode()).as(path + " -> " + answer.body()).isEqualTo(400);
            assertThat(answer.body()).as(path).contains("\"status\":\"bad_request\"");
        }
        assertThat(send("GET", "/admin/deliveries/%C3%28", null, TOKEN).statusCode()).as("not UTF-8: the server refuses the path")
                .isEqualTo(400);
        assertThat(send("GET", "/admin/deliveries/known-1", null, TOKEN).statusCode()).isEqualTo(200);
        assertThat(send("GET", "/admin/deliveries/unknown-1", null, TOKEN).statusCode()).isEqualTo(404);
    }

    @Test
    void a_body_over_64_KiB_is_refused_with_413_and_a_valid_one_reaches_kafka() throws Exception {
        byte[] huge = ("{\"ids\": [" + "\"triage:0:1\",".repeat(10_000) + "\"triage:0:1\"]}").getBytes(StandardCharsets.UTF_8);

        HttpResponse<String> tooLarge = send("POST", "/admin/dlq/replay", huge, TOKEN);
        HttpResponse<String> valid = send("POST", "/admin/dlq/replay", "{\"module\": \"dedup\", \"dry_run\": true}"
                .getBytes(StandardCharsets.UTF_8), TOKEN);
        HttpResponse<String> list = send("GET", "/admin/dlq?module=dedup&limit=1000&since=" + Instant.EPOCH, null, TOKEN);

        assertThat(tooLarge.statusCode()).as(tooLarge.body()).isEqualTo(413);
        assertThat(tooLarge.body()).contains("65536");
        assertThat(valid.statusCode()).as("validated, then Kafka is unreachable: " + valid.body()).isEqualTo(503);
        assertThat(list.statusCode()).as(list.body()).isEqualTo(503);
    }

    @Test
    void after_too_many_wrong_tokens_an_address_gets_429_with_retry_after_even_with_the_right_token() throws Exception {
        for (int i = 0; i < 3; i++) {
            assertThat(send("GET", "/admin/deliveries/known-1", null, "wrong-" + i).statusCode()).isEqualTo(401);
        }

        HttpResponse<String> refused = send("GET", "/admin/deliveries/known-1", null, TOKEN);

        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.headers().firstValue("Retry-After")).contains("300");
        assertThat(refused.body()).contains("too_many_requests").doesNotContain(TOKEN);
        nanos.addAndGet(Duration.ofMinutes(5).toNanos());
        assertThat(send("GET", "/admin/deliveries/known-1", null, TOKEN).statusCode()).as("after the cooldown").isEqualTo(200);
    }

    @Test
    void successful_requests_do_not_count_towards_the_limit() throws Exception {
        for (int i = 0; i < 10; i++) {
            assertThat(send("GET", "/admin/deliveries/known-1", null, TOKEN).statusCode()).isEqualTo(200);
        }
        send("GET", "/admin/deliveries/known-1", null, "wrong");
        send("GET", "/admin/deliveries/known-1", null, null);

        assertThat(send("GET", "/admin/deliveries/known-1", null, TOKEN).statusCode()).isEqualTo(200);
    }

    private HttpResponse<String> send(String method, String path, byte[] body, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .timeout(Duration.ofSeconds(20));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
