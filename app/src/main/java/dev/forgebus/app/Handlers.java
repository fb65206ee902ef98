package dev.forgebus.app;

import java.util.List;
import java.util.function.Supplier;

import dev.forgebus.common.config.ForgebusConfig;
import dev.forgebus.forge.ForgeClients;
import dev.forgebus.workers.HandlerServices;
import dev.forgebus.workers.ModuleHandler;
import dev.forgebus.workers.settings.OpsFileWatch;
import dev.forgebus.workers.settings.RepoSettingsSource;
import dev.forgebus.workers.triage.TriageHandler;

/** Every module handler built so far; a module appears here when its handler exists. */
final class Handlers {
    /** The modules that have a handler in this version, in the order {@link #all} builds them. */
    static final java.util.Set<dev.forgebus.common.config.ModuleId> BUILT =
            java.util.Collections.unmodifiableSet(java.util.EnumSet.of(dev.forgebus.common.config.ModuleId.TRIAGE));

    private Handlers() {
    }

    /** {@link #BUILT} as module ids, for messages. */
    static String builtIds() {
        return String.join(", ", BUILT.stream().map(dev.forgebus.common.config.ModuleId::id).toList());
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
     * Every handler, each wrapped so that a push it receives touching {@code .ops.yaml} refreshes
     * the file in {@code services}' cache for all of them.
     */
    static List<ModuleHandler> all(HandlerServices services) {
        RepoSettingsSource settings = services.settings();
        return List.<ModuleHandler>of(new TriageHandler()).stream()
                .<ModuleHandler>map(handler -> new OpsFileWatch(handler, settings))
                .toList();
    }
}
