package dev.forgebus.common.event;

import java.time.Instant;
import java.util.List;

/**
 * What dedup-streams decided about one received delivery, written to {@code forgebus.trace}
 * for {@code GET /admin/deliveries/{id}}: first sighting (routed) or duplicate (dropped, or
 * re-routed to the modules whose earlier attempt ended in a dead letter).
 *
 * @param owner the owner the gateway derived and every module acts for (its org's credential);
 *              "" for a record that was dead-lettered unread
 * @param repo  the repository, "" for org-level events
 */
public record DedupDecision(String forge, String deliveryId, String key, String owner, String repo, String event, String action,
                            Instant receivedAt, Instant decidedAt, boolean duplicate, List<RouteDecision> routes) {

    public DedupDecision {
        routes = routes == null ? List.of() : List.copyOf(routes);
    }

    public byte[] toJson() {
        return Json.write(this);
    }

    public static DedupDecision fromJson(byte[] json) {
        return Json.read(json, DedupDecision.class);
    }
}
