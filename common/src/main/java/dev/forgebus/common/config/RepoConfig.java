package dev.forgebus.common.config;

import java.util.Objects;
import java.util.Set;

/**
 * A repository listed under its org.
 *
 * @param name            the repository name as written
 * @param settings        its EFFECTIVE module settings: the org's blocks with this repository's
 *                        blocks merged over them key by key, already at load (the merge needs
 *                        to know which keys were written, which typed values no longer tell)
 * @param declaredModules the module blocks this repository writes itself, for explaining where
 *                        a setting comes from
 */
public record RepoConfig(String name, ModuleSettings settings, Set<ModuleId> declaredModules) {

    public RepoConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(settings, "settings");
        declaredModules = Set.copyOf(declaredModules);
    }
}
