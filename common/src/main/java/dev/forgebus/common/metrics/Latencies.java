package dev.forgebus.common.metrics;

import java.time.Duration;

import io.micrometer.core.instrument.Timer;

/**
 * Every latency Forgebus measures is a Prometheus histogram with these explicit buckets
 * ({@code _bucket{le=...}}, {@code _sum}, {@code _count}) and never a client-side quantile: bucket
 * counts add up across replicas ({@code histogram_quantile(0.99, sum by (le) (rate(..._bucket[5m])))}),
 * quantiles computed in each process do not. One bucket set for all of them, so dashboards and
 * alerts can compare any two; it spans a fast Kafka acknowledgement (5 ms) to a webhook that
 * waited minutes behind retries or a forge's pause (10 min).
 */
public final class Latencies {
    /** The upper bounds of the buckets; {@code +Inf} is added by the registry. */
    public static final Duration[] BUCKETS = {
            Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
            Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
            Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30),
            Duration.ofSeconds(60), Duration.ofSeconds(120), Duration.ofSeconds(300), Duration.ofSeconds(600)};

    private Latencies() {
    }

    /** A timer builder publishing the explicit buckets only (no percentile histogram, no quantiles). */
    public static Timer.Builder histogram(String name, String description) {
        return Timer.builder(name).description(description)
                .publishPercentileHistogram(false)
                .serviceLevelObjectives(BUCKETS)
                .minimumExpectedValue(BUCKETS[0])
                .maximumExpectedValue(BUCKETS[BUCKETS.length - 1]);
    }
}
