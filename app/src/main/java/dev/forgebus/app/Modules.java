package dev.forgebus.app;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

import dev.forgebus.common.config.ForgebusConfig;
import dev.forgebus.common.config.ModuleCatalog;
import dev.forgebus.common.config.ModuleDeclaration;
import dev.forgebus.common.config.ModuleId;
import dev.forgebus.common.config.StandardModules;
import dev.forgebus.forge.ForgeClients;
import dev.forgebus.workers.HandlerServices;
import dev.forgebus.workers.ModuleHandler;
import dev.forgebus.workers.ModuleRegistration;
import dev.forgebus.workers.TriggerGuard;
import dev.forgebus.workers.notifications.NotificationsHandler;
import dev.forgebus.workers.settings.OpsFileWatch;
import dev.forgebus.workers.settings.RepoSettingsSource;
import dev.forgebus.workers.automerge.AutoMergeHandler;
import dev.forgebus.workers.crondispatch.CronDispatchHandler;
import dev.forgebus.workers.dependencies.DependencyTriggersHandler;
import dev.forgebus.workers.migrations.MigrationsHandler;
import dev.forgebus.workers.mirror.MirrorHandler;
import dev.forgebus.workers.health.HealthMonitorHandler;
import dev.forgebus.workers.release.ReleaseHandler;
import dev.forgebus.workers.stale.StaleHandler;
import dev.forgebus.workers.triage.TriageHandler;

/**
 * The modules this process runs: each registered once, declaration and handler together. The
 * catalog the config is read with is the standard one plus the declarations of registered
 * modules that are not standard, so a module from elsewhere (a test's) is configured, routed,
 * scheduled and worked like a built-in one.
 */
public final class Modules {

    /** Every module with a handler in this version. Adding a module = its package + one line here. */
    public static final Modules BUILT_IN = new Modules(List.of(
            new ModuleRegistration(StandardModules.TRIAGE, TriageHandler::new),
            new ModuleRegistration(StandardModules.AUTO_MERGE, AutoMergeHandler::new),
            new ModuleRegistration(StandardModules.NOTIFICATIONS, NotificationsHandler::new),
            new ModuleRegistration(StandardModules.DEPENDENCY_TRIGGERS, DependencyTriggersHandler::new),
            new ModuleRegistration(StandardModules.RELEASE, ReleaseHandler::new),
            new ModuleRegistration(StandardModules.MIRROR, MirrorHandler::new),
            new ModuleRegistration(StandardModules.HEALTH_MONITOR, HealthMonitorHandler::new),
            new ModuleRegistration(StandardModules.STALE, StaleHandler::new),
            new ModuleRegistration(StandardModules.CRON_DISPATCH, CronDispatchHandler::new),
            new ModuleRegistration(StandardModules.MIGRATIONS, MigrationsHandler::new)));

    private final List<ModuleRegistration> registrations;
    private final ModuleCatalog catalog;

    private Modules(List<ModuleRegistration> registrations) {
        this.registrations = List.copyOf(registrations);
        ModuleCatalog standard = ModuleCatalog.standard();
        List<ModuleDeclaration<?>> extra = new ArrayList<>();
        Set<ModuleId> seen = new LinkedHashSet<>();
        for (ModuleRegistration r : this.registrations) {
            if (!seen.add(r.declaration().id())) {
                throw new IllegalArgumentException("module " + r.declaration().id() + " is registered twice");
            }
            Optional<ModuleDeclaration<?>> known = standard.byId(r.declaration().id().id());
            if (known.isEmpty()) {
                extra.add(r.declaration());
            } else if (known.get() != r.declaration()) {
                throw new IllegalArgumentException("module " + r.declaration().id() + " is a standard module: register"
                        + " its standard declaration");
            }
        }
        this.catalog = standard.with(extra.toArray(ModuleDeclaration<?>[]::new));
    }

    /** These modules and {@code more}. */
    public Modules with(ModuleRegistration... more) {
        List<ModuleRegistration> all = new ArrayList<>(registrations);
        all.addAll(List.of(more));
        return new Modules(all);
    }

    /** These modules less {@code id}: for a process whose work for {@code id} is done elsewhere (a test's own worker). */
    public Modules without(ModuleId id) {
        return new Modules(registrations.stream().filter(r -> !r.declaration().id().equals(id)).toList());
    }

    /** What the config is read with: the standard modules and any other registered one. */
    public ModuleCatalog catalog() {
        return catalog;
    }

    /** The modules that have a handler, in registration order. */
    public Set<ModuleId> withHandler() {
        Set<ModuleId> ids = new LinkedHashSet<>();
        registrations.forEach(r -> ids.add(r.declaration().id()));
        return ids;
    }

    /** {@link #withHandler()} as ids, for messages. */
    String idsWithHandler() {
        return String.join(", ", withHandler().stream().map(ModuleId::id).toList());
    }

    /**
     * What every handler's context is made from: the forge clients, one {@link RepoSettingsSource}
     * (the {@code .ops.yaml} cache), the emitter and the progress stores, shared by all modules of
     * the process (each worker gets them bound to its module).
     */
    static HandlerServices services(Supplier<ForgebusConfig> configs, ForgeClients clients, dev.forgebus.workers.Emitter emitter,
                                    dev.forgebus.workers.ProgressStores progress) {
        return new HandlerServices(clients, new RepoSettingsSource(configs, clients), emitter, progress);
    }

    /**
     * A handler for each registered module, each wrapped so that a push it receives touching
     * {@code .ops.yaml} refreshes the file in {@code services}' cache for all of them, and so
     * that an item that is not the module's trigger ends DONE before the handler ({@link TriggerGuard}).
     */
    List<ModuleHandler> handlers(HandlerServices services) {
        RepoSettingsSource settings = services.settings();
        return registrations.stream()
                .<ModuleHandler>map(r -> new OpsFileWatch(new TriggerGuard(r.declaration(), r.newHandler()), settings))
                .toList();
    }

    /**
     * @throws IllegalArgumentException when {@code config} was read without one of these modules
     *         (its blocks would have been refused as unknown keys)
     */
    void checkReadWith(ForgebusConfig config) {
        for (ModuleRegistration r : registrations) {
            if (config.modules().byId(r.declaration().id().id()).isEmpty()) {
                throw new IllegalArgumentException("the config was read without module " + r.declaration().id()
                        + " (load it with Modules.catalog())");
            }
        }
        Objects.requireNonNull(config, "config");
    }
}
