package dev.forgebus.app.admin;

import java.util.ArrayList;
import java.util.List;

import dev.forgebus.common.event.DedupDecision;
import dev.forgebus.common.event.WorkOutcome;

/**
 * Everything known about one delivery: each time it was received (first sighting with its
 * routing decision and the reasons, or duplicate), and each module's outcome with attempts.
 */
public record DeliveryTrace(String forge, String delivery, List<DedupDecision> sightings, List<WorkOutcome> outcomes) {

    /** {@code owner/repo} of the first sighting; "" before dedup decided, {@code owner} alone for org events. */
    public String repository() {
        if (sightings.isEmpty()) {
            return "";
        }
        DedupDecision first = sightings.get(0);
        return first.repo() == null || first.repo().isEmpty() ? first.owner() : first.owner() + "/" + first.repo();
    }

    DeliveryTrace with(DedupDecision decision) {
        List<DedupDecision> s = new ArrayList<>(sightings);
        s.add(decision);
        return new DeliveryTrace(forge, delivery, List.copyOf(s), outcomes);
    }

    DeliveryTrace with(WorkOutcome outcome) {
        List<WorkOutcome> o = new ArrayList<>(outcomes);
        o.add(outcome);
        return new DeliveryTrace(forge, delivery, sightings, List.copyOf(o));
    }
}
