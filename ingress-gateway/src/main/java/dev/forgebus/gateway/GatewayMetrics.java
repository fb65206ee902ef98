package dev.forgebus.gateway;

import java.time.Duration;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import dev.forgebus.common.metrics.Latencies;

/**
 * The gateway's meters. Tags hold only configured forge ids, known event names ({@code other} for
 * the rest) and the gateway's own reasons, so no input, signed or not, can create new time series.
 */
final class GatewayMetrics {
    static final String UNKNOWN_FORGE = "unknown";

    private final MeterRegistry registry;

    GatewayMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /** The per-forge series that exist from start (zero until something happens). */
    void preRegister(String forge) {
        received(forge, 0);
        produceLatencyTimer(forge);
    }

    void received(String forge) {
        received(forge, 1);
    }

    private void received(String forge, int n) {
        Counter.builder("forgebus.webhooks.received").description("webhook requests received")
                .tag("forge", forge).register(registry).increment(n);
    }

    void accepted(String forge, String event) {
        Counter.builder("forgebus.webhooks.accepted").description("deliveries acknowledged by Kafka and answered 202")
                .tag("forge", forge).tag("event", KnownEvents.tagFor(event)).register(registry).increment();
    }

    void rejected(String forge, String reason) {
        Counter.builder("forgebus.webhooks.rejected").description("deliveries refused, by reason")
                .tag("forge", forge).tag("reason", reason).register(registry).increment();
    }

    void produceLatency(String forge, Duration latency) {
        produceLatencyTimer(forge).record(latency);
    }

    private Timer produceLatencyTimer(String forge) {
        return Latencies.histogram("forgebus.gateway.produce.latency", "time from send to Kafka acknowledgement")
                .tag("forge", forge).register(registry);
    }
}
