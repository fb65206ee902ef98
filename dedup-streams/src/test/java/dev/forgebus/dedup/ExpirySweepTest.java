package dev.forgebus.dedup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The sweep walks the store a bounded slice per tick and starts passes at most every pass interval. */
class ExpirySweepTest {

    private static final Duration RETENTION = Duration.ofHours(1);
    private static final Instant T0 = Instant.parse("2026-03-01T00:00:00Z");

    private KeyValueStore<String, SeenDelivery> store;

    @BeforeEach
    void openStore() {
        store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("sweep-test"), Serdes.String(),
                new JsonSerde<>(SeenDelivery.class)).withLoggingDisabled().build();
        MockProcessorContext<Object, Object> context = new MockProcessorContext<>();
        store.init(context.getStateStoreContext(), store);
    }

    @Test
    void a_pass_examines_at_most_the_budget_per_tick_and_covers_the_whole_store() {
        // Given five expired entries and one fresh one, and a budget of two entries per tick
        for (String id : List.of("a", "b", "c", "d", "e")) {
            store.put(id, SeenDelivery.firstSighting(T0));
        }
        store.put("f", SeenDelivery.firstSighting(T0.plus(RETENTION)));
        ExpirySweep sweep = new ExpirySweep(store, RETENTION, 2);
        long now = T0.plus(RETENTION).plusSeconds(1).toEpochMilli();

        // When the clock ticks
        sweep.punctuate(now);
        assertThat(keys()).containsExactly("c", "d", "e", "f");
        sweep.punctuate(now + 1000);
        assertThat(keys()).containsExactly("e", "f");
        sweep.punctuate(now + 2000);

        // Then after three ticks only the fresh entry is left
        assertThat(keys()).containsExactly("f");
    }

    @Test
    void a_new_pass_waits_for_the_pass_interval() {
        ExpirySweep sweep = new ExpirySweep(store, RETENTION, 100);
        long now = T0.toEpochMilli();
        sweep.punctuate(now); // an empty pass, done at once

        store.put("a", SeenDelivery.firstSighting(T0.minus(RETENTION)));
        sweep.punctuate(now + 1000);
        assertThat(keys()).as("within the pass interval").containsExactly("a");

        sweep.punctuate(now + ExpirySweep.passInterval(RETENTION).toMillis());
        assertThat(keys()).isEmpty();
    }

    @Test
    void the_pass_interval_is_a_twentieth_of_the_retention_within_bounds() {
        assertThat(ExpirySweep.passInterval(Duration.ofHours(1))).isEqualTo(Duration.ofMinutes(3));
        assertThat(ExpirySweep.passInterval(Duration.ofDays(7))).isEqualTo(Duration.ofMinutes(10));
        assertThat(ExpirySweep.passInterval(Duration.ofSeconds(5))).isEqualTo(Duration.ofSeconds(1));
        assertThatThrownBy(() -> new ExpirySweep(store, RETENTION, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    private List<String> keys() {
        List<String> keys = new ArrayList<>();
        try (KeyValueIterator<String, SeenDelivery> all = store.all()) {
            all.forEachRemaining(kv -> keys.add(kv.key));
        }
        return keys;
    }
}
