package dev.forgebus.app.admin;

import java.util.List;

/** Where {@code GET /admin/deliveries/{id}} finds traces ({@link DeliveryTraceIndex}; a list in tests). */
@FunctionalInterface
public interface DeliveryLookup {
    /** Traces of this delivery id (one per forge that sent it; normally one; empty when none). */
    List<DeliveryTrace> find(String deliveryId);
}
