package dev.forgebus.common.schedule;

import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.forgebus.common.config.ForgebusConfig;
import dev.forgebus.common.config.ModuleId;
import dev.forgebus.common.config.StandardModules;
import dev.forgebus.common.config.OrgConfig;
import dev.forgebus.common.config.StaleSettings;

/**
 * The scheduler's jobs, derived from the config alone (a pure function, so dedup's router, the
 * scheduler and {@code jobs list} agree on them): one {@code stale:<forgeId>:<org>} per org whose
 * org-level {@code stale_management} is enabled, one per {@code cron_dispatch} entry, one per
 * {@code health_monitor} probe (every {@code every}) and one per migration service (every
 * {@code check_interval_seconds}). The loader has checked every name and expression.
 */
public final class ScheduledJobs {
    /** The forge id of tick records (reserved: no configured forge may use it). */
    public static final String FORGE_ID = "scheduler";
    /** The event of tick records. */
    public static final String EVENT = "schedule";

    public static final String STALE = "stale:";
    public static final String CRON_DISPATCH = "cron-dispatch:";
    public static final String HEALTH_MONITOR = "health-monitor:";
    public static final String MIGRATIONS = "migrations:";

    private ScheduledJobs() {
    }

    /** Every module's jobs, as the config's modules declare them ({@code ModuleCatalog#jobs}). */
    public static List<ScheduledJob> of(ForgebusConfig config) {
        return config.modules().jobs(config);
    }

    /** One per org whose org-level stale_management is enabled. */
    public static List<ScheduledJob> stale(ForgebusConfig config) {
        List<ScheduledJob> jobs = new ArrayList<>();
        for (OrgConfig org : config.orgs().values()) {
            Optional<StaleSettings> stale = org.defaults().get(StandardModules.STALE).filter(StaleSettings::enabled);
            stale.ifPresent(s -> jobs.add(new ScheduledJob(staleName(org.forge(), org.name()), ModuleId.STALE,
                    new JobSchedule.CronSchedule(s.schedule(), s.timeZone()), org.forge(), org.name())));
        }
        return jobs;
    }

    public static List<ScheduledJob> cronDispatch(ForgebusConfig config) {
        return config.cronDispatch().stream().map(job -> new ScheduledJob(CRON_DISPATCH + job.name(), ModuleId.CRON_DISPATCH,
                new JobSchedule.CronSchedule(job.schedule(), job.timeZone()), "", "")).toList();
    }

    public static List<ScheduledJob> healthMonitor(ForgebusConfig config) {
        return config.healthMonitor().stream().map(probe -> new ScheduledJob(HEALTH_MONITOR + probe.name(),
                ModuleId.HEALTH_MONITOR, new JobSchedule.Every(probe.every()), "", "")).toList();
    }

    public static List<ScheduledJob> migrations(ForgebusConfig config) {
        return config.migrations().values().stream().map(service -> new ScheduledJob(MIGRATIONS + service.name(),
                ModuleId.MIGRATIONS, new JobSchedule.Every(Duration.ofSeconds(service.checkIntervalSeconds())), "", ""))
                .toList();
    }

    public static Optional<ScheduledJob> named(ForgebusConfig config, String name) {
        return of(config).stream().filter(j -> j.name().equals(name)).findFirst();
    }

    public static String staleName(String forgeId, String org) {
        return STALE + forgeId + ":" + org;
    }

    /** UTC, the time zone of a schedule that names none. */
    public static final ZoneId DEFAULT_TIME_ZONE = ZoneId.of("UTC");
}
