package dev.forgebus.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import dev.forgebus.common.config.ConfigLoader;
import dev.forgebus.common.config.ForgebusConfig;

/** The webhook and management listeners of a process: what each serves, and a port conflict at start. */
class ListenersTest {
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    @Test
    @Timeout(10)
    void a_port_in_use_fails_the_start_at_once_with_one_line_and_no_stack_trace() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            // Given a config whose webhook port is taken (and a Kafka that does not exist: it must not matter)
            Path config = dir.resolve("forgebus.yml");
            Files.writeString(config, """
                    server: { bind: 127.0.0.1, port: %d }
                    management: { port: 0 }
                    kafka: { bootstrap_servers: "127.0.0.1:1" }
                    """.formatted(taken.getLocalPort()));
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();

            // When the gateway starts (a check made after connecting to that Kafka would hang: @Timeout ends it)
            int exit = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), "gateway", "--config", config.toString());

            // Then it fails before touching Kafka, with one clear line
            assertThat(exit).isNotZero();
            assertThat(err.toString().strip())
                    .isEqualTo("forgebus: cannot start: port " + taken.getLocalPort() + " on 127.0.0.1 is in use");
        }
    }

    @Test
    @Timeout(60)
    void the_webhook_port_serves_only_webhooks_and_the_management_port_serves_the_rest() throws Exception {
        // Given a gateway with a management block
        ForgebusConfig config = ConfigLoader.parse("""
                server: { bind: 127.0.0.1, port: 0 }
                management: { bind: 127.0.0.1, port: 0 }
                admin: { token: listeners-admin-token }
                kafka: { bootstrap_servers: "", embedded: { port: %d }, partitions: 1 }
                forges:
                  gh: { type: github, api_url: "http://127.0.0.1:1", webhook_secret: s }
                """.formatted(freePort()), "t.yml", n -> null);
        try (ForgebusProcess process = ForgebusProcess.start(config, dir, true,
                java.util.EnumSet.of(ForgebusProcess.Role.GATEWAY), java.util.Set.of())) {
            int webhooks = process.httpPort();
            int management = process.managementPort();
            assertThat(management).isNotEqualTo(webhooks);

            // Then health, readiness, metrics and admin answer on the management port only
            for (String path : new String[] {"/health", "/ready", "/metrics", "/admin/dlq"}) {
                assertThat(get(webhooks, path).statusCode()).as("webhook port " + path).isEqualTo(404);
                assertThat(get(management, path).statusCode()).as("management port " + path).isNotEqualTo(404);
            }
            assertThat(get(management, "/health").statusCode()).isEqualTo(200);
            // And the webhook route is on the webhook port only
            assertThat(get(webhooks, "/webhooks/gh").statusCode()).isEqualTo(405);
            assertThat(get(management, "/webhooks/gh").statusCode()).isEqualTo(404);
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private HttpResponse<String> get(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
