package dev.forgebus.dedup;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

import dev.forgebus.common.config.ForgebusConfig;
import dev.forgebus.common.config.ModuleId;
import dev.forgebus.common.config.Notifications;
import dev.forgebus.common.config.RepositorySettings;
import dev.forgebus.common.emit.EmittedEvents;
import dev.forgebus.common.event.EventEnvelope;
import dev.forgebus.common.event.RouteDecision;

/**
 * Where an event a module emitted ({@link EmittedEvents}, forge {@value EmittedEvents#FORGE_ID})
 * goes: a notification to {@code notifications} when the repository it is about has notifications
 * configured and enabled in the main config, else nowhere, with the reason; every other module is
 * listed "notification for notifications", so the trace says where it went. Pure, like
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
        if (!e.event().equals(EmittedEvents.NOTIFICATION)) {
            return Arrays.stream(ModuleId.values())
                    .map(m -> new RouteDecision(m.id(), false, "emitted event " + e.event() + " has no module")).toList();
        }
        // The repository the notification is about: its owner and name are the record's own facts,
        // its forge travels in the payload (the record's forge is the reserved one).
        String forge = text(e.payload(), EmittedEvents.FORGE);
        RepositorySettings settings = config.resolve(forge, e.owner(), e.repo());
        RouteDecision notifications = notifications(settings, e);
        return Arrays.stream(ModuleId.values())
                .map(m -> m == ModuleId.NOTIFICATIONS ? notifications
                        : new RouteDecision(m.id(), false, "notification for " + ModuleId.NOTIFICATIONS.id()))
                .toList();
    }

    private static RouteDecision notifications(RepositorySettings settings, EventEnvelope e) {
        String module = ModuleId.NOTIFICATIONS.id();
        Optional<Notifications> notifications = settings.notifications();
        if (settings.org().isEmpty()) {
            return new RouteDecision(module, false, Router.REPOSITORY_NOT_CONFIGURED);
        }
        if (notifications.isEmpty()) {
            return new RouteDecision(module, false, Router.MODULE_NOT_CONFIGURED);
        }
        if (!notifications.get().enabled()) {
            return new RouteDecision(module, false, Router.MODULE_DISABLED);
        }
        return new RouteDecision(module, true, "notification (" + e.action() + ")");
    }

    private static String text(JsonNode payload, String field) {
        JsonNode node = payload == null ? null : payload.get(field);
        return node != null && node.isTextual() ? node.asText() : "";
    }
}
