package dev.forgebus.gateway;

import java.time.Duration;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

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

    void received(String forge) {
        Counter.builder("forgebus.webhooks.received").description("webhook requests received")
                .tag("forge", forge).register(registry).increment();
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
        Timer.builder("forgebus.gateway.produce.latency").description("time from send to Kafka acknowledgement")
                .tag("forge", forge).publishPercentiles(0.5, 0.99, 0.999).register(registry).record(latency);
    }
}
