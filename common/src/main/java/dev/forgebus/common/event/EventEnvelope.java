package dev.forgebus.common.event;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;

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

    /** How the envelope's JSON ends when its payload is null: {@code payload} is its last component. */
    private static final byte[] NULL_PAYLOAD_END = "\"payload\":null}".getBytes(StandardCharsets.UTF_8);

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

    /**
     * The same JSON as {@link #toJson()}, with {@code payloadJson} embedded verbatim as the
     * payload instead of re-serialising the parsed tree. Dedup uses it for every event it routes:
     * the raw record's bytes are the payload, already parsed once to route it, and writing the
     * tree back out cost more than the rest of the envelope (issue 4 profile). Readers see the
     * same envelope ({@link #fromJson} of either form is equal).
     *
     * @param payloadJson one complete JSON value, the bytes {@link #payload()} was parsed from
     */
    public byte[] toJsonWithPayloadBytes(byte[] payloadJson) {
        byte[] head = Json.write(new EventEnvelope(forge, forgeType, deliveryId, event, action, owner, repo, sender,
                receivedAt, routes, NullNode.getInstance()));
        int cut = head.length - NULL_PAYLOAD_END.length;
        if (cut < 0 || !Arrays.equals(head, cut, head.length, NULL_PAYLOAD_END, 0, NULL_PAYLOAD_END.length)) {
            throw new IllegalStateException("envelope JSON does not end with its payload"); // a component was added after payload
        }
        int keep = cut + NULL_PAYLOAD_END.length - "null}".length();
        byte[] out = Arrays.copyOf(head, keep + payloadJson.length + 1);
        System.arraycopy(payloadJson, 0, out, keep, payloadJson.length);
        out[out.length - 1] = '}';
        return out;
    }

    public static EventEnvelope fromJson(byte[] json) {
        return Json.read(json, EventEnvelope.class);
    }
}
