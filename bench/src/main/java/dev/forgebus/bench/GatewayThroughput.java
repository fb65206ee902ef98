package dev.forgebus.bench;

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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.HdrHistogram.Recorder;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import dev.forgebus.broker.BrokerSettings;
import dev.forgebus.broker.EmbeddedKafkaBroker;
import dev.forgebus.common.config.ConfigLoader;
import dev.forgebus.common.config.ForgebusConfig;
import dev.forgebus.common.kafka.TopicNames;
import dev.forgebus.common.kafka.TopicProvisioner;
import dev.forgebus.common.metrics.MetricsRegistry;
import dev.forgebus.gateway.Gateway;
import dev.forgebus.gateway.HttpServer;
import dev.forgebus.gateway.ProducerTuning;
import dev.forgebus.gateway.RawEventPublisher;

/**
 * Gateway throughput against a raw producer, for several producer tunings, on one embedded
 * broker in this JVM. Closed loop: C concurrent senders, each waiting for its answer. Bounded:
 * N deliveries per variant, loopback only.
 *
 * <p>Run: {@code mvn -q -pl bench -am install -DskipTests && mvn -q -pl bench exec:java -Dexec.args="20000 32 10240"}
 * (count, concurrency, body bytes). The body may instead be a file, {@code @bench/wrk/push-10k.json}
 * (the bytes wrk posts, so the raw producer's figure is for the same bytes), and a fourth
 * argument {@code default} runs only the gateway's shipped tuning.
 */
public final class GatewayThroughput {
    private static final String SECRET = "bench-secret";

    public static void main(String[] args) throws Exception {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int concurrency = args.length > 1 ? Integer.parseInt(args[1]) : 32;
        String bodyArg = args.length > 2 ? args[2] : Integer.toString(10 * 1024);
        boolean onlyDefault = args.length > 3 && args[3].equals("default");
        List<ProducerTuning> all = List.of(
                new ProducerTuning(16 * 1024, 0, "none"),
                new ProducerTuning(16 * 1024, 2, "lz4"),
                new ProducerTuning(256 * 1024, 0, "none"),
                new ProducerTuning(256 * 1024, 2, "none"),
                new ProducerTuning(256 * 1024, 2, "lz4"),
                new ProducerTuning(256 * 1024, 5, "lz4"),
                new ProducerTuning(256 * 1024, 2, "zstd"));
        List<ProducerTuning> variants = onlyDefault ? List.of(ProducerTuning.DEFAULT) : all;
        Path dir = Files.createTempDirectory("forgebus-bench");
        byte[] body = bodyArg.startsWith("@") ? Files.readAllBytes(Path.of(bodyArg.substring(1)))
                : payload(Integer.parseInt(bodyArg));
        System.out.printf("machine: %d cores, java %s; %d deliveries of %d bytes, concurrency %d%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), count, body.length, concurrency);
        System.out.println("| variant | raw producer rec/s | gateway accepted/s | ratio | gateway p50 ms | p99 ms | p99.9 ms |");
        System.out.println("|---|---|---|---|---|---|---|");
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(BrokerSettings.of(dir.resolve("kafka"), 0))) {
            for (ProducerTuning tuning : variants) {
                double raw = rawProducer(broker.bootstrapServers(), tuning, body, count);
                Result gw = gateway(broker.bootstrapServers(), tuning, body, count, concurrency);
                System.out.printf("| %s | %.0f | %.0f | %.2f | %.1f | %.1f | %.1f |%n", tuning, raw, gw.perSecond, gw.perSecond / raw,
                        gw.histogram.getValueAtPercentile(50) / 1e6, gw.histogram.getValueAtPercentile(99) / 1e6,
                        gw.histogram.getValueAtPercentile(99.9) / 1e6);
            }
        }
    }

    record Result(double perSecond, Histogram histogram) {
    }

