package dev.forgebus.workers;

import java.time.Clock;
import java.util.Objects;

import dev.forgebus.common.event.EventEnvelope;
import dev.forgebus.forge.ForgeCallException;
import dev.forgebus.forge.ForgeClients;
import dev.forgebus.workers.settings.RepoSettingsSource;

/**
 * What a handler may use for one item, besides the item: the forge clients, the item's repository
 * settings and the clock. Made by the runtime for each item ({@link HandlerServices#contextFor});
 * not shared between items or threads.
 *
 * <p>Not here yet (issue 10, a later change): emitting events for other modules and a durable
 * progress store for long sweeps.
 */
public final class HandlerContext {
    private final EventEnvelope item;
    private final ForgeClients clients;
    private final RepoSettingsSource source;
    private final Clock clock;
    private RepoSettingsSource.Resolved resolved;

    HandlerContext(EventEnvelope item, ForgeClients clients, RepoSettingsSource source, Clock clock) {
        this.item = Objects.requireNonNull(item, "item");
        this.clients = Objects.requireNonNull(clients, "clients");
        this.source = Objects.requireNonNull(source, "source");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The clients of every configured forge, with the right credential per owner. */
    public ForgeClients clients() {
        return clients;
    }

    /**
     * The item's repository settings (main config with its {@code .ops.yaml} over it), resolved on
     * the first call and the same snapshot for the rest of the item, so one item never acts on two
     * versions of the file.
     */
    public synchronized RepoSettingsSource.Resolved settings() throws ForgeCallException, InterruptedException {
        if (resolved == null) {
            resolved = source.settings(item.forge(), item.owner(), item.repo());
        }
        return resolved;
    }

    /** The runtime's clock ({@code WorkerSettings.clock()}): what "now" is for due times and stamps. */
    public Clock clock() {
        return clock;
    }
}
