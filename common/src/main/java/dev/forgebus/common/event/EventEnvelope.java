package dev.forgebus.common.event;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import dev.forgebus.common.kafka.RecordKeys;

/**
 * One unique event as it travels on {@code forgebus.events} and {@code forgebus.work.<module>}
 * (SPEC 5): who sent it, about what, when it arrived, where it was routed and why, and the
 * payload as parsed JSON (embedded as an object, not an escaped string, so the envelope stays
 * about the payload's size).
 *
 * @param forgeType {@code github}, {@code forgejo} or {@code gitea}
 * @param action    the payload's {@code action}, or "" when it has none (push)
 * @param owner     repository owner (or org), "" when the payload names none
 * @param repo      repository name, "" for org-level events
 * @param sender    {@code sender.login}, "" when absent
 */
public record EventEnvelope(String forge, String forgeType, String deliveryId, String event, String action,
                            String owner, String repo, String sender, Instant receivedAt,
                            List<RouteDecision> routes, JsonNode payload) {

    public EventEnvelope {
        routes = routes == null ? List.of() : List.copyOf(routes);
    }

    /** The record key of every topic: {@code <forge>/<owner>/<repo>}. */
    public String key() {
        return RecordKeys.of(forge, owner, repo);
    }

    /** {@code event.action}, or the event alone when there is no action, e.g. {@code issues.opened}. */
    public String eventAction() {
        return action == null || action.isEmpty() ? event : event + "." + action;
    }

    public EventEnvelope withRoutes(List<RouteDecision> newRoutes) {
        return new EventEnvelope(forge, forgeType, deliveryId, event, action, owner, repo, sender, receivedAt, newRoutes, payload);
    }

    public byte[] toJson() {
        return Json.write(this);
    }

    public static EventEnvelope fromJson(byte[] json) {
        return Json.read(json, EventEnvelope.class);
    }
}
