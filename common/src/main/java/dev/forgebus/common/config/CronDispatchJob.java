package dev.forgebus.common.config;

import java.time.Duration;
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
 * @param runTimeout        how long to wait for a dispatched run to complete (key {@code run_timeout},
 *                          default {@link #DEFAULT_RUN_TIMEOUT}); past it the repository's outcome is a timeout
 */
public record CronDispatchJob(String name, String schedule, ZoneId timeZone, String workflow, List<String> repos, boolean sequential,
                              boolean waitForCompletion, Optional<String> ref, Duration runTimeout) {

    /** {@code run_timeout} when not set: one hour (issue 12). */
    public static final Duration DEFAULT_RUN_TIMEOUT = Duration.ofHours(1);

    /** A job with the default {@code run_timeout}. */
    public CronDispatchJob(String name, String schedule, ZoneId timeZone, String workflow, List<String> repos, boolean sequential,
                           boolean waitForCompletion, Optional<String> ref) {
        this(name, schedule, timeZone, workflow, repos, sequential, waitForCompletion, ref, DEFAULT_RUN_TIMEOUT);
    }


    public CronDispatchJob {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(schedule, "schedule");
        Objects.requireNonNull(timeZone, "timeZone");
        Objects.requireNonNull(workflow, "workflow");
        repos = List.copyOf(repos);
        Objects.requireNonNull(ref, "ref");
        Objects.requireNonNull(runTimeout, "runTimeout");
        if (runTimeout.isNegative() || runTimeout.isZero()) {
            throw new IllegalArgumentException("runTimeout must be positive");
        }
    }
}
