package dev.forgebus.workers.runtime;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import dev.forgebus.common.metrics.Latencies;

/**
 * The meters of one module's worker, all tagged {@code module} (SPEC 4: per-module processed,
 * retried, failed, dead-lettered, consumer lag). Tags hold only values Forgebus chose: module ids,
 * outcomes, error classes of our own code.
 */
final class WorkerMetrics implements AutoCloseable {
    static final String PROCESSED = "forgebus.worker.processed";
    static final String RETRIES = "forgebus.worker.retries";
    static final String FAILED = "forgebus.worker.failed";
    static final String DEAD_LETTERS = "forgebus.worker.dead_letters";
    static final String ATTEMPT_LATENCY = "forgebus.worker.attempt.latency";
    static final String LAG = "forgebus.worker.lag";
    static final String REBALANCES = "forgebus.worker.rebalances";
    static final String RECHECKS = "forgebus.worker.rechecks";
    static final String PARKED = "forgebus.worker.parked";
    static final String WEBHOOK_TO_ACTION = "forgebus.webhook.to.action";

    private final MeterRegistry registry;
    private final String module;
    private final Counter done;
    private final Counter deadLettered;
    private final Counter deadLetters;
    private final Counter retries;
    private final Counter rebalances;
    private final Counter rechecks;
    private final Counter parked;
    private final Timer attemptLatency;
    private final Timer webhookToAction;
    private final AtomicLong lag = new AtomicLong();
    private final Gauge lagGauge;

    WorkerMetrics(MeterRegistry registry, String module) {
        this.registry = registry;
        this.module = module;
        this.done = Counter.builder(PROCESSED).tag("module", module).tag("outcome", "done")
                .description("work items finished, by outcome").register(registry);
        this.deadLettered = Counter.builder(PROCESSED).tag("module", module).tag("outcome", "dead_letter")
                .description("work items finished, by outcome").register(registry);
        this.deadLetters = Counter.builder(DEAD_LETTERS).tag("module", module)
                .description("work items written to the dead-letter topic").register(registry);
        this.retries = Counter.builder(RETRIES).tag("module", module)
                .description("retries scheduled after a failed attempt").register(registry);
        this.rebalances = Counter.builder(REBALANCES).tag("module", module)
                .description("times partitions were taken from this worker").register(registry);
        this.rechecks = Counter.builder(RECHECKS).tag("module", module)
                .description("re-checks scheduled because a handler asked for one").register(registry);
        this.parked = Counter.builder(PARKED).tag("module", module)
                .description("items moved to a retry tier until the forge's pause of their credential ends (no attempt spent)")
                .register(registry);
        this.attemptLatency = Latencies.histogram(ATTEMPT_LATENCY, "time the module's handler took for one attempt")
                .tag("module", module).register(registry);
        this.webhookToAction = Latencies.histogram(WEBHOOK_TO_ACTION,
                "from the gateway receiving the webhook to the module's handler finishing it (DONE)")
                .tag("module", module).register(registry);
        // Strong reference and explicit removal on close: a restarted worker of the same module
        // must not leave the gauge bound to the dead one's value.
        this.lagGauge = Gauge.builder(LAG, lag, AtomicLong::get).tag("module", module).strongReference(true)
                .description("work items not yet finished: not fetched, fetched but waiting, in flight").register(registry);
    }

    void done() {
        done.increment();
    }

    void deadLettered() {
        deadLettered.increment();
        deadLetters.increment();
    }

    void retry() {
        retries.increment();
    }

    void recheck() {
        rechecks.increment();
    }

    void parked() {
        parked.increment();
    }

    void failed(String errorClass) {
        registry.counter(FAILED, "module", module, "error_class", errorClass).increment();
    }

    void rebalance() {
        rebalances.increment();
    }

    void attempt(long nanos) {
        attemptLatency.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** An item finished DONE, {@code latency} after the gateway received its webhook. */
    void webhookToAction(java.time.Duration latency) {
        webhookToAction.record(latency.isNegative() ? java.time.Duration.ZERO : latency);
    }

    void lag(long items) {
        lag.set(items);
    }

    @Override
    public void close() {
        registry.remove(lagGauge);
    }
}
