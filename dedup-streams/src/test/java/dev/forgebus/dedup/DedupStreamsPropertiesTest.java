package dev.forgebus.dedup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.nio.file.Path;
import java.util.Properties;

import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

/** The Streams settings of the role, and that Streams accepts them. */
class DedupStreamsPropertiesTest {

    private final Properties properties = DedupStreams.streamsProperties(Deliveries.config("fbtest"), "127.0.0.1:9092",
            Path.of("/var/lib/forgebus/streams"));

    @Test
    void exactly_once_with_a_short_commit_interval_one_thread_and_the_configured_replication() {
        assertThat(properties).containsEntry(StreamsConfig.APPLICATION_ID_CONFIG, "fbtest-dedup")
                .containsEntry(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, "exactly_once_v2")
                .containsEntry(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100)
                .containsEntry(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1)
                .containsEntry(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1)
                .containsEntry(StreamsConfig.STATE_DIR_CONFIG, "/var/lib/forgebus/streams");
        assertThatCode(() -> new StreamsConfig(properties)).doesNotThrowAnyException();
    }

    @Test
    void producer_and_consumer_carry_a_25_MiB_body_inside_an_envelope() {
        long maxRecord = 26_214_400L + 26_214_400L / 4 + 2 * 1024 * 1024;
        assertThat(properties).containsEntry("producer.max.request.size", (int) maxRecord)
                .containsEntry("consumer.max.partition.fetch.bytes", (int) maxRecord)
                .containsEntry("producer.compression.type", "lz4");
        assertThat((long) properties.get("producer.buffer.memory")).isGreaterThanOrEqualTo(maxRecord);
    }
}
