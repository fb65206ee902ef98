package dev.forgebus.dedup;

import java.util.List;
import java.util.Optional;

import dev.forgebus.common.config.ForgebusConfig;
import dev.forgebus.common.config.ModuleDeclaration;
import dev.forgebus.common.config.RepositorySettings;
import dev.forgebus.common.emit.EmittedEvents;
import dev.forgebus.common.event.EventEnvelope;
import dev.forgebus.common.event.RouteDecision;
import dev.forgebus.common.event.WebhookEvents;

/**
 * Where an event a module emitted ({@link EmittedEvents}, forge {@value EmittedEvents#FORGE_ID})
 * goes: a notification to the modules other modules' events start ({@code Start.Emitted}:
 * {@code notifications}) when the repository it is about has notifications
 * configured and enabled in the main config, else nowhere, with the reason; every other module is
 * listed "notification for notifications", so the trace says where it went. Work a module fanned
 * out to itself goes back to that module alone ({@link #work}). Pure, like
 * {@link Router}. Only workers write forge {@value EmittedEvents#FORGE_ID}: the config loader
 * refuses a forge of that id, so no webhook reaches this class.
 */
final class EmittedRouting {

    private EmittedRouting() {
    }

    static boolean isEmitted(EventEnvelope e) {
        return e.forge().equals(EmittedEvents.FORGE_ID);
    }

    static List<RouteDecision> decide(ForgebusConfig config, EventEnvelope e) {
        if (e.event().equals(EmittedEvents.WORK)) {
            return work(config, e);
        }
        List<ModuleDeclaration<?>> receivers = config.modules().all().stream()
                .filter(m -> m.start() instanceof ModuleDeclaration.Start.Emitted<?>).toList();
        if (!e.event().equals(EmittedEvents.NOTIFICATION) || receivers.isEmpty()) {
            return config.modules().ids().stream()
                    .map(m -> new RouteDecision(m.id(), false, "emitted event " + e.event() + " has no module")).toList();
        }
        String receiverIds = String.join(", ", receivers.stream().map(m -> m.id().id()).toList());
        // The repository the notification is about: its owner and name are the record's own facts,
        // its forge travels in the payload (the record's forge is the reserved one).
        String forge = WebhookEvents.text(e.payload(), EmittedEvents.FORGE);
        RepositorySettings settings = config.resolve(forge, e.owner(), e.repo());
        return config.modules().all().stream()
                .map(m -> receivers.contains(m) ? receiver(m, settings, e)
                        : new RouteDecision(m.id().id(), false, "notification for " + receiverIds))
                .toList();
    }

    /**
     * Work a module fanned out ({@link dev.forgebus.common.emit.WorkEvent}) goes back to the module
     * that emitted it and to no other (a module may only fan out to itself), when that module is in
     * the catalog and present and enabled for the repository the work belongs to. Every module's
     * reason names the emitter and the key, so the trace reads "work for dependency-triggers
     * (github:MyOrg/app)".
     */
    private static List<RouteDecision> work(ForgebusConfig config, EventEnvelope e) {
        String module = WebhookEvents.text(e.payload(), EmittedEvents.MODULE);
        String why = "work for " + module + " (" + WebhookEvents.text(e.payload(), EmittedEvents.KEY) + ")";
        Optional<ModuleDeclaration<?>> emitter = config.modules().all().stream()
                .filter(m -> m.id().id().equals(module)).findFirst();
        if (emitter.isEmpty()) {
            return config.modules().ids().stream()
                    .map(m -> new RouteDecision(m.id(), false, why + ": no such module")).toList();
        }
        RepositorySettings settings = config.resolve(WebhookEvents.text(e.payload(), EmittedEvents.FORGE), e.owner(), e.repo());
        return config.modules().all().stream()
                .map(m -> m.equals(emitter.get()) ? receiver(m, settings, why) : new RouteDecision(m.id().id(), false, why))
                .toList();
    }

    private static RouteDecision receiver(ModuleDeclaration<?> module, RepositorySettings settings, EventEnvelope e) {
        return receiver(module, settings, "notification (" + e.action() + ")");
    }

    private static RouteDecision receiver(ModuleDeclaration<?> module, RepositorySettings settings, String routedWhy) {
        return Router.unavailable(module.id(), settings, settings.block(module))
                .orElseGet(() -> new RouteDecision(module.id().id(), true, routedWhy));
    }

}
