package dev.forgebus.app.e2e;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.UUID;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.databind.JsonNode;

import dev.forgebus.app.ForgebusTestAccess;
import dev.forgebus.app.Modules;
import dev.forgebus.common.config.ConfigLoader;
import dev.forgebus.common.config.ForgebusConfig;
import dev.forgebus.common.event.Json;

/**
 * {@code forgebus run} in this JVM: embedded broker in a temp dir, every role, the real HTTP
 * server on a free port, in front of a fake forge.
 */
final class RunningForgebus implements AutoCloseable {
    static final String SECRET = "e2e-webhook-secret";
    static final String ADMIN_TOKEN = "e2e-admin-token";

    private final AutoCloseable process;
    final int port;
    final int managementPort;
    final String yaml;
    private final HttpClient http = HttpClient.newHttpClient();

    RunningForgebus(String yaml, Path dataDir) throws Exception {
        this(Modules.BUILT_IN, yaml, dataDir);
    }

    /** With {@code modules} (the config is read with their catalog). */
    RunningForgebus(Modules modules, String yaml, Path dataDir) throws Exception {
        this.yaml = yaml;
        ForgebusConfig config = ConfigLoader.parse(yaml, "e2e.yml", name -> null, modules.catalog());
        ForgebusTestAccess.Started started = ForgebusTestAccess.run(modules, config, dataDir);
        this.process = started.process();
        this.port = started.httpPort();
        this.managementPort = started.managementPort();
    }

    /** {@code run --config FILE}: the file is watched and reloaded when it changes. */
    RunningForgebus(Path configFile, Path dataDir) throws Exception {
        this.yaml = java.nio.file.Files.readString(configFile);
        ForgebusTestAccess.Started started = ForgebusTestAccess.run(configFile, dataDir);
        this.process = started.process();
        this.port = started.httpPort();
        this.managementPort = started.managementPort();
    }

    /** The e2e config: one GitHub forge at the fake forge, org MyOrg with triage rules. */
    static String config(String apiUrl, int kafkaPort, String extraOrgYaml) {
        return """
                server: { port: 0 }
                management: { port: 0 }
                admin: { token: %s }
                kafka: { bootstrap_servers: "", embedded: { port: %d }, partitions: 3 }
                workers: { max_attempts: 3, backoff: [200ms, 300ms] }
                forges:
                  github:
                    type: github
                    api_url: "%s"
                    token: e2e-forge-token
                    webhook_secret: %s
                    rate_limit: { requests_per_hour: 360000, max_concurrent: 4, writes_per_minute: 60000 }
                orgs:
                  MyOrg:
                    forge: github
                    auto_triage:
                      add_needs_triage_label: true
                      rules:
                        - { keywords: [crash, error], labels: [bug] }
                        - { keywords: [docs], labels: [documentation] }
                    repositories:
                      app: {}
                      quiet: { auto_triage: { enabled: false } }
                %s
                """.formatted(ADMIN_TOKEN, kafkaPort, apiUrl, SECRET, extraOrgYaml);
    }

    static byte[] issueOpened(String repo, int number, String title) {
        return ("{\"action\":\"opened\",\"issue\":{\"number\":" + number + ",\"title\":\"" + title + "\",\"labels\":[]},"
                + "\"repository\":{\"name\":\"" + repo + "\",\"full_name\":\"MyOrg/" + repo + "\",\"owner\":{\"login\":\"MyOrg\"}},"
                + "\"sender\":{\"login\":\"octocat\"}}").getBytes(StandardCharsets.UTF_8);
    }

    HttpResponse<String> postGithub(String event, String delivery, byte[] body) throws Exception {
        return postGithub(event, delivery, body, SECRET);
    }

    /** A delivery signed with {@code secret}. */
    HttpResponse<String> postGithub(String event, String delivery, byte[] body, String secret) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return http.send(HttpRequest.newBuilder(uri("/webhooks/github"))
                .header("Content-Type", "application/json").header("X-GitHub-Event", event)
                .header("X-GitHub-Delivery", delivery)
                .header("X-Hub-Signature-256", "sha256=" + HexFormat.of().formatHex(mac.doFinal(body)))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static String newDelivery() {
        return UUID.randomUUID().toString();
    }

    HttpResponse<String> admin(String method, String path, String body, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(managementUri(path)).timeout(Duration.ofSeconds(30));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    JsonNode adminJson(String method, String path, String body) throws Exception {
        return Json.MAPPER.readTree(admin(method, path, body, ADMIN_TOKEN).body());
    }

    String metrics() throws Exception {
        return http.send(HttpRequest.newBuilder(managementUri("/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private URI managementUri(String path) {
        return URI.create("http://127.0.0.1:" + managementPort + path);
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    @Override
    public void close() throws Exception {
        process.close();
    }
}
