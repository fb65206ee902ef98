package dev.forgebus.common.schedule;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

import dev.forgebus.common.config.ModuleId;

/**
 * One job of the scheduler (SPEC 6): a name that is part of its tick ids, the module whose work
 * topic receives its ticks, and when it fires.
 *
 * @param name     {@code stale:<forgeId>:<org>}, {@code cron-dispatch:<name>},
 *                 {@code health-monitor:<name>} or {@code migrations:<service>}
 * @param module   the one module its ticks are routed to
 * @param schedule its fire times
 * @param forge    the org's forge id for org-scoped jobs (stale), else ""
 * @param org      the org for org-scoped jobs (stale), else ""
 */
public record ScheduledJob(String name, ModuleId module, JobSchedule schedule, String forge, String org) {

    /**
     * Longest job name: {@code manual:<name>@<instant with milliseconds>} must stay within the
     * 200 characters of a delivery id (7 + 1 + 24 = 32 characters of frame).
     */
    public static final int MAX_NAME = 160;

    public ScheduledJob {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(module, "module");
        Objects.requireNonNull(schedule, "schedule");
        Objects.requireNonNull(forge, "forge");
        Objects.requireNonNull(org, "org");
    }

    /** The delivery id of this job's tick for the slot {@code fireTime}: {@code cron:<name>@<UTC, seconds>}. */
    public String tickId(Instant fireTime) {
        return "cron:" + name + "@" + fireTime.truncatedTo(ChronoUnit.SECONDS);
    }

    /** The delivery id of an operator's run at {@code now}: {@code manual:<name>@<UTC, milliseconds>}. */
    public String manualId(Instant now) {
        return "manual:" + name + "@" + now.truncatedTo(ChronoUnit.MILLIS);
    }

    public boolean orgScoped() {
        return !org.isEmpty();
    }
}
