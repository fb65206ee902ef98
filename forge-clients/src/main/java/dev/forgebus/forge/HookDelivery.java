package dev.forgebus.forge;

import java.time.Instant;
import java.util.Objects;

/**
 * One delivery attempt of a webhook as GitHub lists it.
 *
 * @param id         the attempt's id (used to redeliver it)
 * @param guid       the {@code X-GitHub-Delivery} value, shared by a delivery and its redeliveries
 * @param statusCode the HTTP status our endpoint answered (0: no answer)
 */
public record HookDelivery(long id, String guid, Instant deliveredAt, boolean redelivery, int statusCode, String event) {

    public HookDelivery {
        Objects.requireNonNull(guid, "guid");
        Objects.requireNonNull(deliveredAt, "deliveredAt");
        event = event == null ? "" : event;
    }

    /** Whether our endpoint accepted this attempt (any 2xx). */
    public boolean succeeded() {
        return statusCode >= 200 && statusCode < 300;
    }
}
