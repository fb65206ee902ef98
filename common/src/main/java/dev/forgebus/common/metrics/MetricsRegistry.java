package dev.forgebus.common.metrics;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * One Prometheus registry per process, shared by every role it runs, so {@code /metrics}
 * shows the whole process. Only values chosen by Forgebus or by verified input become tags:
 * an unauthenticated sender must not be able to grow the number of time series.
 */
public final class MetricsRegistry {
    private MetricsRegistry() {
    }

    public static PrometheusMeterRegistry create() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.config().commonTags("application", "forgebus");
        return registry;
    }
}
