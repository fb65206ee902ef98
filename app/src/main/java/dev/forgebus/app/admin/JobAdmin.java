package dev.forgebus.app.admin;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import dev.forgebus.common.config.ForgebusConfig;
import dev.forgebus.common.schedule.ScheduledJob;
import dev.forgebus.common.schedule.ScheduledJobs;
import dev.forgebus.scheduler.TickPublisher;
import io.javalin.http.Context;

/**
 * {@code GET /admin/jobs} (the scheduled jobs with their next fire time, as {@code jobs list}
 * prints them) and {@code POST /admin/jobs/{name}/run} (an immediate {@code manual:<job>@<now>}
 * tick, 202 with its delivery id once Kafka acknowledged it; 404 for an unknown job).
 */
public final class JobAdmin {
    private final Supplier<ForgebusConfig> config;
    private final TickPublisher publisher;
    private final Clock clock;

    public JobAdmin(Supplier<ForgebusConfig> config, TickPublisher publisher, Clock clock) {
        this.config = config;
        this.publisher = publisher;
        this.clock = clock;
    }

    /** One row per job: name, module, schedule, time zone, next fire time (UTC). */
    public static List<Map<String, String>> rows(ForgebusConfig config, Instant now) {
        return ScheduledJobs.of(config).stream().map(job -> {
            Map<String, String> row = new LinkedHashMap<>();
            row.put("name", job.name());
            row.put("module", job.module().id());
            row.put("schedule", job.schedule().describe());
            row.put("time_zone", job.schedule().timeZone().getId());
            row.put("next_fire", job.schedule().nextAfter(now).toString());
            return row;
        }).toList();
    }

    void list(Context ctx) {
        AdminRoutes.onlyQueryParameters(ctx, Set.of());
        AdminRoutes.json(ctx, 200, Map.of("jobs", rows(config.get(), clock.instant())));
    }

    void run(Context ctx) {
        AdminRoutes.onlyQueryParameters(ctx, Set.of());
        AdminBody.emptyOrEmptyObject(ctx);
        String name = ctx.pathParam("name");
        var job = ScheduledJobs.named(config.get(), name);
        if (job.isEmpty()) {
            AdminRoutes.json(ctx, 404, Map.of("status", "not_found", "message", "no scheduled job of that name; GET /admin/jobs lists them"));
            return;
        }
        String id = publish(job.get());
        AdminRoutes.json(ctx, 202, Map.of("status", "accepted", "delivery", id));
    }

    private String publish(ScheduledJob job) {
        try {
            return publisher.publishManual(job, clock.instant());
        } catch (TickPublisher.NotAcknowledgedException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }
}
