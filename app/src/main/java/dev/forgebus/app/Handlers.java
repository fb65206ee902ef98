package dev.forgebus.app;

import java.util.List;
import java.util.function.Supplier;

import dev.forgebus.common.config.ForgebusConfig;
import dev.forgebus.forge.ForgeClients;
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
     * The handlers share one {@link RepoSettingsSource} (the {@code .ops.yaml} cache), and each is
     * wrapped so that a push it receives touching that file refreshes it for all of them.
     */
    static List<ModuleHandler> all(Supplier<ForgebusConfig> configs, ForgeClients clients) {
        RepoSettingsSource settings = new RepoSettingsSource(configs, clients);
        return List.<ModuleHandler>of(new TriageHandler(settings, clients)).stream()
                .<ModuleHandler>map(handler -> new OpsFileWatch(handler, settings))
                .toList();
    }
}
