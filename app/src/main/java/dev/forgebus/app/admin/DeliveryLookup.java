package dev.forgebus.app.admin;

import java.time.Instant;
import java.util.Optional;

import dev.forgebus.common.event.Rejection;

import java.util.List;

/** Where {@code GET /admin/deliveries/{id}} finds traces ({@link DeliveryTraceIndex}; a list in tests). */
@FunctionalInterface
public interface DeliveryLookup {
    /** Traces of this delivery id (one per forge that sent it; normally one; empty when none). */
    List<DeliveryTrace> find(String deliveryId);

    /**
     * The most recent traces, newest first, whose delivery id or {@code owner/repo} contains
     * {@code query} (case-insensitive; empty: all), at most {@code limit}. Empty by default (a
     * lookup that only answers single ids).
     */
    default List<DeliveryTrace> recent(String query, int limit) {
        return List.of();
    }

    /** Rejections of deliveries with this id, newest first (the gateway refused them: no trace follows). */
    default List<Rejection> rejectionsOf(String deliveryId) {
        return List.of();
    }

    /** At most {@code limit} rejections, newest first, of {@code forge} (any when empty) at or after {@code since}. */
    default List<Rejection> rejections(Optional<String> forge, Optional<Instant> since, int limit) {
        return List.of();
    }
}
