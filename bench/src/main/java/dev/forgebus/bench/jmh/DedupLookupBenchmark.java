package dev.forgebus.bench.jmh;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import dev.forgebus.common.config.ConfigException;
import dev.forgebus.common.config.ConfigLoader;
import dev.forgebus.common.config.ForgebusConfig;
import dev.forgebus.common.kafka.RawRecordHeaders;
import dev.forgebus.common.kafka.TopicNames;
import dev.forgebus.dedup.DedupTopology;

/**
 * The cost of one raw record through the real dedup topology ({@link DedupTopology#build}, the
 * function production runs), driven by a {@link TopologyTestDriver} with the persistent
 * (RocksDB) {@code seen-deliveries} store in a temporary state directory.
 *
 * <ul>
 *   <li>{@link #firstSighting}: a new delivery id on every operation, an {@code issues.opened}
 *       for MyOrg/app, whose auto_triage routes it: parse, store miss, route, envelope on
 *       {@code events} and {@code work.triage}, store put, a trace decision.</li>
 *   <li>{@link #duplicate}: the same delivery id every time: parse, store hit, store put
 *       ({@code seenAgain}), a trace decision.</li>
 * </ul>
 * Each operation also drains the driver's output queues (otherwise they grow without bound);
 * that is a few list operations, small next to the rest. The driver commits (flushes the store)
 * after every record, which a real stream thread does only every commit interval, and the
 * mocked wall clock never advances, so the expiry sweep never runs: the numbers are the record
 * path itself, with a pessimistic flush.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class DedupLookupBenchmark {

    private static final Instant START = Instant.parse("2026-03-01T12:00:00Z");
    private static final String KEY = "gh/MyOrg/app";

    @Param({"1KB", "10KB", "1MB"})
    public String size;

    private final TopicNames topics = new TopicNames("bench");
    private Path stateDir;
    private TopologyTestDriver driver;
    private TestInputTopic<String, byte[]> raw;
    private final List<TestOutputTopic<String, byte[]>> outputs = new ArrayList<>();
    private byte[] payload;
    private long nextId;
    private String receivedAt;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        ForgebusConfig config = config();
        StreamsBuilder builder = new StreamsBuilder();
        DedupTopology.build(builder, config, topics);
        stateDir = Files.createTempDirectory("forgebus-jmh-dedup");
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "dedup-jmh");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        driver = new TopologyTestDriver(builder.build(), props, START);
        raw = driver.createInputTopic(topics.raw(), new StringSerializer(), new ByteArraySerializer());
        payload = Payloads.issueOpened(Payloads.parseSize(size));
        receivedAt = START.toString();

        // The delivery the duplicate benchmark repeats; it also shows which topics the path writes.
        pipe("dup-1");
        for (String topic : driver.producedTopicNames()) {
            outputs.add(driver.createOutputTopic(topic, new StringDeserializer(), new ByteArrayDeserializer()));
        }
        if (outputs.size() < 3) {
            throw new IllegalStateException("expected events, work.triage and trace, got " + driver.producedTopicNames());
        }
        drain();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        driver.close();
        try (Stream<Path> files = Files.walk(stateDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Benchmark
    public long firstSighting() {
        pipe("d-" + nextId++);
        return drain();
    }

    @Benchmark
    public long duplicate() {
        pipe("dup-1");
        return drain();
    }

    private void pipe(String deliveryId) {
        raw.pipeInput(new TestRecord<>(KEY, payload, headers(deliveryId), START));
    }

    private long drain() {
        long n = 0;
        for (TestOutputTopic<String, byte[]> out : outputs) {
            while (!out.isEmpty()) {
                n += out.readRecord().value().length;
            }
        }
        return n;
    }

    /** The headers the gateway writes on a raw record (as the dedup-streams tests build them). */
    private Headers headers(String deliveryId) {
        // The facts the gateway derives (Payloads' issue events are MyOrg/app, opened by octocat)
        return new RawRecordHeaders.Values("gh", "github", deliveryId, "issues", "opened", "MyOrg", "app", "octocat",
                java.time.Instant.parse(receivedAt), "application/json").toHeaders(topics);
    }

    static ForgebusConfig config() {
        try {
            return ConfigLoader.parse("""
                    kafka: { topic_prefix: bench, partitions: 1 }
                    dedup: { retention: 7d }
                    forges:
                      gh: { type: github, webhook_secret: bench-secret }
                    orgs:
                      MyOrg:
                        forge: gh
                        repositories:
                          app:
                            auto_triage: { add_needs_triage_label: true }
                    """, "bench.yml", name -> null);
        } catch (ConfigException e) {
            throw new IllegalStateException(e);
        }
    }
}
