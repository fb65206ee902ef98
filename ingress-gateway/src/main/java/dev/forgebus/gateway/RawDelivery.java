package dev.forgebus.gateway;

import java.time.Instant;

import dev.forgebus.common.config.ForgeType;

/**
 * One verified delivery, ready for {@code forgebus.raw}. {@code body} is never re-serialised;
 * {@code facts} go to the record's headers, so no later stage derives them again.
 */
record RawDelivery(String key, String forgeId, ForgeType forgeType, String deliveryId, String event,
                   DeliveryFacts facts, Instant receivedAt, String contentType, byte[] body) {
}
