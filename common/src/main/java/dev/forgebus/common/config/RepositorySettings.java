package dev.forgebus.common.config;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What applies to one repository after resolution (org defaults, then the repository's own
 * blocks key by key). A module is absent when neither configures it; present with
 * {@code enabled() == false} when a scope switched it off, so a trace can say why nothing ran.
 *
 * @param org                  the org it belongs to, if configured
 * @param repositoryConfigured whether the repository is listed under its org (else org defaults)
 */
public record RepositorySettings(Optional<OrgConfig> org, boolean repositoryConfigured, Optional<TriageSettings> triage,
                                 Optional<StaleSettings> stale, Optional<NotificationSettings> notifications,
                                 Optional<ReleaseSettings> release, Optional<AutoMergeSettings> autoMerge, Optional<MirrorSettings> mirror,
                                 Optional<DependencyTriggerSettings> dependencyTriggers) {

    public RepositorySettings {
        Objects.requireNonNull(org, "org");
        Objects.requireNonNull(triage, "triage");
        Objects.requireNonNull(stale, "stale");
        Objects.requireNonNull(notifications, "notifications");
        Objects.requireNonNull(release, "release");
        Objects.requireNonNull(autoMerge, "autoMerge");
        Objects.requireNonNull(mirror, "mirror");
        Objects.requireNonNull(dependencyTriggers, "dependencyTriggers");
    }

    static RepositorySettings of(Optional<OrgConfig> org, boolean repositoryConfigured, ModuleSettings s) {
        return new RepositorySettings(org, repositoryConfigured, s.triage(), s.stale(), s.notifications(), s.release(),
                s.autoMerge(), s.mirror(), s.dependencyTriggers());
    }

    /** A repository of no configured org: no module acts on it. */
    static RepositorySettings unconfigured() {
        return of(Optional.empty(), false, ModuleSettings.none());
    }

    /** Whether {@code module} is configured AND enabled here; false for modules not scoped to repositories. */
    public boolean enabled(ModuleId module) {
        return switch (module) {
            case TRIAGE -> triage.filter(TriageSettings::enabled).isPresent();
            case STALE -> stale.filter(StaleSettings::enabled).isPresent();
            case NOTIFICATIONS -> notifications.filter(NotificationSettings::enabled).isPresent();
            case RELEASE -> release.filter(ReleaseSettings::enabled).isPresent();
            case AUTO_MERGE -> autoMerge.filter(AutoMergeSettings::enabled).isPresent();
            case MIRROR -> mirror.filter(MirrorSettings::enabled).isPresent();
            case DEPENDENCY_TRIGGERS -> dependencyTriggers.filter(DependencyTriggerSettings::enabled).isPresent();
            case CRON_DISPATCH, HEALTH_MONITOR, MIGRATIONS -> false;
        };
    }

    /** The repository-scoped modules that are configured and enabled here. */
    public Set<ModuleId> enabledModules() {
        Set<ModuleId> enabled = EnumSet.noneOf(ModuleId.class);
        for (ModuleId module : ModuleId.values()) {
            if (enabled(module)) {
                enabled.add(module);
            }
        }
        return enabled;
    }
}
