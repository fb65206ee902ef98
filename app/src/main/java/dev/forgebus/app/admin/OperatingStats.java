package dev.forgebus.app.admin;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import dev.forgebus.common.event.DedupDecision;
import dev.forgebus.common.event.WorkOutcome;
import io.javalin.http.Context;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * {@code GET /admin/stats} and {@code GET /admin/budgets}: what the dashboard's overview and
 * budget pages show, computed from what exists already (the process's meters and the delivery
 * trace index), never a second bookkeeping of its own.
 *
 * <p>Deliveries per minute: the gateway's counters ({@code forgebus.webhooks.accepted},
 * {@code forgebus.webhooks.rejected{reason}}) are sampled every {@link #SAMPLE_EVERY}; a minute's
 * count is the difference between the last sample of that minute and of the one before, for the
 * last {@link #MINUTES} minutes since this process started (counters live in the process, so a
 * restart starts the series again). Webhook→action latency per module: from the trace index,
 * each module outcome's time minus its delivery's receipt at the gateway, over the deliveries
 * the index holds. Budgets: the rate limiter's meters per credential (ids only, never a token).
 */
public final class OperatingStats implements AutoCloseable {
    static final Duration SAMPLE_EVERY = Duration.ofSeconds(5);
    static final int MINUTES = 30;
    /** How many recent deliveries the latency figures are computed over. */
    static final int LATENCY_WINDOW = 1000;

    /** Totals at the last sample of a minute: accepted, and rejected per reason. */
    record Totals(double accepted, Map<String, Double> rejected) {
    }

    private final MeterRegistry registry;
    private final DeliveryLookup traces;
    private final Clock clock;
    private final NavigableMap<Instant, Totals> lastSampleOfMinute = new TreeMap<>();
    private final ScheduledExecutorService sampler;

    private OperatingStats(MeterRegistry registry, DeliveryLookup traces, Clock clock, boolean sampling) {
        this.registry = registry;
        this.traces = traces;
        this.clock = clock;
        if (sampling) {
            this.sampler = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "forgebus-stats-sampler");
                t.setDaemon(true);
                return t;
            });
            sampler.scheduleAtFixedRate(this::sample, 0, SAMPLE_EVERY.toMillis(), TimeUnit.MILLISECONDS);
        } else {
            this.sampler = null;
        }
    }

    /** Samples the counters every {@link #SAMPLE_EVERY} until closed. */
    public static OperatingStats start(MeterRegistry registry, DeliveryLookup traces, Clock clock) {
        return new OperatingStats(registry, traces, clock, true);
    }

    /** Samples only when {@link #sample} is called: for tests. */
    static OperatingStats manual(MeterRegistry registry, DeliveryLookup traces, Clock clock) {
        return new OperatingStats(registry, traces, clock, false);
    }

    synchronized void sample() {
        Instant minute = clock.instant().truncatedTo(ChronoUnit.MINUTES);
        lastSampleOfMinute.put(minute, totals());
        while (lastSampleOfMinute.size() > MINUTES + 1) {
            lastSampleOfMinute.pollFirstEntry();
        }
    }

    private Totals totals() {
        double accepted = 0;
        Map<String, Double> rejected = new TreeMap<>();
        for (Meter m : registry.getMeters()) {
            if (!(m instanceof Counter c)) {
                continue;
            }
            switch (m.getId().getName()) {
                case "forgebus.webhooks.accepted" -> accepted += c.count();
                case "forgebus.webhooks.rejected" -> rejected.merge(String.valueOf(m.getId().getTag("reason")), c.count(), Double::sum);
                default -> {
                }
            }
        }
        return new Totals(accepted, rejected);
    }

    /** One row per sampled minute, oldest first: accepted and rejected per reason in that minute. */
    synchronized List<Map<String, Object>> perMinute() {
        List<Map<String, Object>> rows = new ArrayList<>();
        Totals before = null;
        for (Map.Entry<Instant, Totals> e : lastSampleOfMinute.entrySet()) {
            Totals now = e.getValue();
            Totals base = before == null ? new Totals(0, Map.of()) : before;
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("minute", e.getKey().toString());
            row.put("accepted", Math.round(now.accepted() - base.accepted()));
            Map<String, Long> rejected = new TreeMap<>();
            now.rejected().forEach((reason, n) -> {
                long delta = Math.round(n - base.rejected().getOrDefault(reason, 0.0));
                if (delta > 0) {
                    rejected.put(reason, delta);
                }
            });
            row.put("rejected", rejected);
            rows.add(row);
            before = now;
        }
        return rows;
    }

    void stats(Context ctx) {
        AdminRoutes.onlyQueryParameters(ctx, Set.of());
        sample();
        Totals totals = totals();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("at", clock.instant().toString());
        body.put("perMinute", perMinute());
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("accepted", Math.round(totals.accepted()));
        Map<String, Long> rejected = new TreeMap<>();
        totals.rejected().forEach((reason, n) -> rejected.put(reason, Math.round(n)));
        t.put("rejected", rejected);
        body.put("totals", t);
        body.put("modules", modules());
        AdminRoutes.json(ctx, 200, body);
    }

    /** Per module: lag (when the worker reports it), outcomes, webhook→action latency. */
    List<Map<String, Object>> modules() {
        Map<String, Map<String, Object>> rows = new TreeMap<>();
        for (Meter m : registry.getMeters()) {
            String module = m.getId().getTag("module");
            if (module == null) {
                continue;
            }
            Map<String, Object> row = rows.computeIfAbsent(module, OperatingStats::moduleRow);
            switch (m.getId().getName()) {
                case "forgebus.worker.lag" -> {
                    if (m instanceof Gauge g && !Double.isNaN(g.value())) {
                        row.merge("lag", Math.round(g.value()), (a, b) -> (Long) a + (Long) b);
                    }
                }
                case "forgebus.worker.processed" -> {
                    if (m instanceof Counter c) {
                        String outcome = "dead_letter".equals(m.getId().getTag("outcome")) ? "deadLettered" : "done";
                        row.merge(outcome, Math.round(c.count()), (a, b) -> (Long) a + (Long) b);
                    }
                }
                default -> {
                }
            }
        }
        latencies().forEach((module, millis) -> rows.computeIfAbsent(module, OperatingStats::moduleRow)
                .put("latency", summary(millis)));
        return List.copyOf(rows.values());
    }

    private static Map<String, Object> moduleRow(String module) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("module", module);
        row.put("lag", null);
        row.put("done", 0L);
        row.put("deadLettered", 0L);
        row.put("latency", null);
        return row;
    }

    /** Milliseconds from receipt at the gateway to each module's final outcome, per module. */
    private Map<String, List<Long>> latencies() {
        Map<String, List<Long>> byModule = new HashMap<>();
        for (DeliveryTrace t : traces.recent("", LATENCY_WINDOW)) {
            if (t.sightings().isEmpty()) {
                continue;
            }
            DedupDecision first = t.sightings().get(0);
            if (first.receivedAt() == null) {
                continue;
            }
            for (WorkOutcome o : t.outcomes()) {
                if (o.at() != null && o.status() == WorkOutcome.Status.DONE) {
                    byModule.computeIfAbsent(o.module(), k -> new ArrayList<>())
                            .add(Math.max(0, Duration.between(first.receivedAt(), o.at()).toMillis()));
                }
            }
        }
        return byModule;
    }

    private static Map<String, Object> summary(List<Long> millis) {
        List<Long> sorted = millis.stream().sorted().toList();
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("count", sorted.size());
        s.put("p50Ms", percentile(sorted, 0.50));
        s.put("p95Ms", percentile(sorted, 0.95));
        s.put("maxMs", sorted.get(sorted.size() - 1));
        return s;
    }

    private static long percentile(List<Long> sorted, double p) {
        int index = (int) Math.ceil(p * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    /** {@code GET /admin/budgets}: per credential id, what the rate limiter knows. */
    void budgets(Context ctx) {
        AdminRoutes.onlyQueryParameters(ctx, Set.of());
        Map<String, Map<String, Object>> rows = new TreeMap<>();
        Set<String> names = new TreeSet<>(List.of("forgebus.ratelimiter.remaining", "forgebus.ratelimiter.waits",
                "forgebus.ratelimiter.refused", "forgebus.ratelimiter.unbilled"));
        for (Meter m : registry.getMeters()) {
            String credential = m.getId().getTag("credential");
            if (credential == null || !names.contains(m.getId().getName())) {
                continue;
            }
            Map<String, Object> row = rows.computeIfAbsent(credential, id -> {
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("credential", id);
                r.put("remaining", null);
                r.put("waits", 0L);
                r.put("refusedWhilePaused", 0L);
                r.put("unbilled", 0L);
                return r;
            });
            switch (m) {
                case Gauge g when m.getId().getName().equals("forgebus.ratelimiter.remaining") && g.value() >= 0 ->
                        row.put("remaining", Math.round(g.value()));
                case Counter c when m.getId().getName().equals("forgebus.ratelimiter.waits") -> row.put("waits", Math.round(c.count()));
                case Counter c when m.getId().getName().equals("forgebus.ratelimiter.refused") ->
                        row.put("refusedWhilePaused", Math.round(c.count()));
                case Counter c when m.getId().getName().equals("forgebus.ratelimiter.unbilled") -> row.put("unbilled", Math.round(c.count()));
                default -> {
                }
            }
        }
        AdminRoutes.json(ctx, 200, Map.of("credentials", List.copyOf(rows.values())));
    }

    @Override
    public void close() {
        if (sampler != null) {
            sampler.shutdownNow();
        }
    }
}
