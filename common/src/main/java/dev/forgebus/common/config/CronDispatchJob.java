package dev.forgebus.common.config;

import java.time.ZoneId;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A fleet-wide workflow dispatch on a schedule (SPEC 7.5).
 *
 * @param name              unique job name; part of the tick's delivery id
 *                          ({@code cron:<name>@<fire time>}), so it must not change casually
 * @param schedule          5-field cron expression
 * @param timeZone          the time zone {@code schedule} is read in (UTC unless {@code time_zone} says)
 * @param workflow          workflow file name (or id) to dispatch
 * @param repos             repository patterns {@code [forge:]Owner/repo}, fnmatch on both parts
 *                          (e.g. {@code MyOrg/*}); without a forge, every forge where the owner is
 *                          a configured org
 * @param sequential        one repository at a time, so a fleet-wide run never floods runners
 * @param waitForCompletion wait for each run to finish before the next (implies sequential pacing)
 * @param ref               branch or tag to run on; empty means each repository's default branch
 */
public record CronDispatchJob(String name, String schedule, ZoneId timeZone, String workflow, List<String> repos, boolean sequential,
                              boolean waitForCompletion, Optional<String> ref) {

    public CronDispatchJob {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(schedule, "schedule");
        Objects.requireNonNull(timeZone, "timeZone");
        Objects.requireNonNull(workflow, "workflow");
        repos = List.copyOf(repos);
        Objects.requireNonNull(ref, "ref");
    }
}
