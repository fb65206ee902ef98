package dev.forgebus.app.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import dev.forgebus.common.config.ConfigLoader;
import dev.forgebus.common.config.ForgebusConfig;
import dev.forgebus.common.config.Secret;
import dev.forgebus.common.event.Json;
import dev.forgebus.common.kafka.TopicNames;
import dev.forgebus.forge.CallGate;
import dev.forgebus.forge.DefaultForgeClients;
import dev.forgebus.gateway.HttpServer;
import dev.forgebus.workers.dlq.DeadLetters;
import dev.forgebus.workers.migrations.ServiceMigrations;
import dev.forgebus.workers.migrations.SharedTestPostgres;
import dev.forgebus.workers.runtime.WorkerSettings;

/** {@code /admin/migrations} on a real HTTP server and a real PostgreSQL; the URL's password never in an answer. */
class MigrationAdminTest {
    private static final String TOKEN = "migration-admin-test-token";
    private static final String PASSWORD = "Pa55-w0rd-never-shown";
    private final HttpClient http = HttpClient.newHttpClient();
    @TempDir
    Path folder;
    private DeadLetters deadLetters;
    private HttpServer server;

    @BeforeEach
    void start() throws Exception {
        String db = SharedTestPostgres.newDatabase()
                .replace("jdbc:postgresql://", "postgresql://postgres:" + PASSWORD + "@").replace("?user=postgres", "");
        ForgebusConfig config = ConfigLoader.parse("""
                migrations:
                  orders: { db_url_env: ORDERS_DB_URL, source: { type: local, path: "%s" } }
                """.formatted(folder), "forgebus.yml", name -> null);
        ServiceMigrations migrations = new ServiceMigrations(name -> Optional.ofNullable(Map.of("ORDERS_DB_URL", db).get(name)),
                retry -> { }, Duration.ZERO, "admin-test");
        deadLetters = new DeadLetters("127.0.0.1:1", new TopicNames("admintest"), Duration.ofMillis(300),
                WorkerSettings.DEFAULT_MAX_RECORD_BYTES);
        var routes = new AdminRoutes(Secret.of(TOKEN), id -> List.of(), new DeadLetterAdmin(deadLetters),
                new FailedTokenAttempts(3, Duration.ofMinutes(1), Duration.ofMinutes(5), 100, System::nanoTime), Optional.empty(),
                Optional.of(new MigrationAdmin(() -> config, new DefaultForgeClients(config, CallGate.OPEN), migrations)));
        server = HttpServer.start(dev.forgebus.gateway.BoundPort.bind("127.0.0.1", 0), dev.forgebus.common.config.ServerConfig.defaults(),
                HttpServer.Refusals.NONE, List.of(routes::register));
    }

    @AfterEach
    void stop() {
        server.close();
        deadLetters.close();
    }

    @Test
    void status_shows_pending_apply_applies_and_a_changed_file_is_drift_409() throws Exception {
        Files.writeString(folder.resolve("V1__orders.sql"), "CREATE TABLE orders (id int);");

        JsonNode before = Json.MAPPER.readTree(send("GET", "/admin/migrations").body());
        assertThat(before.path("services").path(0).path("pending").get(0).asText()).isEqualTo("V1__orders.sql");

        HttpResponse<String> applied = send("POST", "/admin/migrations/orders/apply");
        assertThat(applied.statusCode()).isEqualTo(200);
        assertThat(Json.MAPPER.readTree(applied.body()).path("message").asText()).isEqualTo("applied 1 migration: V1");

        JsonNode after = Json.MAPPER.readTree(send("GET", "/admin/migrations").body()).path("services").path(0);
        assertThat(after.path("applied").path(0).path("version").asText()).isEqualTo("1");
        assertThat(after.path("applied").path(0).path("applied_by").asText()).startsWith("admin-test@");
        assertThat(after.path("pending")).isEmpty();

        Files.writeString(folder.resolve("V1__orders.sql"), "CREATE TABLE orders (id bigint);");
        HttpResponse<String> drift = send("POST", "/admin/migrations/orders/apply");
        assertThat(drift.statusCode()).isEqualTo(409);
        assertThat(Json.MAPPER.readTree(drift.body()).path("status").asText()).isEqualTo("drift");
        assertThat(send("GET", "/admin/migrations").body()).contains("changed after it was applied").doesNotContain(PASSWORD);
    }

    @Test
    void a_failing_file_is_422_naming_it_without_the_password() throws Exception {
        Files.writeString(folder.resolve("V1__broken.sql"), "SELECT * FROM no_such_table;");

        HttpResponse<String> failed = send("POST", "/admin/migrations/orders/apply");

        assertThat(failed.statusCode()).isEqualTo(422);
        assertThat(Json.MAPPER.readTree(failed.body()).path("message").asText()).startsWith("failed V1__broken.sql: ERROR: relation");
        assertThat(failed.body()).doesNotContain(PASSWORD);
    }

    private HttpResponse<String> send(String method, String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + TOKEN).method(method, HttpRequest.BodyPublishers.noBody()).build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
