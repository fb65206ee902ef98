package dev.forgebus.workers;

import java.time.Clock;

import dev.forgebus.common.event.EventEnvelope;
import dev.forgebus.forge.ForgeCallException;

/** Calls a handler the way the runtime does for a first delivery, outside Kafka (handler tests). */
public final class Handling {

    private Handling() {
    }

    /** {@code handler}'s result for a first delivery of {@code item}, its context made from {@code services}. */
    public static Result handle(ModuleHandler handler, HandlerServices services, EventEnvelope item)
            throws ForgeCallException, InterruptedException {
        return handler.handle(WorkItem.first(item), services.contextFor(item, Clock.systemUTC()));
    }

    /** The note of the DONE result {@code handler} answers for {@code item}; fails when it is not DONE. */
    public static String note(ModuleHandler handler, HandlerServices services, EventEnvelope item)
            throws ForgeCallException, InterruptedException {
        Result result = handle(handler, services, item);
        if (!(result instanceof Result.Done done)) {
            throw new AssertionError("expected Done, got " + result);
        }
        return done.note();
    }
}
