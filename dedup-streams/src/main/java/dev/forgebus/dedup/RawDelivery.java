package dev.forgebus.dedup;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.processor.api.Record;

import com.fasterxml.jackson.databind.JsonNode;

import dev.forgebus.common.event.EventEnvelope;
import dev.forgebus.common.event.Json;
import dev.forgebus.common.kafka.RawRecordHeaders;
import dev.forgebus.common.kafka.TopicNames;

/**
 * A record of {@code forgebus.raw} as read by dedup: either a {@link Readable} event (headers
 * written by the gateway, body parsed as a JSON object) or an {@link Unreadable} one, with what
 * could be read of it for the trace and the reason, never the body.
 */
sealed interface RawDelivery {

    /** The event, its routes still empty. */
    record Readable(EventEnvelope envelope) implements RawDelivery {
    }

    /** Fields are "" when their header is missing; {@code reason} names what was wrong. */
    record Unreadable(String forge, String deliveryId, String event, Instant receivedAt, String reason) implements RawDelivery {
    }

    static RawDelivery read(Record<String, byte[]> raw, TopicNames topics) {
        Headers headers = raw.headers();
        String forge = header(headers, topics.header(RawRecordHeaders.FORGE));
        String deliveryId = header(headers, topics.header(RawRecordHeaders.DELIVERY_ID));
        String event = header(headers, topics.header(RawRecordHeaders.EVENT));
        Instant receivedAt = receivedAt(header(headers, topics.header(RawRecordHeaders.RECEIVED_AT)), raw.timestamp());

        String missing = forge.isEmpty() ? RawRecordHeaders.FORGE
                : deliveryId.isEmpty() ? RawRecordHeaders.DELIVERY_ID
                : event.isEmpty() ? RawRecordHeaders.EVENT
                : null;
        if (missing != null) {
            return new Unreadable(forge, deliveryId, event, receivedAt, "unreadable record: header " + topics.header(missing) + " missing");
        }
        JsonNode payload;
        try {
            // Trailing tokens are refused: the envelope embeds these bytes verbatim
            // (EventEnvelope.toJsonWithPayloadBytes), so they must be exactly one JSON value.
            payload = raw.value() == null ? null : Json.STRICT_READER.readTree(raw.value());
        } catch (IOException e) {
            return new Unreadable(forge, deliveryId, event, receivedAt, "unreadable payload: not JSON");
        }
        if (payload == null || !payload.isObject()) {
            return new Unreadable(forge, deliveryId, event, receivedAt, "unreadable payload: not a JSON object");
        }
        return new Readable(new EventEnvelope(forge, header(headers, topics.header(RawRecordHeaders.FORGE_TYPE)),
                deliveryId, event, text(payload.path("action")), owner(payload), text(payload.path("repository").path("name")),
                login(payload.path("sender")), receivedAt, List.of(), payload));
    }

    /** The repository's owner, else the organization of an org-level event, else "". */
    private static String owner(JsonNode payload) {
        String owner = login(payload.path("repository").path("owner"));
        return owner.isEmpty() ? login(payload.path("organization")) : owner;
    }

    /** GitHub and Gitea users have {@code login}; some Gitea payloads only {@code username}. */
    private static String login(JsonNode user) {
        String login = text(user.path("login"));
        return login.isEmpty() ? text(user.path("username")) : login;
    }

    private static String text(JsonNode node) {
        return node.isTextual() ? node.asText() : "";
    }

    private static String header(Headers headers, String name) {
        Header header = headers.lastHeader(name);
        return header == null || header.value() == null ? "" : new String(header.value(), StandardCharsets.UTF_8).strip();
    }

    /** The gateway's {@code received-at} (ISO-8601), else the record's timestamp. */
    private static Instant receivedAt(String header, long recordTimestamp) {
        try {
            return header.isEmpty() ? Instant.ofEpochMilli(recordTimestamp) : Instant.parse(header);
        } catch (DateTimeParseException e) {
            return Instant.ofEpochMilli(recordTimestamp);
        }
    }
}
