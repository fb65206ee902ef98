package dev.forgebus.gateway;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

import dev.forgebus.common.config.ConfigException;
import dev.forgebus.common.config.ConfigLoader;
import dev.forgebus.common.config.ConfigSource;
import dev.forgebus.common.config.ForgebusConfig;
import dev.forgebus.common.kafka.RawRecordHeaders;
import dev.forgebus.common.kafka.TopicNames;
import dev.forgebus.common.kafka.TopicProvisioner;
import dev.forgebus.common.metrics.MetricsRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * A real gateway on a loopback port in front of a real broker, with its own topic prefix so
 * test classes never see each other's records.
 */
final class TestGateway implements AutoCloseable {
    final ForgebusConfig config;
    /** The config in force; {@link #reload} replaces it as a changed file would. */
    final ConfigSource source;
    private final String fixedYaml;
    final TopicNames topics;
    final String bootstrap;
    final PrometheusMeterRegistry registry = MetricsRegistry.create();
    private final Gateway gateway;
    private final HttpServer server;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Map<String, ConsumerRecord<String, byte[]>> seen = new ConcurrentHashMap<>();
    private KafkaConsumer<String, byte[]> consumer;

    /** {@code forgesAndOrgs} is the YAML of the forges: and orgs: sections; the rest is fixed. */
    TestGateway(String bootstrap, String forgesAndOrgs, long maxBodyBytes, Duration ackTimeout) {
        this(bootstrap, forgesAndOrgs, "port: 0, max_body_bytes: " + maxBodyBytes, ackTimeout, List.of());
    }

    /**
     * @param serverKeys     the inside of the {@code server:} block
     * @param readiness      the checks of {@code /ready}, served on the same port (same_port mode)
     */
    TestGateway(String bootstrap, String forgesAndOrgs, String serverKeys, Duration ackTimeout,
                List<dev.forgebus.common.health.ReadinessCheck> readiness) {
        this.bootstrap = bootstrap;
        String prefix = "t" + UUID.randomUUID().toString().substring(0, 8);
        fixedYaml = "server: { " + serverKeys + " }\n"
                + "kafka: { bootstrap_servers: \"" + bootstrap + "\", topic_prefix: " + prefix + ", partitions: 2 }\n";
        String yaml = fixedYaml + forgesAndOrgs;
        try {
            config = ConfigLoader.parse(yaml, "test.yml", name -> null);
        } catch (Exception e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        topics = new TopicNames(prefix);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            new TopicProvisioner(admin, 2, (short) 1, config.server().maxBodyBytes() + 4 * 1024 * 1024)
                    .ensure(List.of(topics.raw()), 30_000);
        }
        source = new ConfigSource(config);
        gateway = Gateway.create(source, bootstrap, ackTimeout, registry);
        server = HttpServer.start(BoundPort.bind("127.0.0.1", 0), config.server(), gateway.refusals(),
                List.of(gateway::registerRoutes, HttpServer.managementRoutes(registry, readiness, List.of())));
    }

    /** Puts new {@code forges:} and {@code orgs:} sections in force, the rest as before. */
    void reload(String forgesAndOrgs) throws ConfigException {
        source.replace(ConfigLoader.parse(fixedYaml + forgesAndOrgs, "test.yml", name -> null));
    }

    int port() {
        return server.port();
    }

    HttpResponse<String> post(String path, Map<String, String> headers, byte[] body) {
        return send(path, headers, HttpRequest.BodyPublishers.ofByteArray(body));
    }

    HttpResponse<String> send(String path, Map<String, String> headers, HttpRequest.BodyPublisher body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port() + path))
                .timeout(Duration.ofSeconds(60)).POST(body);
        headers.forEach(request::header);
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException("request failed: " + e, e);
        }
    }

    HttpResponse<String> get(String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port() + path)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Headers of a GitHub delivery with a fresh delivery id. */
    static Map<String, String> githubHeaders(String event, String signature) {
        Map<String, String> h = new HashMap<>();
        h.put("Content-Type", "application/json");
        h.put("X-GitHub-Event", event);
        h.put("X-GitHub-Delivery", UUID.randomUUID().toString());
        if (signature != null) {
            h.put("X-Hub-Signature-256", signature);
        }
        return h;
    }

    /**
     * The raw record carrying this delivery id, polling the topic until it appears or the
     * deadline passes (then null).
     */
    synchronized ConsumerRecord<String, byte[]> awaitRaw(String deliveryId, Duration within) {
        if (consumer == null) {
            Map<String, Object> p = new HashMap<>();
            p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 64 * 1024 * 1024);
            p.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 64 * 1024 * 1024);
            consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
            List<TopicPartition> parts = new ArrayList<>();
            consumer.partitionsFor(topics.raw()).forEach(pi -> parts.add(new TopicPartition(pi.topic(), pi.partition())));
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
        }
        long deadline = System.nanoTime() + within.toNanos();
        while (!seen.containsKey(deliveryId) && System.nanoTime() < deadline) {
            for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                seen.put(header(r, topics.header(RawRecordHeaders.DELIVERY_ID)), r);
            }
        }
        return seen.get(deliveryId);
    }

    /** Every record read so far, by delivery id. */
    Map<String, ConsumerRecord<String, byte[]>> seen() {
        return seen;
    }

    static String header(ConsumerRecord<String, byte[]> r, String name) {
        var h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        if (consumer != null) {
            consumer.close();
        }
        server.close();
        gateway.close();
    }
}
