package dev.forgebus.workers.stale;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.forgebus.common.config.StaleSettings;
import dev.forgebus.forge.ForgeComment;
import dev.forgebus.forge.ForgeIssue;

class StalePolicyTest {
    private static final Instant NOW = Instant.parse("2026-06-01T03:00:00Z");
    private static final StaleSettings SETTINGS = new StaleSettings(true, 60, 7, "stale", List.of("pinned"), "0 3 * * *",
            ZoneId.of("UTC"), false, "Going stale.", "Closing.");

    private static ForgeIssue issue(boolean pull, Instant updated, String... labels) {
        return new ForgeIssue(1, "t", true, pull, List.of(labels), "someone", updated);
    }

    private static Instant daysAgo(long days) {
        return NOW.minus(Duration.ofDays(days));
    }

    @Test
    void an_issue_idle_for_exactly_days_until_stale_is_marked_and_one_a_day_younger_is_not() {
        assertThat(StalePolicy.look(issue(false, daysAgo(60)), SETTINGS, NOW)).isInstanceOf(StalePolicy.Mark.class);
        assertThat(StalePolicy.look(issue(false, daysAgo(59)), SETTINGS, NOW)).isInstanceOf(StalePolicy.Ignore.class);
    }

    @Test
    void exempt_labels_in_any_case_and_pull_requests_not_included_are_ignored_however_old() {
        assertThat(StalePolicy.look(issue(false, daysAgo(400), "Pinned"), SETTINGS, NOW)).isInstanceOf(StalePolicy.Ignore.class);
        assertThat(StalePolicy.look(issue(false, daysAgo(400), "stale", "pinned"), SETTINGS, NOW))
                .isInstanceOf(StalePolicy.Ignore.class);
        assertThat(StalePolicy.look(issue(true, daysAgo(400)), SETTINGS, NOW)).isInstanceOf(StalePolicy.Ignore.class);
        StaleSettings withPulls = new StaleSettings(true, 60, 7, "stale", List.of(), "0 3 * * *", ZoneId.of("UTC"), true, "", "");
        assertThat(StalePolicy.look(issue(true, daysAgo(400)), withPulls, NOW)).isInstanceOf(StalePolicy.Mark.class);
    }

    @Test
    void with_the_exemptions_on_assigned_items_and_items_in_a_milestone_are_ignored_and_with_them_off_they_are_marked() {
        ForgeIssue assigned = new ForgeIssue(1, "t", true, false, List.of(), "someone", daysAgo(400), List.of("octocat"), false);
        ForgeIssue planned = new ForgeIssue(2, "t", true, false, List.of("stale"), "someone", daysAgo(400), List.of(), true);
        StaleSettings exempting = new StaleSettings(true, 60, 7, "stale", List.of(), "0 3 * * *", ZoneId.of("UTC"), false,
                "", "", StaleSettings.Sweep.LISTED, false, true, true);

        assertThat(StalePolicy.look(assigned, exempting, NOW)).isEqualTo(new StalePolicy.Ignore("assigned (exempt_assignees)"));
        assertThat(StalePolicy.look(planned, exempting, NOW)).isEqualTo(new StalePolicy.Ignore("in a milestone (exempt_milestones)"));
        assertThat(StalePolicy.look(assigned, SETTINGS, NOW)).isInstanceOf(StalePolicy.Mark.class);
        assertThat(StalePolicy.look(planned, SETTINGS, NOW)).isInstanceOf(StalePolicy.Review.class);
    }

    @Test
    void a_stale_labelled_issue_is_reviewed_with_its_comments() {
        assertThat(StalePolicy.look(issue(false, daysAgo(1), "Stale"), SETTINGS, NOW)).isInstanceOf(StalePolicy.Review.class);
    }

    @Test
    void a_marked_issue_is_closed_days_until_close_after_the_stale_comment_with_the_close_comment() {
        Instant marked = daysAgo(7);
        List<ForgeComment> comments = List.of(new ForgeComment(1, "forgebus", StaleMarkers.staleComment("Going stale."), marked));

        assertThat(StalePolicy.review(issue(false, marked, "stale"), comments, SETTINGS, NOW))
                .isEqualTo(new StalePolicy.Close(true));
        assertThat(StalePolicy.review(issue(false, marked, "stale"), comments, SETTINGS, NOW.minusSeconds(1)))
                .isEqualTo(new StalePolicy.Keep());
    }

    @Test
    void activity_after_the_stale_comment_unmarks_and_forgebus_own_close_comment_is_not_activity() {
        Instant marked = daysAgo(10);
        ForgeComment stale = new ForgeComment(1, "forgebus", StaleMarkers.staleComment("Going stale."), marked);
        assertThat(StalePolicy.review(issue(false, daysAgo(2), "stale"), List.of(stale), SETTINGS, NOW))
                .isEqualTo(new StalePolicy.Unmark());

        // A crash between the close comment and the close: the next sweep closes without a second comment
        ForgeComment close = new ForgeComment(2, "forgebus", StaleMarkers.closeComment("Closing."), daysAgo(2));
        assertThat(StalePolicy.review(issue(false, daysAgo(2), "stale"), List.of(stale, close), SETTINGS, NOW))
                .isEqualTo(new StalePolicy.Close(false));
    }

    @Test
    void a_stale_label_without_forgebus_comment_closes_days_until_close_after_the_last_update() {
        assertThat(StalePolicy.review(issue(false, daysAgo(8), "stale"), List.of(), SETTINGS, NOW))
                .isEqualTo(new StalePolicy.Close(true));
        assertThat(StalePolicy.review(issue(false, daysAgo(6), "stale"), List.of(), SETTINGS, NOW))
                .isEqualTo(new StalePolicy.Keep());
    }
}
