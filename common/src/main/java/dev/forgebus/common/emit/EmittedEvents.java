package dev.forgebus.common.emit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;

import dev.forgebus.common.event.DeliveryNames;
import dev.forgebus.common.event.EventEnvelope;
import dev.forgebus.common.event.Json;
import dev.forgebus.common.kafka.RawRecordHeaders;
import dev.forgebus.common.kafka.RecordKeys;
import dev.forgebus.common.kafka.TopicNames;

/**
 * Events a module emits for another module, as records of {@code <prefix>.raw}: the path webhooks
 * and scheduler ticks take, so dedup deduplicates, routes and traces them like any delivery.
 *
 * <p>Headers as the gateway writes them ({@link RawRecordHeaders.Values}): forge and forge type
 * {@value #FORGE_ID} (reserved by the config loader, so no webhook can carry it), event
 * {@value #NOTIFICATION}, action the notification's kind, owner and repository those of the
 * repository the notification is about, sender "". Key {@code forgebus/<owner>/<repo>}. Value:
 * {@code {"forge", "module", "source_delivery_id", "key", "kind", "title", "text", "link"?}}, where
 * {@code forge} is the forge of owner/repo (the notifications module resolves that repository's
 * settings with it).
 *
 * <p>The delivery id is a function of what emitted it ({@link #deliveryId}): an item handled again
 * (crash before its commit, retry, re-check, replay) that emits the same key writes the same id,
 * and dedup drops the repeat, so the notification is one work item.
 */
public final class EmittedEvents {
    /** The forge id of emitted records (reserved: no configured forge may use it). */
    public static final String FORGE_ID = "forgebus";
    /** The event of an emitted notification. */
    public static final String NOTIFICATION = "notification";
    /** The event of work a module fanned out to itself ({@link WorkEvent}). */
    public static final String WORK = "work";

    public static final String FORGE = "forge";
    public static final String MODULE = "module";
    public static final String SOURCE_DELIVERY_ID = "source_delivery_id";
    public static final String KEY = "key";
    public static final String KIND = "kind";
    public static final String TITLE = "title";
    public static final String TEXT = "text";
    public static final String LINK = "link";
    public static final String PAYLOAD = "payload";

    private static final String PLAIN = "emit:";
    private static final String HASHED = "emit-sha256:";

    private EmittedEvents() {
    }

    /** The kind of the notification emitted whenever a module dead-letters a work item (SPEC 7.9). */
    public static final String DLQ_KIND = "dlq";

    /**
     * The forge of the repository {@code item} is about: for an emitted record the payload's
     * {@code forge} (the record's own forge is the reserved {@value #FORGE_ID}, which no org is
     * configured under), "" when the payload names none; for anything else the item's forge.
     */
    public static String repositoryForge(EventEnvelope item) {
        if (!item.forge().equals(FORGE_ID)) {
            return item.forge();
        }
        com.fasterxml.jackson.databind.JsonNode forge = item.payload() == null ? null : item.payload().get(FORGE);
        return forge != null && forge.isTextual() ? forge.asText() : "";
    }

