package dev.forgebus.workers;

import java.time.Clock;
import java.util.Objects;

import dev.forgebus.common.event.EventEnvelope;
import dev.forgebus.forge.ForgeClients;
import dev.forgebus.workers.settings.RepoSettingsSource;

/**
 * What the runtime builds each item's {@link HandlerContext} from: one per process, shared by
 * every module's worker.
 *
 * @param clients  the forge clients
 * @param settings the process's settings source (the {@code .ops.yaml} cache)
 */
public record HandlerServices(ForgeClients clients, RepoSettingsSource settings) {

    public HandlerServices {
        Objects.requireNonNull(clients, "clients");
        Objects.requireNonNull(settings, "settings");
    }

    /** A fresh context for one item: its settings are resolved at most once, when first asked. */
    public HandlerContext contextFor(EventEnvelope item, Clock clock) {
        return new HandlerContext(item, clients, settings, clock);
    }
}
