package dev.forgebus.dedup;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * What the dedup store remembers of one delivery (JSON in the store and its changelog).
 *
 * @param firstSeen    when the delivery was first routed (wall clock of the stream thread)
 * @param lastSeen     when a copy of it last arrived; retention counts from here, so a delivery
 *                     that keeps being redelivered keeps being recognised
 * @param deadLettered modules whose work on it ended in a dead letter and was not since done:
 *                     a redelivery (GitHub's "Redeliver" keeps the delivery id) is routed to them
 *                     again. Sorted, without repeats.
 */
record SeenDelivery(Instant firstSeen, Instant lastSeen, List<String> deadLettered) {

    SeenDelivery {
        Objects.requireNonNull(firstSeen, "firstSeen");
        Objects.requireNonNull(lastSeen, "lastSeen");
        deadLettered = deadLettered == null ? List.of() : List.copyOf(new TreeSet<>(deadLettered));
    }

    /** The store key: forge id and delivery id (delivery ids are only unique within a forge). */
    static String key(String forge, String deliveryId) {
        return forge + '\n' + deliveryId;
    }

    static SeenDelivery firstSighting(Instant now) {
        return new SeenDelivery(now, now, List.of());
    }

    SeenDelivery seenAgain(Instant now) {
        return new SeenDelivery(firstSeen, now, deadLettered);
    }

    SeenDelivery withDeadLetter(String module) {
        TreeSet<String> modules = new TreeSet<>(deadLettered);
        modules.add(module);
        return new SeenDelivery(firstSeen, lastSeen, List.copyOf(modules));
    }

    SeenDelivery without(Collection<String> modules) {
        TreeSet<String> remaining = new TreeSet<>(deadLettered);
        remaining.removeAll(modules);
        return new SeenDelivery(firstSeen, lastSeen, List.copyOf(remaining));
    }

    boolean isExpired(Instant now, Duration retention) {
        return !lastSeen.plus(retention).isAfter(now);
    }
}