    static double rawProducer(String bootstrap, ProducerTuning tuning, byte[] body, int count) throws Exception {
        TopicNames topics = topics(bootstrap, body.length);
        Map<String, Object> props = RawEventPublisher.producerProperties(bootstrap, 26_214_400, Duration.ofSeconds(5), tuning);
        try (var producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < 1000; i++) {
                producer.send(new ProducerRecord<>(topics.raw(), "bench/o/r" + (i % 50), body));
            }
            producer.flush();
            AtomicLong failed = new AtomicLong();
            long start = System.nanoTime();
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(topics.raw(), "bench/o/r" + (i % 50), body), (md, e) -> {
                    if (e != null) {
                        failed.incrementAndGet();
                    }
                });
            }
            producer.flush();
            double perSecond = count / ((System.nanoTime() - start) / 1e9);
            if (failed.get() > 0) {
                throw new IllegalStateException(failed.get() + " raw sends failed");
            }
            return perSecond;
        }
    }

    static Result gateway(String bootstrap, ProducerTuning tuning, byte[] body, int count, int concurrency) throws Exception {
        TopicNames topics = topics(bootstrap, body.length);
        ForgebusConfig config = ConfigLoader.parse("""
                server: { port: 0 }
                kafka: { bootstrap_servers: "%s", topic_prefix: %s }
                forges:
                  gh: { type: github, api_url: "http://127.0.0.1:1", webhook_secret: %s }
                """.formatted(bootstrap, topics.prefix(), SECRET), "bench.yml", n -> null);
        var registry = MetricsRegistry.create();
        // 50 repositories, as for the raw producer's 50 keys, so both spread over the partitions alike.
        List<byte[]> bodies = new ArrayList<>();
        List<String> signatures = new ArrayList<>();
        String text = new String(body, StandardCharsets.UTF_8);
        for (int i = 0; i < 50; i++) {
            byte[] b = text.replace("\"name\":\"r\"", "\"name\":\"r" + i + "\"").getBytes(StandardCharsets.UTF_8);
            bodies.add(b);
            signatures.add("sha256=" + hmac(b));
        }
        try (Gateway gateway = Gateway.create(config, bootstrap, Duration.ofSeconds(5), registry, tuning);
             HttpServer server = HttpServer.start(
                     dev.forgebus.gateway.BoundPort.bind("127.0.0.1", 0), config.server(), gateway.refusals(), List.of(gateway::registerRoutes));
             ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
             ExecutorService clientThreads = Executors.newFixedThreadPool(2);
             HttpClient http = HttpClient.newBuilder().executor(clientThreads).build()) {
            // (closed at the end: exec:java waits for every non-daemon thread before it exits)
            URI uri = URI.create("http://127.0.0.1:" + server.port() + "/webhooks/gh");
            // Warm-up: the first ~10,000 requests run at a third of the warm rate (JIT of Jetty, the
            // HTTP client and the producer path), so a short warm-up made the first variant look slow.
            run(http, uri, signatures, bodies, Math.max(10_000, count / 2), concurrency, pool, new Recorder(3));
            Recorder recorder = new Recorder(3);
            long start = System.nanoTime();
            long accepted = run(http, uri, signatures, bodies, count, concurrency, pool, recorder);
            double seconds = (System.nanoTime() - start) / 1e9;
            if (accepted != count) {
                throw new IllegalStateException("only " + accepted + " of " + count + " accepted");
            }
            return new Result(accepted / seconds, recorder.getIntervalHistogram());
        }
    }

    private static long run(HttpClient http, URI uri, List<String> signatures, List<byte[]> bodies, int count, int concurrency,
                            ExecutorService pool, Recorder recorder) throws InterruptedException {
        Semaphore permits = new Semaphore(concurrency);
        AtomicLong accepted = new AtomicLong();
        for (int i = 0; i < count; i++) {
            permits.acquire();
            String signature = signatures.get(i % signatures.size());
            byte[] body = bodies.get(i % bodies.size());
            pool.submit(() -> {
                long t0 = System.nanoTime();
                try {
                    HttpRequest request = HttpRequest.newBuilder(uri)
                            .header("Content-Type", "application/json").header("X-GitHub-Event", "push")
                            .header("X-GitHub-Delivery", UUID.randomUUID().toString()).header("X-Hub-Signature-256", signature)
                            .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
                    if (http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 202) {
                        accepted.incrementAndGet();
                    }
                } catch (Exception e) {
                    // counted as not accepted
                } finally {
                    recorder.recordValue(System.nanoTime() - t0);
                    permits.release();
                }
            });
        }
        permits.acquire(concurrency);
        permits.release(concurrency);
        return accepted.get();
    }

    private static TopicNames topics(String bootstrap, int size) {
        TopicNames topics = new TopicNames("b" + UUID.randomUUID().toString().substring(0, 8));
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            new TopicProvisioner(admin, 12, (short) 1, 40L * 1024 * 1024).ensure(List.of(topics.raw()), 30_000);
        }
        return topics;
    }

    /** A push-shaped JSON body of about {@code size} bytes, mostly varied text as real commits are. */
    static byte[] payload(int size) {
        StringBuilder sb = new StringBuilder("{\"ref\":\"refs/heads/main\",\"repository\":{\"name\":\"r\",\"owner\":{\"login\":\"BenchOrg\"}},\"commits\":[");
        java.util.Random random = new java.util.Random(7);
        while (sb.length() < size - 200) {
            sb.append("{\"id\":\"").append(HexFormat.of().formatHex(randomBytes(random, 20)))
                    .append("\",\"message\":\"fix ").append(random.nextInt(100000)).append(" in module ")
                    .append(random.nextInt(500)).append("\",\"author\":{\"name\":\"dev").append(random.nextInt(50)).append("\"}},");
        }
        sb.setLength(sb.length() - 1);
        sb.append("]}");
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] randomBytes(java.util.Random random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private static String hmac(byte[] body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(body));
    }
}
