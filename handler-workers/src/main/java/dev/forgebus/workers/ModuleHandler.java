package dev.forgebus.workers;

import dev.forgebus.common.config.ModuleId;
import dev.forgebus.common.event.EventEnvelope;
import dev.forgebus.forge.ForgeCallException;

/**
 * One module's logic, reading like its SPEC paragraph. The worker runtime calls {@link #handle}
 * for each work item of the module's topic, in partition order.
 *
 * <p>Failure semantics: returning normally means done. A {@link ForgeCallException} says by its
 * kind what the runtime does: {@code TRANSIENT} retries on {@code workers.backoff},
 * {@code RATE_LIMITED} retries after the forge's wait, {@code PERMANENT} dead-letters at once.
 * An {@link InvalidInputException} (a payload without what the module needs, settings that
 * cannot be used) dead-letters at once with {@code INVALID_PAYLOAD} / {@code INVALID_SETTINGS}.
 * Any other exception is treated as transient (a bug must not lose the item; it ends in the
 * dead-letter topic once attempts are spent).
 *
 * <p>Handlers must be idempotent: check the forge's state before acting, so that an item
 * processed twice (redelivery, replay, crash before commit) makes one change.
 */
public interface ModuleHandler {

    ModuleId module();

    void handle(EventEnvelope item) throws ForgeCallException, InterruptedException;

    /**
     * {@link #handle}, answering a note for the item's DONE outcome (shown in the delivery trace):
     * what an operator should know although the item is done, such as a repository's broken
     * {@code .ops.yaml} that was ignored for the last good one. "" when there is nothing to say.
     * The runtime calls this one; handlers with something to say override it.
     */
    default String handleExplained(EventEnvelope item) throws ForgeCallException, InterruptedException {
        handle(item);
        return "";
    }
}
