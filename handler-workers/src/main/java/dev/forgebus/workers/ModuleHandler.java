package dev.forgebus.workers;

import dev.forgebus.common.config.ModuleId;
import dev.forgebus.forge.ForgeCallException;

/**
 * One module's logic, reading like its SPEC paragraph. The worker runtime calls {@link #handle}
 * for each work item of the module's topic, in partition order (docs/architecture.md, "Handler
 * contract").
 *
 * <p>Answers: {@link Result.Done} when the item is finished (its note goes to the DONE outcome),
 * {@link Result.RecheckAfter} when the handler wants to look at the item again later (the runtime
 * parks it in a retry topic, holding no thread and no partition, and hands it back with
 * {@link WorkItem#isRecheck()}; a re-check spends no attempt).
 *
 * <p>Failure semantics: a {@link ForgeCallException} says by its kind what the runtime does:
 * {@code TRANSIENT} retries on {@code workers.backoff}, {@code RATE_LIMITED} retries after the
 * forge's wait, {@code PERMANENT} dead-letters at once. An {@link InvalidInputException} (a payload
 * without what the module needs, settings that cannot be used) dead-letters at once with
 * {@code INVALID_PAYLOAD} / {@code INVALID_SETTINGS}. Any other exception, and a {@code null}
 * result, is treated as transient (a bug must not lose the item; it ends in the dead-letter topic
 * once attempts are spent).
 *
 * <p>Handlers must be idempotent: check the forge's state before acting, so that an item
 * processed twice (redelivery, replay, crash before commit, a re-check) makes one change.
 */
public interface ModuleHandler {

    /** The module whose work topic this handler consumes. */
    ModuleId module();

    /**
     * Handles one item.
     *
     * @param item    the event and what the runtime knows about this delivery of it
     * @param context the forge clients, the repository's settings and the clock, for this item only
     * @return what became of the item; never {@code null}
     */
    Result handle(WorkItem item, HandlerContext context) throws ForgeCallException, InterruptedException;
}
