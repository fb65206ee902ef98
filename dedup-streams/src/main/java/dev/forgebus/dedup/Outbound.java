package dev.forgebus.dedup;

import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.TopicNameExtractor;

/**
 * A record leaving the dedup processor: its value, already serialised, and the topic it goes to
 * (events, a module's work topic, or the trace). One sink with a {@link #TOPIC} extractor serves
 * them all, so the topology does not grow a branch per module.
 */
record Outbound(String topic, byte[] value) {

    static final TopicNameExtractor<String, Outbound> TOPIC = (key, outbound, context) -> outbound.topic();

    /** Writes the value bytes; outbound records are never read back through this serde. */
    static final Serde<Outbound> SERDE = Serdes.serdeFrom(
            (topic, outbound) -> outbound == null ? null : outbound.value(),
            (topic, bytes) -> {
                throw new UnsupportedOperationException("outbound records are written, not read");
            });
}
