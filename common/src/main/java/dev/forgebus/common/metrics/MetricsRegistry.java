package dev.forgebus.common.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * One Prometheus registry per process, shared by every role it runs, so {@code /metrics}
 * shows the whole process. Only values chosen by Forgebus or by verified input become tags:
 * an unauthenticated sender must not be able to grow the number of time series. No tag is
 * constant for a process (no {@code application} or {@code version} on every series): Prometheus
 * adds {@code job}/{@code instance} itself, and the version is {@code forgebus_build_info}.
 */
public final class MetricsRegistry {
    private MetricsRegistry() {
    }

    /** A registry without process meters (tests of one component). */
    public static PrometheusMeterRegistry create() {
        return new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    }

    /**
     * The registry of a {@code forgebus} process: JVM (memory, GC, threads, class loading) and
     * process (CPU, uptime, open files) meters, and {@code forgebus_build_info{version} 1}.
     */
    public static PrometheusMeterRegistry forProcess(String version) {
        PrometheusMeterRegistry registry = create();
        new JvmMemoryMetrics().bindTo(registry);
        // Its listeners live as long as the process; close() is not needed for a process-wide registry.
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        Gauge.builder("forgebus.build.info", () -> 1).tag("version", version)
                .description("always 1; the version of this process in its tag").register(registry);
        return registry;
    }
}
