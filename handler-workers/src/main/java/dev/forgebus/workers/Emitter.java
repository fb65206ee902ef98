package dev.forgebus.workers;

import dev.forgebus.common.config.ModuleId;
import dev.forgebus.common.emit.Notification;
import dev.forgebus.forge.ForgeCallException;

/**
 * Writes the events handlers emit for other modules ({@link HandlerContext#emit}) to the raw topic,
 * where dedup deduplicates and routes them. One per process.
 */
public interface Emitter {

    /**
     * Writes {@code notification}, emitted by {@code module} while handling {@code sourceDeliveryId},
     * about {@code forge:owner/repo}; returns once Kafka acknowledged it.
     *
     * @throws ForgeCallException {@code TRANSIENT} (status 0) when Kafka did not acknowledge in time
     */
    void emit(ModuleId module, String sourceDeliveryId, String forge, String owner, String repo, Notification notification)
            throws ForgeCallException, InterruptedException;

    /** For processes and tests without Kafka: emitting is a bug there. */
    Emitter NONE = (module, source, forge, owner, repo, notification) -> {
        throw new IllegalStateException("this process has no emitter (HandlerServices built without one)");
    };
}
