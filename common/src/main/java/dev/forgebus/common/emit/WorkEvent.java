package dev.forgebus.common.emit;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forgebus.common.event.EventEnvelope;
import dev.forgebus.common.event.Json;

/**
 * One unit of work a module fanned out to ITSELF while handling an item (a dependency trigger's
 * downstream, one repository of a sweep): emitted as a record of {@code <prefix>.raw}
 * ({@link EmittedEvents#workRecord}), deduplicated by its deterministic delivery id, routed back to
 * the emitting module only, and handled as its own work item, so that it fails, dead-letters and
 * is replayed on its own.
 *
 * @param forge            the forge of the repository the work belongs to (whose settings route it)
 * @param module           the module that emitted it, and the only one it may reach
 * @param sourceDeliveryId the delivery of the item that fanned it out
 * @param key              the module's name for this unit within that item, e.g. {@code github:MyOrg/app}
 * @param payload          what the unit needs: a JSON object of at most {@link #MAX_PAYLOAD_BYTES} bytes
 */
public record WorkEvent(String forge, String module, String sourceDeliveryId, String key, ObjectNode payload) {

    /** Keys name a unit of work; '/' is allowed (repositories), '=' is not (it stands for '/' in a delivery id). */
    public static final int MAX_KEY = 150;
    /** Payloads are small facts, not documents: the work topic must stay cheap to read and replay. */
    public static final int MAX_PAYLOAD_BYTES = 4096;

    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9._:@+/-]{1," + MAX_KEY + "}");

    public WorkEvent {
        Objects.requireNonNull(forge, "forge");
        Objects.requireNonNull(module, "module");
        Objects.requireNonNull(sourceDeliveryId, "sourceDeliveryId");
        checkKey(key);
        checkPayload(payload);
    }

    /** @throws IllegalArgumentException when {@code key} is not 1-150 characters of letters, digits and {@code . _ : @ + / -} */
    public static void checkKey(String key) {
        if (key == null || !KEY.matcher(key).matches()) {
            throw new IllegalArgumentException("work key must be 1-" + MAX_KEY + " characters of letters, digits and . _ : @ + / -");
        }
    }

    /** @throws IllegalArgumentException when {@code payload} is not a JSON object of at most {@value #MAX_PAYLOAD_BYTES} bytes */
    public static void checkPayload(JsonNode payload) {
        if (payload == null || !payload.isObject()) {
            throw new IllegalArgumentException("work payload must be a JSON object");
        }
        int size = Json.write(payload).length;
        if (size > MAX_PAYLOAD_BYTES) {
            throw new IllegalArgumentException("work payload has " + size + " bytes; at most " + MAX_PAYLOAD_BYTES);
        }
    }

    /** The key as it appears in a delivery id, which allows no '/': each '/' written '='. */
    static String idKey(String key) {
        return key.replace('/', '=');
    }

    /**
     * The work event an envelope carries, when it is one (forge {@value EmittedEvents#FORGE_ID}, event
     * {@value EmittedEvents#WORK}); checked again, the reader does not trust that the writer checked.
     *
     * @throws IllegalArgumentException when it is a work event whose fields are missing or break a rule
     */
    public static Optional<WorkEvent> of(EventEnvelope e) {
        if (!isWork(e)) {
            return Optional.empty();
        }
        JsonNode p = e.payload() == null ? Json.MAPPER.createObjectNode() : e.payload();
        JsonNode payload = p.path(EmittedEvents.PAYLOAD);
        if (!payload.isObject()) {
            throw new IllegalArgumentException("work field 'payload' missing");
        }
        return Optional.of(new WorkEvent(text(p, EmittedEvents.FORGE), text(p, EmittedEvents.MODULE),
                text(p, EmittedEvents.SOURCE_DELIVERY_ID), text(p, EmittedEvents.KEY), (ObjectNode) payload));
    }

    /** Whether the envelope is an emitted work event (without reading its payload). */
    public static boolean isWork(EventEnvelope e) {
        return EmittedEvents.FORGE_ID.equals(e.forge()) && EmittedEvents.WORK.equals(e.event());
    }

    private static String text(JsonNode payload, String field) {
        JsonNode node = payload.path(field);
        if (!node.isTextual()) {
            throw new IllegalArgumentException("work field '" + field + "' missing");
        }
        return node.asText();
    }

    @Override
    public String toString() {
        return "work " + key + " of " + module + " (" + new String(Json.write(payload), StandardCharsets.UTF_8).length() + " bytes)";
    }
}
