package dev.forgebus.workers;

import java.time.Clock;
import java.util.Objects;
import java.util.Optional;

import dev.forgebus.common.config.ModuleId;
import dev.forgebus.common.event.EventEnvelope;
import dev.forgebus.forge.ForgeClients;
import dev.forgebus.workers.settings.RepoSettingsSource;

/**
 * What the runtime builds each item's {@link HandlerContext} from: one per process, shared by
 * every module's worker, and bound to one module ({@link #forModule}) for that module's worker, so
 * that what a handler emits and stores is its module's.
 *
 * @param clients  the forge clients
 * @param settings the process's settings source (the {@code .ops.yaml} cache)
 * @param emitter  where emitted events go ({@link Emitter#NONE} in processes without Kafka)
 * @param progress the modules' progress stores ({@link ProgressStores#NONE} without Kafka)
 * @param module   the module these services are bound to; empty until {@link #forModule}
 */
public record HandlerServices(ForgeClients clients, RepoSettingsSource settings, Emitter emitter, ProgressStores progress,
                              Optional<ModuleId> module) {

    public HandlerServices {
        Objects.requireNonNull(clients, "clients");
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(emitter, "emitter");
        Objects.requireNonNull(progress, "progress");
        Objects.requireNonNull(module, "module");
    }

    /** Services without Kafka: handlers that emit or use a progress store fail (tools and tests). */
    public HandlerServices(ForgeClients clients, RepoSettingsSource settings) {
        this(clients, settings, Emitter.NONE, ProgressStores.NONE, Optional.empty());
    }

    public HandlerServices(ForgeClients clients, RepoSettingsSource settings, Emitter emitter, ProgressStores progress) {
        this(clients, settings, emitter, progress, Optional.empty());
    }

    /** The same services for {@code module}'s worker: its handler emits and stores as {@code module}. */
    public HandlerServices forModule(ModuleId module) {
        return new HandlerServices(clients, settings, emitter, progress, Optional.of(module));
    }

    /** A fresh context for one item: its settings are resolved at most once, when first asked. */
    public HandlerContext contextFor(EventEnvelope item, Clock clock) {
        return new HandlerContext(item, this, clock);
    }
}
