package dev.forgebus.common.config;

import java.util.Objects;

/**
 * An owner (org or user) on one forge, as written {@code forge:Owner} (or {@code Owner} where the
 * forge is implied). Owner names are case-insensitive on every supported forge.
 */
public record RepoOwner(String forgeId, String owner) {

    public RepoOwner {
        Objects.requireNonNull(forgeId, "forgeId");
        Objects.requireNonNull(owner, "owner");
    }

    /** Whether {@code repo} belongs to this owner. */
    public boolean owns(RepoRef repo) {
        return repo.forgeId().equals(forgeId) && dev.forgebus.common.event.DeliveryNames.sameName(repo.owner(), owner);
    }

    @Override
    public String toString() {
        return forgeId + ":" + owner;
    }
}
