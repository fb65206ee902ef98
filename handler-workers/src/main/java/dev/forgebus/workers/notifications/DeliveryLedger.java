package dev.forgebus.workers.notifications;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import dev.forgebus.common.event.Json;
import dev.forgebus.forge.ForgeCallException;
import dev.forgebus.workers.ProgressStore;

/**
 * Which channels already have one notification item, in the module's progress store, so that a
 * retry or a replay of the item (another channel failed) does not post it again to those that have
 * it. Key {@code sent:<sha256 of the item's delivery id>}, value
 * {@code {"sent": [channel names], "failing": [channel names]}}; {@code failing} names the channels
 * whose last attempt failed, which a {@code dlq} notice about this item leaves out.
 *
 * <p>Removed once every channel has it, so the store holds only items in progress or dead-lettered
 * (a replay then skips what was delivered). The gap: a crash after the removal and before the
 * worker's commit redoes the item and posts it again to every channel (at-least-once).
 */
final class DeliveryLedger {

    private final ProgressStore store;
    private final String key;
    private final Set<String> sent;
    private final Set<String> failing;

    private DeliveryLedger(ProgressStore store, String key, Set<String> sent, Set<String> failing) {
        this.store = store;
        this.key = key;
        this.sent = sent;
        this.failing = failing;
    }

    /** The ledger of item {@code deliveryId}, empty when nothing was recorded for it. */
    static DeliveryLedger load(ProgressStore store, String deliveryId) throws ForgeCallException, InterruptedException {
        String key = keyOf(deliveryId);
        Set<String> sent = new LinkedHashSet<>();
        Set<String> failing = new LinkedHashSet<>();
        Optional<String> value = store.get(key);
        if (value.isPresent()) {
            try {
                JsonNode node = Json.MAPPER.readTree(value.get());
                node.path("sent").forEach(n -> sent.add(n.asText()));
                node.path("failing").forEach(n -> failing.add(n.asText()));
            } catch (java.io.IOException e) {
                // Not ours (the topic is writable by operators): nothing recorded, every channel is sent.
            }
        }
        return new DeliveryLedger(store, key, sent, failing);
    }

    static String keyOf(String deliveryId) {
        try {
            return "sent:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(deliveryId.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    }

    boolean sent(String channel) {
        return sent.contains(channel);
    }

    Set<String> failing() {
        return Set.copyOf(failing);
    }

    void markSent(String channel) throws ForgeCallException, InterruptedException {
        sent.add(channel);
        failing.remove(channel);
        write();
    }

    void markFailing(List<String> channels) throws ForgeCallException, InterruptedException {
        failing.clear();
        failing.addAll(channels);
        write();
    }

    void clear() throws ForgeCallException, InterruptedException {
        if (!sent.isEmpty() || !failing.isEmpty()) {
            store.remove(key);
        }
    }

    private void write() throws ForgeCallException, InterruptedException {
        Map<String, Object> value = new LinkedHashMap<>();
        value.put("sent", new ArrayList<>(sent));
        value.put("failing", new ArrayList<>(failing));
        store.put(key, new String(Json.write(value), StandardCharsets.UTF_8));
    }
}
