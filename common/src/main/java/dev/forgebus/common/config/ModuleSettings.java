package dev.forgebus.common.config;

import java.util.Objects;
import java.util.Optional;

/**
 * The repository-scoped module blocks of one scope (org defaults, or a repository's effective
 * settings). Empty means the block is not configured for that scope; a present block may still
 * say {@code enabled: false}.
 */
public record ModuleSettings(Optional<TriageSettings> triage, Optional<StaleSettings> stale,
                             Optional<NotificationSettings> notifications, Optional<ReleaseSettings> release,
                             Optional<AutoMergeSettings> autoMerge, Optional<MirrorSettings> mirror,
                             Optional<DependencyTriggerSettings> dependencyTriggers) {

    public ModuleSettings {
        Objects.requireNonNull(triage, "triage");
        Objects.requireNonNull(stale, "stale");
        Objects.requireNonNull(notifications, "notifications");
        Objects.requireNonNull(release, "release");
        Objects.requireNonNull(autoMerge, "autoMerge");
        Objects.requireNonNull(mirror, "mirror");
        Objects.requireNonNull(dependencyTriggers, "dependencyTriggers");
    }

    public static ModuleSettings none() {
        return new ModuleSettings(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty());
    }
}