    /**
     * {@code emit:<module>:<source delivery id>:<key>}; when that would exceed the 200 characters a
     * delivery id may have, {@code emit-sha256:<module>:<hex SHA-256 of "<source id>\n<key>">} (the
     * other prefix keeps the two forms from ever meeting).
     */
    public static String deliveryId(String module, String sourceDeliveryId, String key) {
        String plain = PLAIN + module + ":" + sourceDeliveryId + ":" + key;
        if (plain.length() <= DeliveryNames.MAX_DELIVERY_ID) {
            return plain;
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((sourceDeliveryId + "\n" + key).getBytes(StandardCharsets.UTF_8));
            return HASHED + module + ":" + HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    }

    /**
     * The raw record of {@code notification}, emitted by {@code module} while handling delivery
     * {@code sourceDeliveryId}, about repository {@code forge:owner/repo} (owner and repo may be ""
     * for an org-level or global notification).
     *
     * @throws IllegalArgumentException when a name breaks the delivery rules ({@link DeliveryNames})
     */
    public static ProducerRecord<String, byte[]> notificationRecord(TopicNames topics, String module, String sourceDeliveryId,
                                                                    String forge, String owner, String repo,
                                                                    Notification notification, Instant now) {
        new dev.forgebus.common.config.ModuleId(module, module.replace('-', '_')); // throws for what is not a module id
        if (!DeliveryNames.isDeliveryId(sourceDeliveryId)) {
            throw new IllegalArgumentException("not a delivery id: " + sourceDeliveryId);
        }
        if (!DeliveryNames.isOwner(forge)) {
            throw new IllegalArgumentException("not a forge id: " + forge);
        }
        if (!owner.isEmpty() && !DeliveryNames.isOwner(owner) || !repo.isEmpty() && (owner.isEmpty() || !DeliveryNames.isRepo(repo))) {
            throw new IllegalArgumentException("not a repository: " + owner + "/" + repo);
        }
        Map<String, Object> value = new LinkedHashMap<>();
        value.put(FORGE, forge);
        value.put(MODULE, module);
        value.put(SOURCE_DELIVERY_ID, sourceDeliveryId);
        value.put(KEY, notification.key());
        value.put(KIND, notification.kind());
        value.put(TITLE, notification.title());
        value.put(TEXT, notification.text());
        notification.link().ifPresent(link -> value.put(LINK, link));
        String id = deliveryId(module, sourceDeliveryId, notification.key());
        Headers headers = new RawRecordHeaders.Values(FORGE_ID, FORGE_ID, id, NOTIFICATION, notification.kind(), owner, repo, "",
                now, "application/json").toHeaders(topics);
        return new ProducerRecord<>(topics.raw(), null, RecordKeys.of(FORGE_ID, owner, repo), Json.write(value), headers);
    }

    /**
     * The raw record of {@code work}: a unit of work {@code module} fans out to itself while handling
     * delivery {@code sourceDeliveryId} of repository {@code forge:owner/repo} (the repository whose
     * settings route it back to {@code module}). Headers as for a notification, with event
     * {@value #WORK} and action ""; value {@code {"forge", "module", "source_delivery_id", "key",
     * "payload"}}; delivery id {@link #deliveryId} of the key with each '/' written '=' (delivery ids
     * allow no '/'; work keys allow no '='), so the same key fanned out again for the same item is
     * dropped by dedup.
     *
     * @throws IllegalArgumentException when a name breaks the delivery rules, or the key or payload
     *                                  breaks {@link WorkEvent}'s
     */
    public static ProducerRecord<String, byte[]> workRecord(TopicNames topics, String module, String sourceDeliveryId,
                                                            String forge, String owner, String repo, String key,
                                                            com.fasterxml.jackson.databind.node.ObjectNode payload, Instant now) {
        new dev.forgebus.common.config.ModuleId(module, module.replace('-', '_')); // throws for what is not a module id
        if (!DeliveryNames.isDeliveryId(sourceDeliveryId)) {
            throw new IllegalArgumentException("not a delivery id: " + sourceDeliveryId);
        }
        if (!DeliveryNames.isOwner(forge)) {
            throw new IllegalArgumentException("not a forge id: " + forge);
        }
        if (!DeliveryNames.isOwner(owner) || !DeliveryNames.isRepo(repo)) {
            throw new IllegalArgumentException("work belongs to a repository, not: " + owner + "/" + repo);
        }
        WorkEvent work = new WorkEvent(forge, module, sourceDeliveryId, key, payload);
        Map<String, Object> value = new LinkedHashMap<>();
        value.put(FORGE, forge);
        value.put(MODULE, module);
        value.put(SOURCE_DELIVERY_ID, sourceDeliveryId);
        value.put(KEY, work.key());
        value.put(PAYLOAD, work.payload());
        String id = workDeliveryId(module, sourceDeliveryId, key);
        Headers headers = new RawRecordHeaders.Values(FORGE_ID, FORGE_ID, id, WORK, "", owner, repo, "",
                now, "application/json").toHeaders(topics);
        return new ProducerRecord<>(topics.raw(), null, RecordKeys.of(FORGE_ID, owner, repo), Json.write(value), headers);
    }

    /** The delivery id of work {@code key} fanned out by {@code module} for {@code sourceDeliveryId}. */
    public static String workDeliveryId(String module, String sourceDeliveryId, String key) {
        return deliveryId(module, sourceDeliveryId, WorkEvent.idKey(key));
    }
}
