package dev.forgebus.common.config;

import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What applies to one repository after resolution (org defaults, then the repository's own
 * blocks key by key). A module is absent when neither configures it; present with
 * {@code enabled() == false} when a scope switched it off, so a trace can say why nothing ran.
 *
 * <p>The accessors of the SPEC 7 modules ({@link #triage()}, ...) are shorthands of
 * {@link #block(ModuleDeclaration)}, which is how any other module reads its block.
 *
 * @param org                  the org it belongs to, if configured
 * @param repositoryConfigured whether the repository is listed under its org (else org defaults)
 * @param modules              its module blocks
 */
public record RepositorySettings(Optional<OrgConfig> org, boolean repositoryConfigured, ModuleSettings modules) {

    public RepositorySettings {
        Objects.requireNonNull(org, "org");
        Objects.requireNonNull(modules, "modules");
    }

    static RepositorySettings of(Optional<OrgConfig> org, boolean repositoryConfigured, ModuleSettings s) {
        return new RepositorySettings(org, repositoryConfigured, s);
    }

    /** A repository of no configured org: no module acts on it. */
    static RepositorySettings unconfigured() {
        return of(Optional.empty(), false, ModuleSettings.none());
    }

    /** The block of {@code module} for this repository, typed by its declaration. */
    public <S extends ModuleBlock> Optional<S> block(ModuleDeclaration<S> module) {
        return modules.get(module);
    }

    public Optional<TriageSettings> triage() {
        return block(StandardModules.TRIAGE);
    }

    public Optional<StaleSettings> stale() {
        return block(StandardModules.STALE);
    }

    public Optional<NotificationSettings> notifications() {
        return block(StandardModules.NOTIFICATIONS);
    }

    public Optional<ReleaseSettings> release() {
        return block(StandardModules.RELEASE);
    }

    public Optional<AutoMergeSettings> autoMerge() {
        return block(StandardModules.AUTO_MERGE);
    }

    public Optional<MirrorSettings> mirror() {
        return block(StandardModules.MIRROR);
    }

    public Optional<DependencyTriggerSettings> dependencyTriggers() {
        return block(StandardModules.DEPENDENCY_TRIGGERS);
    }

    /** Whether {@code module} is configured AND enabled here; false for modules without a repository block. */
    public boolean enabled(ModuleId module) {
        return modules.get(module).filter(ModuleBlock::enabled).isPresent();
    }

    /** The modules with a block that is configured and enabled here, in catalog order. */
    public Set<ModuleId> enabledModules() {
        Set<ModuleId> enabled = new LinkedHashSet<>();
        modules.blocks().forEach((module, block) -> {
            if (block.enabled()) {
                enabled.add(module);
            }
        });
        return enabled;
    }
}
