package dev.forgebus.dedup;

import java.util.function.Supplier;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

import dev.forgebus.common.config.ForgebusConfig;
import dev.forgebus.common.kafka.TopicNames;

/**
 * The dedup-streams topology (SPEC 1, 7.10): every raw delivery is looked up by
 * {@code (forge, delivery id)}; a first sighting becomes an envelope on {@code events} and on the
 * work topic of every module routed to it; a repeat within {@code dedup.retention} is dropped,
 * except towards modules whose work on it ended in a dead letter; every decision goes to
 * {@code trace}. Production ({@link DedupStreams}) and the {@code TopologyTestDriver} tests run
 * this same function.
 *
 * <pre>
 *   raw ──▶ deduplicate-and-route ──▶ events | work.&lt;module&gt; | trace
 *                    │
 *              seen-deliveries (RocksDB, changelogged)
 *                    │
 *   outcomes ──▶ remember-outcomes        (DEAD_LETTER adds the module, DONE removes it)
 * </pre>
 *
 * <p><b>Why a key-value store swept on the wall clock, not a window store.</b> The example to
 * follow ({@code DeduplicationTransformer}) keeps ids in a window store whose retention is the
 * dedup window. Here that fits badly:
 * <ul>
 *   <li>Entries are updated after they are written, by a second source (outcomes), and read by
 *       exact key. A window store can only be rewritten by first searching a time range for the
 *       window start; a key-value store is a plain {@code get}/{@code put} from both processors.</li>
 *   <li>A window store expires by stream time, i.e. by record timestamps, and silently drops a
 *       write whose timestamp is older than stream time minus the retention. A raw record with an
 *       old timestamp (replayed, or produced with a wrong clock) would then not be remembered,
 *       and its next copy would be routed again: one delivery acted on twice. Measuring the
 *       retention on the stream thread's wall clock does not depend on what producers put in
 *       timestamps, and "seen within 7 days" means 7 days of real time.</li>
 * </ul>
 * The store must still not grow without bound: {@link ExpirySweep}, a wall-clock punctuation,
 * deletes entries not seen for longer than the retention, walking the store a bounded slice per
 * second so that a store of millions of entries never stalls the stream thread. A lookup also
 * treats an entry older than the retention as absent, so the answer never depends on when the
 * sweep last ran. The price against a window store (which drops whole segments) is reading every
 * entry once per pass; at ~100 bytes an entry that is cheap next to the payloads we route.
 *
 * <p>Both processors use the store, so Streams puts both sources in one sub-topology and checks
 * at start that {@code raw} and {@code outcomes} are co-partitioned (same partition count; the
 * workers key outcomes like the work item, i.e. like the raw record).
 */
public final class DedupTopology {

    /** Key: {@code forge + '\n' + delivery id}. Value: {@link SeenDelivery} as JSON. */
    public static final String STORE = "seen-deliveries";

    private DedupTopology() {
    }

    /** The topology without metrics (tests, tools). */
    public static void build(StreamsBuilder builder, ForgebusConfig config, TopicNames topics) {
        build(builder, config, topics, DedupMetrics.NONE);
    }

    public static void build(StreamsBuilder builder, ForgebusConfig config, TopicNames topics, DedupMetrics metrics) {
        build(builder, () -> config, topics, metrics);
    }

    /**
     * The topology routing by the config in force: {@code configs} is read once per raw record
     * (orgs, repositories and module settings are live); {@code dedup.retention} and the record
     * size limit are read once, when the processor is created.
     */
    public static void build(StreamsBuilder builder, Supplier<ForgebusConfig> configs, TopicNames topics, DedupMetrics metrics) {
        builder.addStateStore(seenDeliveriesStore());

        builder.stream(topics.raw(), Consumed.with(Serdes.String(), Serdes.ByteArray()).withName("raw"))
                .process(() -> new DeduplicateAndRoute(configs, topics, metrics), Named.as("deduplicate-and-route"), STORE)
                .to(Outbound.TOPIC, Produced.with(Serdes.String(), Outbound.SERDE).withName("events-work-trace"));

        builder.stream(topics.outcomes(), Consumed.with(Serdes.String(), Serdes.ByteArray()).withName("outcomes"))
                .process(RememberOutcomes::new, Named.as("remember-outcomes"), STORE);
    }

    /** Persistent (RocksDB) and changelogged, so a restarted or moved task remembers what it saw. */
    private static StoreBuilder<KeyValueStore<String, SeenDelivery>> seenDeliveriesStore() {
        return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE), Serdes.String(),
                new JsonSerde<>(SeenDelivery.class));
    }
}
