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
 */
public record StaleSettings(boolean enabled, int daysUntilStale, int daysUntilClose, String staleLabel,
                              List<String> exemptLabels, String schedule, ZoneId timeZone, boolean includePullRequests,
                              String staleComment, String closeComment) implements ModuleBlock {

    public static final int DEFAULT_DAYS_UNTIL_STALE = 60;
    public static final int DEFAULT_DAYS_UNTIL_CLOSE = 7;
    public static final String DEFAULT_STALE_LABEL = "stale";
    public static final String DEFAULT_SCHEDULE = "0 3 * * *";

    public StaleSettings {
        Objects.requireNonNull(staleLabel, "staleLabel");
        exemptLabels = List.copyOf(exemptLabels);
        Objects.requireNonNull(schedule, "schedule");
        Objects.requireNonNull(timeZone, "timeZone");
        Objects.requireNonNull(staleComment, "staleComment");
        Objects.requireNonNull(closeComment, "closeComment");
    }

    static String defaultStaleComment(int daysUntilStale, int daysUntilClose) {
        return "This has had no activity for " + daysUntilStale + " days and is now marked stale. It will be closed in "
                + daysUntilClose + " days unless there is new activity.";
    }

    static String defaultCloseComment(int daysUntilClose) {
        return "Closed after " + daysUntilClose + " more days without activity. Comment to ask for it to be reopened.";
    }
}
