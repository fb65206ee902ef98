package dev.forgebus.app.admin;

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
}
