package dev.forgebus.workers;

import java.util.Objects;
import java.util.Optional;

import dev.forgebus.common.config.ModuleBlock;
import dev.forgebus.common.config.ModuleDeclaration;
import dev.forgebus.common.schedule.ScheduledJobs;
import dev.forgebus.common.config.ModuleId;
import dev.forgebus.common.config.TriggerVerdict;
import dev.forgebus.common.emit.WorkEvent;
import dev.forgebus.forge.ForgeCallException;

/**
 * Applies a webhook module's trigger (its declaration's, the one the router used) once more
 * before the handler, so that an item that is not the module's event (a dead letter replayed
 * after the rules changed, an item written to the work topic by hand, a {@code .ops.yaml} push
 * seen by the settings watch) ends DONE with a note instead of reaching a handler that would have
 * to decide again. The rule is still written once: handlers do not check event shapes.
 *
 * <p>The settings are the item's (with its {@code .ops.yaml}); when the module has no block for
 * the repository, or a declaration looks its settings up elsewhere (mirror), the handler
 * decides, as it must answer "not configured" anyway.
 */
public final class TriggerGuard implements ModuleHandler {
    private final ModuleDeclaration<?> declaration;
    private final ModuleHandler handler;

    public TriggerGuard(ModuleDeclaration<?> declaration, ModuleHandler handler) {
        this.declaration = Objects.requireNonNull(declaration, "declaration");
        this.handler = Objects.requireNonNull(handler, "handler");
    }

    @Override
    public ModuleId module() {
        return handler.module();
    }

    @Override
    public Result handle(WorkItem item, HandlerContext context) throws ForgeCallException, InterruptedException {
        Optional<String> miss = miss(declaration, item, context);
        return miss.isPresent() ? Result.done(miss.get()) : handler.handle(item, context);
    }

    private static <S extends ModuleBlock> Optional<String> miss(ModuleDeclaration<S> declaration, WorkItem item,
                                                                 HandlerContext context)
            throws ForgeCallException, InterruptedException {
        Optional<ModuleDeclaration.Start.Webhooks<S>> start = declaration.webhooks();
        if (start.isEmpty() || start.get().lookup().isPresent() || WorkEvent.isWork(item.envelope())
                || ScheduledJobs.FORGE_ID.equals(item.envelope().forge())) {
            // Work the module fanned out to itself: its trigger fired for the item that fanned it out.
            return Optional.empty();
        }
        Optional<S> settings = context.settings().settings().block(declaration);
        if (settings.isEmpty()) {
            return Optional.empty();
        }
        TriggerVerdict verdict = start.get().trigger().decide(settings.get(), item.envelope());
        return verdict.fires() ? Optional.empty()
                : Optional.of("not a trigger of " + declaration.id() + " (" + verdict.why().orElse(item.envelope().eventAction()) + ")");
    }
}
