package dev.forgebus.common.config;

import java.time.ZoneId;
import java.util.List;
import java.util.Objects;

/**
 * Stale cleanup (SPEC 7.3): marks idle issues, then closes those that stay idle.
 *
 * @param enabled             false switches the module off for the scope
 * @param daysUntilStale      days without activity before the stale label and comment
 * @param daysUntilClose      further idle days, after marking, before closing
 * @param staleLabel          the label that marks an item stale
 * @param exemptLabels        items carrying any of these are never marked or closed
 * @param schedule            5-field cron expression of the sweep
 * @param timeZone            the time zone {@code schedule} is read in (UTC unless {@code time_zone} says)
 * @param includePullRequests also sweep pull requests, not only issues
 * @param staleComment        posted when marking; "" posts nothing
 * @param closeComment        posted when closing; "" posts nothing
 * @param sweep               which repositories of the org a sweep visits (read from the org's block)
 * @param dryRun              read and decide as usual, write nothing; the outcome says what it would do
 * @param exemptAssignees     items with any assignee are never marked or closed
 * @param exemptMilestones    items in a milestone are never marked or closed
 */
public record StaleSettings(boolean enabled, int daysUntilStale, int daysUntilClose, String staleLabel,
                              List<String> exemptLabels, String schedule, ZoneId timeZone, boolean includePullRequests,
                              String staleComment, String closeComment, Sweep sweep, boolean dryRun,
                              boolean exemptAssignees, boolean exemptMilestones) implements ModuleBlock {

    /** Which repositories of an org a stale sweep visits ({@code stale_management.sweep}). */
    public enum Sweep {
        /** Only the repositories listed under the org's {@code repositories:} (the default). */
        LISTED("listed"),
        /** Every repository the forge lists for the org (archived and forks skipped), listed or not. */
        ALL_REPOSITORIES("all_repositories");

        private final String id;

        Sweep(String id) {
            this.id = id;
        }

        /** The value as written in the config. */
        public String id() {
            return id;
        }
    }

    public static final int DEFAULT_DAYS_UNTIL_STALE = 60;
    public static final int DEFAULT_DAYS_UNTIL_CLOSE = 7;
    public static final String DEFAULT_STALE_LABEL = "stale";
    public static final String DEFAULT_SCHEDULE = "0 3 * * *";
    /** Every comment Forgebus's stale module writes carries this (a hidden HTML comment), and no one else's does. */
    public static final String OWN_COMMENT_MARKER = "<!-- forgebus:stale";

    public StaleSettings {
        Objects.requireNonNull(staleLabel, "staleLabel");
        exemptLabels = List.copyOf(exemptLabels);
        Objects.requireNonNull(schedule, "schedule");
        Objects.requireNonNull(timeZone, "timeZone");
        Objects.requireNonNull(staleComment, "staleComment");
        Objects.requireNonNull(closeComment, "closeComment");
        Objects.requireNonNull(sweep, "sweep");
    }

    /** Settings without the sweep, dry-run and exemption keys (their defaults: listed, false, false, false). */
    public StaleSettings(boolean enabled, int daysUntilStale, int daysUntilClose, String staleLabel,
                         List<String> exemptLabels, String schedule, ZoneId timeZone, boolean includePullRequests,
                         String staleComment, String closeComment) {
        this(enabled, daysUntilStale, daysUntilClose, staleLabel, exemptLabels, schedule, timeZone, includePullRequests,
                staleComment, closeComment, Sweep.LISTED, false, false, false);
    }

    static String defaultStaleComment(int daysUntilStale, int daysUntilClose) {
        return "This has had no activity for " + daysUntilStale + " days and is now marked stale. It will be closed in "
                + daysUntilClose + " days unless there is new activity.";
    }

    static String defaultCloseComment(int daysUntilClose) {
        return "Closed after " + daysUntilClose + " more days without activity. Comment to ask for it to be reopened.";
    }
}
