package dev.forgebus.workers.notifications;

import java.util.Objects;

import com.fasterxml.jackson.databind.JsonNode;

import dev.forgebus.common.emit.EmittedEvents;
import dev.forgebus.common.emit.Notification;
import dev.forgebus.common.event.EventEnvelope;

/**
 * A notification work item as the channels see it: the notification and what it is about.
 *
 * @param id               the work item's delivery id ({@code emit:...}): the same for every
 *                         retry and replay, so receivers can drop a repeat by it
 * @param forge            the forge of the repository it is about
 * @param owner            its owner, "" for a global notification
 * @param repo             its name, "" for an org-level notification
 * @param module           the module that emitted it
 * @param sourceDeliveryId the delivery whose handling emitted it
 */
record OutgoingNotification(String id, String forge, String owner, String repo, String module, String sourceDeliveryId,
                            Notification notification) {

    OutgoingNotification {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(forge, "forge");
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(repo, "repo");
        Objects.requireNonNull(module, "module");
        Objects.requireNonNull(sourceDeliveryId, "sourceDeliveryId");
        Objects.requireNonNull(notification, "notification");
    }

    /** @throws IllegalArgumentException when the payload is not a notification's */
    static OutgoingNotification of(EventEnvelope item) {
        JsonNode payload = item.payload();
        if (payload == null || !payload.isObject()) {
            throw new IllegalArgumentException("notification payload missing");
        }
        Notification notification = Notification.fromPayload(payload);
        return new OutgoingNotification(item.deliveryId(), EmittedEvents.repositoryForge(item), item.owner(), item.repo(),
                payload.path(EmittedEvents.MODULE).asText(""), payload.path(EmittedEvents.SOURCE_DELIVERY_ID).asText(""),
                notification);
    }

    /** {@code owner/repo}, the owner alone, or "" when it is about neither. */
    String about() {
        return repo.isEmpty() ? owner : owner + "/" + repo;
    }
}
