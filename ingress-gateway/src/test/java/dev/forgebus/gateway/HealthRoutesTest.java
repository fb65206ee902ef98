package dev.forgebus.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import dev.forgebus.common.config.ServerConfig;
import dev.forgebus.common.health.LivenessCheck;
import dev.forgebus.common.health.ReadinessCheck;
import dev.forgebus.common.metrics.MetricsRegistry;

/** {@code /health} fails when a part is dead (so an orchestrator restarts it) and names the part. */
class HealthRoutesTest {

    @Test
    void health_turns_503_naming_the_dead_role_and_ready_reasons_name_the_role() throws Exception {
        AtomicReference<LivenessCheck.Status> dedup = new AtomicReference<>(LivenessCheck.Status.ok());
        List<LivenessCheck> liveness = List.of(LivenessCheck.of("dedup", dedup::get), () -> LivenessCheck.Status.ok());
        List<ReadinessCheck> readiness = List.of(ReadinessCheck.of("worker triage", () -> ReadinessCheck.Status.notReady("stopped")));
        try (HttpServer server = HttpServer.start(BoundPort.bind("127.0.0.1", 0), ServerConfig.defaults(), HttpServer.Refusals.NONE,
                List.of(HttpServer.managementRoutes(MetricsRegistry.create(), readiness, liveness)))) {
            HttpClient http = HttpClient.newHttpClient();
            URI health = URI.create("http://127.0.0.1:" + server.port() + "/health");

            assertThat(http.send(HttpRequest.newBuilder(health).build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);

            dedup.set(LivenessCheck.Status.dead("stopped after an error: RecordTooLargeException"));
            HttpResponse<String> down = http.send(HttpRequest.newBuilder(health).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(down.statusCode()).isEqualTo(503);
            assertThat(down.body()).contains("\"status\":\"down\"").contains("dedup: stopped after an error: RecordTooLargeException");

            HttpResponse<String> ready = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/ready")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(ready.body()).contains("worker triage: stopped");
        }
    }
}
