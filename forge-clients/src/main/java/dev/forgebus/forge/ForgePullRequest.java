package dev.forgebus.forge;

import java.util.List;
import java.util.Objects;

/**
 * A pull request as the forge shows it.
 *
 * @param headSha  the commit at the head of the PR's branch now
 * @param headRef  the head branch name
 * @param headRepo {@code owner/repo} of the head branch (differs from the base repository for forks)
 */
public record ForgePullRequest(long number, boolean open, boolean draft, boolean merged, String headSha, String headRef,
                               String headRepo, String baseRef, List<String> labels) {

    public ForgePullRequest {
        Objects.requireNonNull(headSha, "headSha");
        Objects.requireNonNull(headRef, "headRef");
        Objects.requireNonNull(headRepo, "headRepo");
        Objects.requireNonNull(baseRef, "baseRef");
        labels = List.copyOf(labels);
    }
}
