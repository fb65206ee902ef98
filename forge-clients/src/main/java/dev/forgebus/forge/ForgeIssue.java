package dev.forgebus.forge;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * An issue or pull request as a forge lists it.
 *
 * @param open        {@code state == open}
 * @param pullRequest true for a pull request (both forges list them among issues)
 * @param updatedAt   last activity the forge records
 * @param assignees   logins of its assignees
 * @param milestone   it is in a milestone
 */
public record ForgeIssue(long number, String title, boolean open, boolean pullRequest, List<String> labels,
                         String author, Instant updatedAt, List<String> assignees, boolean milestone) {

    /** An item without assignees or milestone. */
    public ForgeIssue(long number, String title, boolean open, boolean pullRequest, List<String> labels, String author,
                      Instant updatedAt) {
        this(number, title, open, pullRequest, labels, author, updatedAt, List.of(), false);
    }

    public ForgeIssue {
        Objects.requireNonNull(title, "title");
        labels = List.copyOf(labels);
        Objects.requireNonNull(author, "author");
        Objects.requireNonNull(updatedAt, "updatedAt");
        assignees = List.copyOf(assignees);
    }
}
