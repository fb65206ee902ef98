package dev.forgebus.scheduler;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.forgebus.common.config.ForgebusConfig;
import dev.forgebus.common.schedule.ScheduledJob;
import dev.forgebus.common.schedule.ScheduledJobs;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Turns every scheduled job into tick records (SPEC 6, 8). The scheduler keeps no state of its own
 * across restarts: dedup's store of seen delivery ids is the memory, shared by every replica.
 *
 * <p>The firing rule, {@link #runDue}: for each job, the latest slot at or before the clock's now
 * is published unless this process already published it (or a later one). The first time a job is
 * seen (at start) that latest past slot is published when it lies within {@code dedup.retention}:
 * if it fired before the downtime, dedup drops it as a duplicate; if it was missed, it fires once.
 * So a 3-hour downtime of an hourly job fires once, not three times, and N replicas computing the
 * same slots write the same ids, which dedup turns into one work item. A slot older than the
 * retention is not published at start: dedup could no longer tell whether it fired.
 *
 * <p>Tests drive {@link #runDue} with an injected {@link Clock}; {@link #start} runs it on one
 * thread, waking at the next fire time (at most a minute apart, so a clock that jumps is noticed).
 */
public final class TickScheduler implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TickScheduler.class);
    /** The longest sleep: a wall clock stepped forward (NTP, a resumed VM) is noticed within it. */
    static final Duration MAX_SLEEP = Duration.ofMinutes(1);
    /** Wait before retrying a tick Kafka did not acknowledge. */
    static final Duration RETRY_AFTER = Duration.ofSeconds(5);

    private final Supplier<ForgebusConfig> config;
    private final TickPublisher publisher;
    private final Clock clock;
    private final MeterRegistry registry;
    /** Job name → the latest slot this process published (acknowledged) or decided to skip. */
    private final Map<String, Instant> lastSlot = new HashMap<>();
    private boolean retryPending;
    private ScheduledExecutorService timer;

    public TickScheduler(Supplier<ForgebusConfig> config, TickPublisher publisher, Clock clock, MeterRegistry registry) {
        this.config = Objects.requireNonNull(config, "config");
        this.publisher = Objects.requireNonNull(publisher, "publisher");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    /** Publishes every tick due now by the firing rule; returns the delivery ids Kafka acknowledged. */
    public synchronized List<String> runDue() {
        Instant now = clock.instant();
        ForgebusConfig current = config.get();
        Duration retention = current.dedup().retention();
        List<ScheduledJob> jobs = ScheduledJobs.of(current);
        List<String> fired = new ArrayList<>();
        retryPending = false;
        for (ScheduledJob job : jobs) {
            Optional<Instant> slot = job.schedule().latestAtOrBefore(now);
            Instant last = lastSlot.get(job.name());
            if (slot.isEmpty() || last != null && !slot.get().isAfter(last)) {
                continue;
            }
            if (last == null && slot.get().isBefore(now.minus(retention))) {
                lastSlot.put(job.name(), slot.get());
                continue;
            }
            try {
                fired.add(publisher.publishSlot(job, slot.get(), now));
                lastSlot.put(job.name(), slot.get());
                counter(job, "fired").increment();
            } catch (TickPublisher.NotAcknowledgedException e) {
                retryPending = true;
                counter(job, "failed").increment();
                LOG.warn("scheduler: tick of {} for {} not written, retrying in {}: {}", job.name(), slot.get(), RETRY_AFTER,
                        e.getMessage());
            }
        }
        lastSlot.keySet().retainAll(jobs.stream().map(ScheduledJob::name).toList());
        if (!fired.isEmpty()) {
            LOG.info("scheduler: fired {}", fired);
        }
        return fired;
    }

    /** When {@link #runDue} has something to do next (a fire time, or a retry), never later than {@link #MAX_SLEEP}. */
    public synchronized Instant nextWake() {
        Instant now = clock.instant();
        Instant wake = now.plus(retryPending ? RETRY_AFTER : MAX_SLEEP);
        for (ScheduledJob job : ScheduledJobs.of(config.get())) {
            Instant next = job.schedule().nextAfter(now);
            if (next.isBefore(wake)) {
                wake = next;
            }
        }
        return wake;
    }

    /** Runs {@link #runDue} now (the start rule), then at each wake, on one daemon thread, until closed. */
    public synchronized TickScheduler start() {
        if (timer != null) {
            throw new IllegalStateException("already started");
        }
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "forgebus-scheduler-ticks");
            t.setDaemon(true);
            return t;
        });
        timer.execute(this::loop);
        LOG.info("scheduler: {} job(s): {}", ScheduledJobs.of(config.get()).size(),
                ScheduledJobs.of(config.get()).stream().map(j -> j.name() + " (" + j.schedule().describe() + ")").toList());
        return this;
    }

    private void loop() {
        try {
            runDue();
        } catch (RuntimeException e) {
            LOG.warn("scheduler: run failed: {}", e.toString(), e);
        }
        long delay = Math.max(0, Duration.between(clock.instant(), nextWake()).toMillis());
        ScheduledExecutorService t = timer;
        if (t != null && !t.isShutdown()) {
            // A few ms late on purpose: waking exactly at the fire time could compute the slot before it.
            t.schedule(this::loop, delay + 5, TimeUnit.MILLISECONDS);
        }
    }

    private Counter counter(ScheduledJob job, String outcome) {
        return Counter.builder("forgebus.scheduler.ticks").description("Scheduler ticks written to the raw topic (fired) or not acknowledged (failed)")
                .tag("module", job.module().id()).tag("outcome", outcome).register(registry);
    }

    @Override
    public void close() {
        ScheduledExecutorService t;
        synchronized (this) {
            t = timer;
        }
        if (t != null) {
            t.shutdownNow();
            try {
                t.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
