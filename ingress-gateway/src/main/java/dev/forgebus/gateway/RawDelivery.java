package dev.forgebus.gateway;

import java.time.Instant;

import dev.forgebus.common.config.ForgeType;

/** One verified delivery, ready for {@code forgebus.raw}. {@code body} is never re-serialised. */
record RawDelivery(String key, String forgeId, ForgeType forgeType, String deliveryId, String event,
                   Instant receivedAt, String contentType, byte[] body) {
}
