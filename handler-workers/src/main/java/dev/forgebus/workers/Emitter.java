package dev.forgebus.workers;

import com.fasterxml.jackson.databind.node.ObjectNode;

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

    /**
     * Writes work {@code key} with {@code payload}, fanned out by {@code module} to itself while
     * handling {@code sourceDeliveryId}, for repository {@code forge:owner/repo}; returns once Kafka
     * acknowledged it ({@link dev.forgebus.common.emit.EmittedEvents#workRecord}).
     *
     * @throws ForgeCallException {@code TRANSIENT} (status 0) when Kafka did not acknowledge in time
     */
    default void fanOut(ModuleId module, String sourceDeliveryId, String forge, String owner, String repo, String key,
                        ObjectNode payload) throws ForgeCallException, InterruptedException {
        throw new IllegalStateException("this emitter cannot fan out work");
    }

    /** For processes and tests without Kafka: emitting is a bug there. */
    Emitter NONE = (module, source, forge, owner, repo, notification) -> {
        throw new IllegalStateException("this process has no emitter (HandlerServices built without one)");
    };
}
