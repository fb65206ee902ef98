package dev.forgebus.dedup;

import java.util.Set;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * What the topology counts, kept behind an interface so that the topology function needs no
 * Micrometer registry and its tests can pass {@link #NONE}.
 *
 * <p>With exactly-once processing, a record whose transaction aborts is processed again, so a
 * count can exceed the true number by the records of an aborted transaction (rare: a crash or a
 * rebalance in the middle of a commit interval). Counters are for dashboards, not for billing.
 */
public interface DedupMetrics {

    /** A repeated {@code (forge, delivery id)} arrived within the retention. */
    void duplicate(String forge);

    /** A raw record could not be read (not JSON, or a header missing or invalid). */
    void unreadable(String forge);

    /** A raw record went to {@code <prefix>.dlq.dedup} (unreadable, too large, failed). */
    void deadLettered(String forge);

    DedupMetrics NONE = new DedupMetrics() {
        @Override
        public void duplicate(String forge) {
        }

        @Override
        public void unreadable(String forge) {
        }

        @Override
        public void deadLettered(String forge) {
        }
    };

    /**
     * Counters {@code forgebus.dedup.duplicates}, {@code forgebus.dedup.unreadable} and {@code forgebus.dedup.dead_letters}, tagged
     * {@code forge}. Only configured forge ids become tag values (anything else is "unknown"), so a
     * malformed record cannot create time series.
     */
    static DedupMetrics micrometer(MeterRegistry registry, Set<String> forgeIds) {
        Set<String> known = Set.copyOf(forgeIds);
        // Present from start with zero, per configured forge (docs/operations.md, Metrics).
        for (String forge : known) {
            Counter.builder("forgebus.dedup.duplicates").description("repeated deliveries dropped (or re-routed to dead-lettered modules)")
                    .tag("forge", forge).register(registry);
            Counter.builder("forgebus.dedup.dead_letters").description("raw records written to dedup's dead-letter topic")
                    .tag("forge", forge).register(registry);
        }
        return new DedupMetrics() {
            @Override
            public void duplicate(String forge) {
                counter("forgebus.dedup.duplicates", "repeated deliveries dropped (or re-routed to dead-lettered modules)", forge)
                        .increment();
            }

            @Override
            public void unreadable(String forge) {
                counter("forgebus.dedup.unreadable", "raw records that could not be read (dead-lettered)", forge)
                        .increment();
            }

            @Override
            public void deadLettered(String forge) {
                counter("forgebus.dedup.dead_letters", "raw records written to dedup's dead-letter topic", forge)
                        .increment();
            }

            private Counter counter(String name, String description, String forge) {
                String tag = forge != null && known.contains(forge) ? forge : "unknown";
                return Counter.builder(name).description(description).tag("forge", tag).register(registry);
            }
        };
    }
}
