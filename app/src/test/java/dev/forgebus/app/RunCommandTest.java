package dev.forgebus.app;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code forgebus run} as a real separate process: it starts its embedded broker, becomes
 * ready, accepts a signed webhook onto the raw topic, stops cleanly on SIGTERM, and after a
 * restart on the same data directory still has that record.
 */
class RunCommandTest {
    private static final String SECRET = "run-test-secret";
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<Process> processes = new ArrayList<>();

    @TempDir
    Path dir;

    @AfterEach
    void killLeftovers() {
        processes.forEach(Process::destroyForcibly);
    }

    @Test
    void run_starts_an_embedded_broker_accepts_webhooks_and_keeps_data_across_restarts() throws Exception {
        int httpPort = freePort();
        int kafkaPort = freePort();
        Path config = dir.resolve("forgebus.yml");
        Files.writeString(config, """
                server: { port: %d }
                management: { same_port: true }
                kafka: { bootstrap_servers: "", embedded: { port: %d }, partitions: 2 }
                forges:
                  github: { type: github, api_url: "http://127.0.0.1:1", webhook_secret: %s }
                """.formatted(httpPort, kafkaPort, SECRET));
        Path dataDir = dir.resolve("data");

        Process first = start(config, dataDir, "first.log");
        awaitReady(httpPort, first);
        String delivery = UUID.randomUUID().toString();
        byte[] body = "{\"action\":\"opened\",\"repository\":{\"name\":\"r\",\"owner\":{\"login\":\"MyOrg\"}}}"
                .getBytes(StandardCharsets.UTF_8);
        assertThat(postSigned(httpPort, delivery, body).statusCode()).isEqualTo(202);
        assertThat(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/admin/dlq")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).as("no admin.token: /admin is off").isEqualTo(404);
        assertThat(readRaw(kafkaPort, delivery)).isEqualTo(body);
        String clusterMeta = Files.readString(findMetaProperties(dataDir));

        first.destroy(); // SIGTERM
        assertThat(first.waitFor(60, TimeUnit.SECONDS)).as("stopped within 60 s after SIGTERM").isTrue();
        assertThat(Files.readString(dir.resolve("first.log"))).contains("stopping").doesNotContain("ERROR");

        Process second = start(config, dataDir, "second.log");
        awaitReady(httpPort, second);
        assertThat(readRaw(kafkaPort, delivery)).as("record kept across restart").isEqualTo(body);
        assertThat(Files.readString(findMetaProperties(dataDir))).isEqualTo(clusterMeta);
        second.destroy();
        assertThat(second.waitFor(60, TimeUnit.SECONDS)).isTrue();
    }

    private Process start(Path config, Path dataDir, String log) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                "dev.forgebus.app.Main", "run", "--config", config.toString(), "--data-dir", dataDir.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve(log).toFile());
        Process p = pb.start();
        processes.add(p);
        return p;
    }

    private void awaitReady(int port, Process process) {
        org.awaitility.Awaitility.await("forgebus run ready").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    assertThat(process.isAlive()).as("forgebus run exited early").isTrue();
                    try {
                        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ready")).build(),
                                HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
                    } catch (IOException notYetListening) {
                        return false;
                    }
                });
    }

    private HttpResponse<String> postSigned(int port, String delivery, byte[] body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String signature = "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/webhooks/github"))
                .header("Content-Type", "application/json").header("X-GitHub-Event", "issues")
                .header("X-GitHub-Delivery", delivery).header("X-Hub-Signature-256", signature)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static byte[] readRaw(int kafkaPort, String delivery) {
        Map<String, Object> p = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + kafkaPort);
        try (var consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = consumer.partitionsFor("forgebus.raw").stream()
                    .map(pi -> new TopicPartition(pi.topic(), pi.partition())).toList();
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    var h = r.headers().lastHeader("forgebus.delivery-id");
                    if (h != null && new String(h.value(), StandardCharsets.UTF_8).equals(delivery)) {
                        return r.value();
                    }
                }
            }
        }
        return null;
    }

    private static Path findMetaProperties(Path dataDir) throws IOException {
        try (var files = Files.walk(dataDir)) {
            return files.filter(f -> f.getFileName().toString().equals("meta.properties")).findFirst()
                    .orElseThrow(() -> new AssertionError("no meta.properties under " + dataDir));
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
