package dev.forgebus.workers.progress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Optional;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import dev.forgebus.common.config.ModuleId;
import dev.forgebus.workers.ProgressStore;
import dev.forgebus.workers.runtime.WorkerTestKit;

/** The progress store of a module on the real (embedded) broker: durable, shared by the module's instances, bounded. */
class KafkaProgressStoreTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private WorkerTestKit kit;

    private WorkerTestKit kit(TestInfo test) {
        kit = WorkerTestKit.create(test.getTestMethod().orElseThrow().getName(), ModuleId.STALE, 3);
        return kit;
    }

    @AfterEach
    void close() {
        if (kit != null) {
            kit.close();
        }
    }

    @Test
    void a_value_put_by_one_instance_is_read_by_a_fresh_instance_after_a_restart(TestInfo test) throws Exception {
        // Given a sweep that recorded its cursor, and then its worker stopped
        WorkerTestKit kit = kit(test);
        try (KafkaProgressStore first = KafkaProgressStore.open(kit.bootstrap, kit.topics, ModuleId.STALE, TIMEOUT)) {
            first.put("stale:gh:MyOrg", "next=app-17");
            first.put("stale:gh:Other", "next=lib");
            first.put("stale:gh:Other", "done");
        }

        // When a new instance starts
        try (KafkaProgressStore second = KafkaProgressStore.open(kit.bootstrap, kit.topics, ModuleId.STALE, TIMEOUT)) {
            // Then it reads where the sweep was: the latest value of each key
            assertThat(second.get("stale:gh:MyOrg")).contains("next=app-17");
            assertThat(second.get("stale:gh:Other")).contains("done");
            assertThat(second.get("never-written")).isEmpty();
        }
    }

    @Test
    void two_live_instances_of_a_module_see_each_others_puts_and_removals(TestInfo test) throws Exception {
        WorkerTestKit kit = kit(test);
        try (KafkaProgressStore a = KafkaProgressStore.open(kit.bootstrap, kit.topics, ModuleId.STALE, TIMEOUT);
             KafkaProgressStore b = KafkaProgressStore.open(kit.bootstrap, kit.topics, ModuleId.STALE, TIMEOUT)) {
            a.put("cursor", "1");
            assertThat(b.get("cursor")).contains("1");

            b.put("cursor", "2");
            assertThat(a.get("cursor")).contains("2");

            a.remove("cursor");
            assertThat(b.get("cursor")).isEmpty();
            assertThat(a.get("cursor")).isEmpty();
        }
    }

    @Test
    void oversized_or_malformed_keys_and_values_are_refused_and_nothing_is_written(TestInfo test) throws Exception {
        WorkerTestKit kit = kit(test);
        try (KafkaProgressStore store = KafkaProgressStore.open(kit.bootstrap, kit.topics, ModuleId.STALE, TIMEOUT)) {
            assertThatThrownBy(() -> store.put("k".repeat(ProgressStore.MAX_KEY_CHARS + 1), "v"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("key");
            assertThatThrownBy(() -> store.put("with space", "v")).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> store.put("", "v")).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> store.put("k", "é".repeat(ProgressStore.MAX_VALUE_BYTES / 2 + 1)))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bytes");
            assertThatThrownBy(() -> store.put("k", "half \uD800 pair")).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> store.get("with space")).isInstanceOf(IllegalArgumentException.class);

            store.put("k", "x".repeat(ProgressStore.MAX_VALUE_BYTES)); // the largest value fits
            assertThat(kit.reader(kit.topics.progress(ModuleId.STALE.id())).records()).hasSize(1);
        }
    }

    @Test
    void a_record_over_the_limits_written_to_the_topic_by_another_producer_is_ignored_when_loading(TestInfo test) throws Exception {
        // Given a record no store would write: a value over the limit, then a good one
        WorkerTestKit kit = kit(test);
        String topic = kit.topics.progress(ModuleId.STALE.id());
        kit.sendTo(topic, 0, WorkerTestKit.bytes("big"), WorkerTestKit.bytes("x".repeat(ProgressStore.MAX_VALUE_BYTES + 1)), new RecordHeaders());
        kit.sendTo(topic, 0, WorkerTestKit.bytes("bad key"), WorkerTestKit.bytes("v"), new RecordHeaders());
        kit.sendTo(topic, 0, WorkerTestKit.bytes("ok"), WorkerTestKit.bytes("v"), new RecordHeaders());

        try (KafkaProgressStore store = KafkaProgressStore.open(kit.bootstrap, kit.topics, ModuleId.STALE, TIMEOUT)) {
            assertThat(store.get("big")).isEqualTo(Optional.empty());
            assertThat(store.get("ok")).contains("v");
        }
    }
}
