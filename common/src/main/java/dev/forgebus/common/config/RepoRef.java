package dev.forgebus.common.config;

import java.util.Objects;

/**
 * A repository on a configured forge, as written {@code forge:Owner/repo} (or {@code Owner/repo}
 * where the forge is implied). Resolved at load so that modules never parse these strings.
 */
public record RepoRef(String forgeId, String owner, String repo) {

    public RepoRef {
        Objects.requireNonNull(forgeId, "forgeId");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(repo, "repo");
    }

    /** {@code Owner/repo}, the form forge APIs and UIs use. */
    public String fullName() {
        return owner + "/" + repo;
    }

    @Override
    public String toString() {
        return forgeId + ":" + owner + "/" + repo;
    }
}
