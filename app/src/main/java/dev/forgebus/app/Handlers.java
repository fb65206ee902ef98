package dev.forgebus.app;

import java.util.List;

import dev.forgebus.common.config.ForgebusConfig;
import dev.forgebus.common.forge.ForgeClients;
import dev.forgebus.workers.ModuleHandler;
import dev.forgebus.workers.triage.TriageHandler;

/** Every module handler built so far; a module appears here when its handler exists. */
final class Handlers {
    private Handlers() {
    }

    static List<ModuleHandler> all(ForgebusConfig config, ForgeClients clients) {
        return List.of(new TriageHandler(config, clients));
    }
}
