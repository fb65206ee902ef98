package dev.forgebus.workers.stale;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import dev.forgebus.common.config.StaleSettings;
import dev.forgebus.forge.ForgeComment;
import dev.forgebus.forge.ForgeIssue;

/**
 * What the sweep does with one open issue or pull request: a pure function of the item as the page
 * listed it, its comments (only read for items already marked), the settings and now.
 *
 * <p>"Activity after marking" is told from the forge's {@code updated_at}: marking is the label and
 * then the stale comment, so an item updated more than {@link #OWN_WRITE_SLACK} after Forgebus's
 * latest own comment (stale or close, found by their hidden markers) had someone else's activity.
 * Days until close count from the stale comment, or from {@code updated_at} when there is none
 * ({@code stale_comment: ""}, or a label put by hand).
 */
final class StalePolicy {
    /** Label and comment writes of one marking land within this of each other. */
    static final Duration OWN_WRITE_SLACK = Duration.ofMinutes(1);

    private StalePolicy() {
    }

    /** The first look, from the listing alone. */
    sealed interface Look {
    }

    /** Nothing to do; {@code why} for the trace's tally. */
    record Ignore(String why) implements Look {
    }

    /** Idle for {@code days_until_stale}: label it and post the stale comment. */
    record Mark() implements Look {
    }

    /** Already labelled stale: read its comments and {@link #review} it. */
    record Review() implements Look {
    }

    /** The decision for a stale-labelled item. */
    sealed interface Verdict {
    }

    /** Still waiting for {@code days_until_close}. */
    record Keep() implements Verdict {
    }

    /** Someone acted after marking: take the label off. */
    record Unmark() implements Verdict {
    }

    /** Idle {@code days_until_close} since marking: close as not planned, with the close comment unless it is already there. */
    record Close(boolean postComment) implements Verdict {
    }

    static Look look(ForgeIssue issue, StaleSettings settings, Instant now) {
        if (issue.pullRequest() && !settings.includePullRequests()) {
            return new Ignore("pull request (include_pull_requests: false)");
        }
        if (issue.labels().stream().anyMatch(label -> containsIgnoreCase(settings.exemptLabels(), label))) {
            return new Ignore("exempt label");
        }
        if (settings.exemptAssignees() && !issue.assignees().isEmpty()) {
            return new Ignore("assigned (exempt_assignees)");
        }
        if (settings.exemptMilestones() && issue.milestone()) {
            return new Ignore("in a milestone (exempt_milestones)");
        }
        if (containsIgnoreCase(issue.labels(), settings.staleLabel())) {
            return new Review();
        }
        if (!now.isBefore(issue.updatedAt().plus(Duration.ofDays(settings.daysUntilStale())))) {
            return new Mark();
        }
        return new Ignore("active");
    }

    static Verdict review(ForgeIssue issue, List<ForgeComment> comments, StaleSettings settings, Instant now) {
        Optional<Instant> markedAt = latest(comments, StaleMarkers.STALE);
        Optional<Instant> ownLatest = latest(comments, StaleMarkers.STALE, StaleMarkers.CLOSE);
        if (ownLatest.isPresent() && issue.updatedAt().isAfter(ownLatest.get().plus(OWN_WRITE_SLACK))) {
            return new Unmark();
        }
        Instant idleSince = markedAt.orElse(issue.updatedAt());
        if (now.isBefore(idleSince.plus(Duration.ofDays(settings.daysUntilClose())))) {
            return new Keep();
        }
        boolean closeCommentPosted = comments.stream().max(Comparator.comparing(ForgeComment::createdAt))
                .filter(c -> c.body().contains(StaleMarkers.CLOSE)).isPresent();
        return new Close(!settings.closeComment().isEmpty() && !closeCommentPosted);
    }

    private static Optional<Instant> latest(List<ForgeComment> comments, String... markers) {
        return comments.stream()
                .filter(c -> List.of(markers).stream().anyMatch(c.body()::contains))
                .map(ForgeComment::createdAt).max(Comparator.naturalOrder());
    }

    private static boolean containsIgnoreCase(List<String> names, String name) {
        String wanted = name.toLowerCase(Locale.ROOT);
        return names.stream().anyMatch(n -> n.toLowerCase(Locale.ROOT).equals(wanted));
    }
}
