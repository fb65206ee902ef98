package dev.forgebus.workers.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import dev.forgebus.common.config.ConfigLoader;
import dev.forgebus.common.config.HealthProbe;
import dev.forgebus.common.config.ProbeSink;
import dev.forgebus.common.event.Json;

class HttpProbeTest {
    private HttpServer server;
    private final CountDownLatch release = new CountDownLatch(1);
    private final AtomicInteger elsewhereHits = new AtomicInteger();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/ok", ex -> answer(ex, 200, "{\"status\":\"ok\"}", null));
        server.createContext("/broken", ex -> answer(ex, 503, "down", null));
        server.createContext("/huge", ex -> answer(ex, 200, "x".repeat(HttpProbe.MAX_BODY_BYTES) + "\"ok\"", null));
        server.createContext("/same-host", ex -> answer(ex, 302, "", "/ok"));
        server.createContext("/other-host", ex -> answer(ex, 302, "", "http://localhost:" + port() + "/elsewhere"));
        server.createContext("/elsewhere", ex -> {
            elsewhereHits.incrementAndGet();
            answer(ex, 200, "ok", null);
        });
        server.createContext("/slow", ex -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            answer(ex, 200, "late", null);
        });
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.start();
    }

    @AfterEach
    void stop() {
        release.countDown();
        server.stop(0);
    }

    @Test
    void the_expected_status_and_body_text_are_up_and_a_wrong_status_is_down_with_both_statuses() throws Exception {
        HttpProbe prober = new HttpProbe();

        assertThat(prober.probe(probe("/ok", Optional.of("\"ok\"")))).isEqualTo(ProbeOutcome.up("status 200"));
        assertThat(prober.probe(probe("/broken", Optional.empty()))).isEqualTo(ProbeOutcome.down("status 503, expected 200"));
    }

    @Test
    void body_text_beyond_the_bytes_read_does_not_count_so_a_huge_answer_is_read_bounded() throws Exception {
        ProbeOutcome outcome = new HttpProbe().probe(probe("/huge", Optional.of("\"ok\"")));

        assertThat(outcome.up()).isFalse();
        assertThat(outcome.detail()).contains("does not contain the expected text");
    }

    @Test
    void a_redirect_on_the_same_host_is_followed_and_one_to_another_host_is_down_without_a_request_there() throws Exception {
        HttpProbe prober = new HttpProbe();

        assertThat(prober.probe(probe("/same-host", Optional.empty())).up()).isTrue();
        ProbeOutcome other = prober.probe(probe("/other-host", Optional.empty()));
        assertThat(other.up()).isFalse();
        assertThat(other.detail()).contains("redirects to another host");
        assertThat(elsewhereHits).hasValue(0);
    }

    @Test
    void follow_redirects_any_follows_a_redirect_to_another_host() throws Exception {
        // Given a probe allowed to follow redirects anywhere, on a URL that redirects from 127.0.0.1 to localhost
        HealthProbe probe = configured("/other-host", "any");

        // When it probes
        ProbeOutcome outcome = new HttpProbe().probe(probe);

        // Then the other host answered and counts
        assertThat(outcome.up()).as(outcome.detail()).isTrue();
        assertThat(elsewhereHits).hasValue(1);
    }

    @Test
    void follow_redirects_none_follows_no_redirect_even_on_the_same_host() throws Exception {
        ProbeOutcome outcome = new HttpProbe().probe(configured("/same-host", "none"));

        assertThat(outcome.up()).isFalse();
        assertThat(outcome.detail()).isEqualTo("status 302 is a redirect, not followed (follow_redirects: none)");
    }

    @Test
    void follow_redirects_same_host_treats_two_loopback_names_as_different_hosts() throws Exception {
        ProbeOutcome outcome = new HttpProbe().probe(configured("/other-host", "same_host"));

        assertThat(outcome.up()).isFalse();
        assertThat(outcome.detail()).contains("redirects to another host");
        assertThat(elsewhereHits).hasValue(0);
    }

    @Test
    void no_answer_within_the_timeout_is_down() throws Exception {
        long started = System.nanoTime();

        ProbeOutcome outcome = new HttpProbe().probe(new HealthProbe("api", url("/slow"), Duration.ofMinutes(1), 200,
                Duration.ofMillis(300), List.of(), Optional.empty(), 2));

        assertThat(outcome).isEqualTo(ProbeOutcome.down("no answer within 300 ms"));
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void the_file_sink_appends_one_json_line_per_change(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("sub/probes.jsonl");
        Instant at = Instant.parse("2026-11-30T01:00:00Z");

        ProbeSinkDelivery.appendLine(file, new StateChange("api", true, "status 503, expected 200", at).json().toString());
        ProbeSinkDelivery.appendLine(file, new StateChange("api", false, "status 200", at).json().toString());

        List<String> lines = Files.readAllLines(file);
        assertThat(lines).hasSize(2);
        assertThat(Json.MAPPER.readTree(lines.get(0)).path("state").asText()).isEqualTo("down");
        assertThat(Json.MAPPER.readTree(lines.get(1)).path("state").asText()).isEqualTo("up");
    }

    /** The probe of {@code path} as the config reader builds it, with {@code follow_redirects: value}. */
    private HealthProbe configured(String path, String followRedirects) throws Exception {
        return ConfigLoader.parse("""
                forges:
                  gh: { type: github, token: t, insecure_no_signature: true }
                health_monitor:
                  - { name: api, url: "%s", follow_redirects: %s }
                """.formatted(url(path), followRedirects), "forgebus.yml", name -> null).healthMonitor().get(0);
    }

    private HealthProbe probe(String path, Optional<String> bodyContains) {
        return new HealthProbe("api", url(path), Duration.ofMinutes(1), 200, Duration.ofSeconds(5),
                List.of(new ProbeSink.Stdout()), bodyContains, 2);
    }

    private URI url(String path) {
        return URI.create("http://127.0.0.1:" + port() + path);
    }

    private int port() {
        return server.getAddress().getPort();
    }

    private static void answer(HttpExchange ex, int status, String body, String location) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        if (location != null) {
            ex.getResponseHeaders().add("Location", location);
        }
        ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }
}
