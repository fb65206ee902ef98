package dev.forgebus.common.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import dev.forgebus.common.schedule.ScheduledJob;

/**
 * The modules a process knows, in the order their decisions, topics and docs rows are listed:
 * the one registry that config readers, router, scheduler, topics, {@code workers --modules} and
 * the handler registry read. {@link #standard()} holds the SPEC 7 modules; tests add their own
 * with {@link #with}.
 */
public final class ModuleCatalog {
    /**
     * Keys a module may not take: the config's own keys at the top, org and repository levels,
     * where module blocks live beside them.
     */
    private static final Set<String> RESERVED_KEYS = Set.of("server", "management", "admin", "kafka", "dedup", "workers",
            "forges", "orgs", "name", "forge", "webhook_secret", "insecure_no_signature", "token",
            "mirror_targets_allowed", "repositories");

    private final List<ModuleDeclaration<?>> modules;

    private ModuleCatalog(List<ModuleDeclaration<?>> modules) {
        Set<String> ids = new HashSet<>();
        Set<String> keys = new HashSet<>();
        for (ModuleDeclaration<?> module : modules) {
            if (!ids.add(module.id().id())) {
                throw new IllegalArgumentException("module id '" + module.id().id() + "' is declared twice");
            }
            if (!keys.add(module.id().configKey()) || RESERVED_KEYS.contains(module.id().configKey())) {
                throw new IllegalArgumentException("config key '" + module.id().configKey() + "' of module "
                        + module.id().id() + " is already taken");
            }
        }
        this.modules = List.copyOf(modules);
    }

    /** The SPEC 7 modules. */
    public static ModuleCatalog standard() {
        return StandardModules.CATALOG;
    }

    static ModuleCatalog of(List<ModuleDeclaration<?>> modules) {
        return new ModuleCatalog(modules);
    }

    /**
     * This catalog and {@code more}, after it.
     *
     * @throws IllegalArgumentException when an id or config key is taken
     */
    public ModuleCatalog with(ModuleDeclaration<?>... more) {
        List<ModuleDeclaration<?>> all = new ArrayList<>(modules);
        all.addAll(List.of(more));
        return new ModuleCatalog(all);
    }

    /** Every module, in catalog order. */
    public List<ModuleDeclaration<?>> all() {
        return modules;
    }

    public List<ModuleId> ids() {
        return modules.stream().<ModuleId>map(ModuleDeclaration::id).toList();
    }

    public Optional<ModuleDeclaration<?>> byId(String id) {
        return modules.stream().filter(m -> m.id().id().equals(id)).findFirst();
    }

    public Optional<ModuleDeclaration<?>> byConfigKey(String key) {
        return modules.stream().filter(m -> m.id().configKey().equals(key)).findFirst();
    }

    /** The modules whose block may be written under an org (as defaults for its repositories). */
    public List<ModuleDeclaration<?>> orgBlocks() {
        return modules.stream()
                .filter(m -> m.block().filter(b -> b.scope() == ModuleDeclaration.Scope.ORG_AND_REPOSITORY).isPresent())
                .toList();
    }

    /** The modules whose block may be written under a repository (and in its {@code .ops.yaml}). */
    public List<ModuleDeclaration<?>> repositoryBlocks() {
        return modules.stream().filter(m -> m.block().isPresent()).toList();
    }

    /** The modules webhooks start, in the order the router lists its decisions. */
    public List<ModuleDeclaration<?>> webhookDriven() {
        return modules.stream().filter(ModuleDeclaration::webhookDriven).toList();
    }

    /** Every module's scheduled jobs for {@code config}, in catalog order. */
    public List<ScheduledJob> jobs(ForgebusConfig config) {
        List<ScheduledJob> jobs = new ArrayList<>();
        for (ModuleDeclaration<?> module : modules) {
            if (module.start() instanceof ModuleDeclaration.Start.Schedule<?> schedule) {
                jobs.addAll(schedule.jobs().jobs(config));
            }
        }
        return List.copyOf(jobs);
    }

    @Override
    public String toString() {
        return "ModuleCatalog" + ids();
    }
}
