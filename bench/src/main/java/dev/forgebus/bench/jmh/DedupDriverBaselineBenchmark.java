package dev.forgebus.bench.jmh;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
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

/**
 * The control for {@link DedupLookupBenchmark}: the same {@link TopologyTestDriver} set-up (a
 * persistent RocksDB store in a temp dir, the same raw payloads and headers) with a trivial
 * processor that only does a {@code get} and a {@code put} of a small value keyed by the
 * delivery id, and forwards nothing. What it costs is the driver and store machinery (record
 * copy, per-record commit and store flush); the difference to {@link DedupLookupBenchmark} is
 * the dedup logic itself (JSON parse, routing, envelope and trace serialisation).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class DedupDriverBaselineBenchmark {

    private static final Instant START = Instant.parse("2026-03-01T12:00:00Z");
    private static final String STORE = "baseline-store";

    @Param({"1KB", "10KB", "1MB"})
    public String size;

    private Path stateDir;
    private TopologyTestDriver driver;
    private TestInputTopic<String, byte[]> raw;
    private byte[] payload;
    private long nextId;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        StreamsBuilder builder = new StreamsBuilder();
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE), Serdes.String(), Serdes.ByteArray()));
        builder.stream("raw", Consumed.with(Serdes.String(), Serdes.ByteArray())).process(GetPut::new, STORE);
        stateDir = Files.createTempDirectory("forgebus-jmh-baseline");
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "baseline-jmh");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        driver = new TopologyTestDriver(builder.build(), props, START);
        raw = driver.createInputTopic("raw", new StringSerializer(), new ByteArraySerializer());
        payload = Payloads.issueOpened(Payloads.parseSize(size));
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        driver.close();
        try (Stream<Path> files = Files.walk(stateDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Benchmark
    public void getPutNewId() {
        RecordHeaders h = new RecordHeaders();
        h.add("delivery-id", ("d-" + nextId++).getBytes(StandardCharsets.UTF_8));
        raw.pipeInput(new TestRecord<>("gh/MyOrg/app", payload, h, START));
    }

    static final class GetPut extends ContextualProcessor<String, byte[], Void, Void> {
        private static final byte[] SEEN = "{\"firstSeen\":\"2026-03-01T12:00:00Z\"}".getBytes(StandardCharsets.UTF_8);
        private KeyValueStore<String, byte[]> store;

        @Override
        public void init(ProcessorContext<Void, Void> context) {
            super.init(context);
            store = context.getStateStore(STORE);
        }

        @Override
        public void process(Record<String, byte[]> record) {
            String id = new String(record.headers().lastHeader("delivery-id").value(), StandardCharsets.UTF_8);
            if (store.get(id) == null) {
                store.put(id, SEEN);
            }
        }
    }
}
