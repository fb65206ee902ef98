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
 */
public record ForgeIssue(long number, String title, boolean open, boolean pullRequest, List<String> labels,
                         String author, Instant updatedAt) {

    public ForgeIssue {
        Objects.requireNonNull(title, "title");
        labels = List.copyOf(labels);
        Objects.requireNonNull(author, "author");
        Objects.requireNonNull(updatedAt, "updatedAt");
    }
}
