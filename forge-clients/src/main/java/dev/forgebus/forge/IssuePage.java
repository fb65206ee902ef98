package dev.forgebus.forge;

import java.util.List;

/**
 * One page of a repository's open issues and pull requests, for sweeps that keep a page cursor.
 *
 * @param issues the page's items
 * @param more   whether the forge says a next page exists
 */
public record IssuePage(List<ForgeIssue> issues, boolean more) {

    public IssuePage {
        issues = List.copyOf(issues);
    }
}
