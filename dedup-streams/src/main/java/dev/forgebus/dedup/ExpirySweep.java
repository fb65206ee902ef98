package dev.forgebus.dedup;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.Punctuator;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Deletes deliveries not seen for longer than the retention, so that the dedup store holds about
 * one retention's worth of deliveries and no more (see {@link DedupTopology} for why a swept
 * key-value store).
 *
 * <p>A pass walks the whole store in key order, {@link #BUDGET} entries per {@link #TICK} of the
 * wall clock, so that even millions of entries never hold up the stream thread for long; a new
 * pass starts at most every {@link #passInterval(Duration) twentieth of the retention} (between
 * 1 s and 10 min). An entry therefore lives at most retention + pass interval + pass duration.
 */
final class ExpirySweep implements Punctuator {

    /** How often the punctuation runs (wall clock). */
    static final Duration TICK = Duration.ofSeconds(1);
    /** Entries examined per tick: a few milliseconds of RocksDB reads and small JSON values. */
    static final int BUDGET = 5_000;

    private final KeyValueStore<String, SeenDelivery> store;
    private final Duration retention;
    private final long passIntervalMs;
    private final int budget;

    private boolean passUnderway;
    /** The first key the pass under way has not examined yet; null: from the start. */
    private String resumeFrom;
    private long nextPassAtMs;

    ExpirySweep(KeyValueStore<String, SeenDelivery> store, Duration retention) {
        this(store, retention, BUDGET);
    }

    ExpirySweep(KeyValueStore<String, SeenDelivery> store, Duration retention, int budget) {
        if (budget < 1) {
            throw new IllegalArgumentException("budget must be >= 1: " + budget);
        }
        this.store = store;
        this.retention = retention;
        this.passIntervalMs = passInterval(retention).toMillis();
        this.budget = budget;
    }

    static Duration passInterval(Duration retention) {
        Duration twentieth = retention.dividedBy(20);
        if (twentieth.compareTo(Duration.ofSeconds(1)) < 0) {
            return Duration.ofSeconds(1);
        }
        return twentieth.compareTo(Duration.ofMinutes(10)) > 0 ? Duration.ofMinutes(10) : twentieth;
    }

    @Override
    public void punctuate(long wallClockMs) {
        if (!passUnderway) {
            if (wallClockMs < nextPassAtMs) {
                return;
            }
            passUnderway = true;
            resumeFrom = null;
            nextPassAtMs = wallClockMs + passIntervalMs;
        }
        forgetExpiredEntries(Instant.ofEpochMilli(wallClockMs));
    }

    private void forgetExpiredEntries(Instant now) {
        List<String> expired = new ArrayList<>();
        String next = null;
        int examined = 0;
        try (KeyValueIterator<String, SeenDelivery> entries = store.range(resumeFrom, null)) {
            while (entries.hasNext()) {
                KeyValue<String, SeenDelivery> entry = entries.next();
                if (examined == budget) {
                    next = entry.key;
                    break;
                }
                examined++;
                if (entry.value.isExpired(now, retention)) {
                    expired.add(entry.key);
                }
            }
        }
        // Deleted after the iterator is closed: no store is asked to change under an open iterator.
        expired.forEach(store::delete);
        resumeFrom = next;
        passUnderway = next != null;
    }
}
