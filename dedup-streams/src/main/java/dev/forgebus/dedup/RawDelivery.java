package dev.forgebus.dedup;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.processor.api.Record;

import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;

import dev.forgebus.common.event.DeliveryNames;
import dev.forgebus.common.event.EventEnvelope;
import dev.forgebus.common.event.JsonLimits;
import dev.forgebus.common.event.StrictUtf8;
import dev.forgebus.common.kafka.RawRecordHeaders;
import dev.forgebus.common.kafka.TopicNames;

/**
 * A record of {@code forgebus.raw} as read by dedup: either a {@link Readable} event or an
 * {@link Unreadable} one, with what could be read of it for the trace and the reason, never the body.
 *
 * <p>The facts that choose a credential (forge, delivery id, event, action, owner, repository) and
 * the sender come from the headers the gateway wrote; they are checked against the same
 * {@link DeliveryNames} rules but never derived again from the payload. The payload is read with
 * the gateway's {@link JsonLimits} and {@link StrictUtf8} check, so what the gateway accepted is
 * readable here, and what another producer wrote outside those limits is refused, not half-read.
 */
sealed interface RawDelivery {

    /** The event, its routes still empty. */
    record Readable(EventEnvelope envelope) implements RawDelivery {
    }

    /** Fields are "" when their header is missing or unusable; {@code reason} names what was wrong. */
    record Unreadable(String forge, String deliveryId, String event, Instant receivedAt, String reason) implements RawDelivery {
    }

    /** Payloads as the gateway reads them; trailing bytes refused (envelopes embed them verbatim). */
    ObjectReader PAYLOAD_READER = new ObjectMapper(JsonLimits.payloadFactory()).reader()
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    static RawDelivery read(Record<String, byte[]> raw, TopicNames topics) {
        Headers headers = raw.headers();
        Optional<String> forge = header(headers, topics.header(RawRecordHeaders.FORGE));
        Optional<String> deliveryId = header(headers, topics.header(RawRecordHeaders.DELIVERY_ID));
        Optional<String> event = header(headers, topics.header(RawRecordHeaders.EVENT));
        Instant receivedAt = receivedAt(header(headers, topics.header(RawRecordHeaders.RECEIVED_AT)).orElse(""), raw.timestamp());
        // What the trace may show of a bad record: only values that pass the rules.
        String safeForge = forge.filter(DeliveryNames::isOwner).orElse("");
        String safeId = deliveryId.filter(DeliveryNames::isDeliveryId).orElse("");
        String safeEvent = event.filter(DeliveryNames::isToken).orElse("");

        String problem = check(topics, headers, RawRecordHeaders.FORGE, false, DeliveryNames::isOwner)
                .or(() -> check(topics, headers, RawRecordHeaders.DELIVERY_ID, false, DeliveryNames::isDeliveryId))
                .or(() -> check(topics, headers, RawRecordHeaders.EVENT, false, DeliveryNames::isToken))
                .or(() -> check(topics, headers, RawRecordHeaders.ACTION, true, DeliveryNames::isToken))
                .or(() -> check(topics, headers, RawRecordHeaders.OWNER, true, DeliveryNames::isOwner))
                .or(() -> check(topics, headers, RawRecordHeaders.REPO, true, DeliveryNames::isRepo))
                .or(() -> check(topics, headers, RawRecordHeaders.SENDER, true, DeliveryNames::isSender))
                .orElse(null);
        if (problem != null) {
            return new Unreadable(safeForge, safeId, safeEvent, receivedAt, "unreadable record: " + problem);
        }
        String owner = header(headers, topics.header(RawRecordHeaders.OWNER)).orElseThrow();
        String repo = header(headers, topics.header(RawRecordHeaders.REPO)).orElseThrow();
        if (owner.isEmpty() && !repo.isEmpty()) {
            return new Unreadable(safeForge, safeId, safeEvent, receivedAt, "unreadable record: a repository without an owner");
        }
        if (raw.value() == null) {
            return new Unreadable(safeForge, safeId, safeEvent, receivedAt, "unreadable payload: no value");
        }
        Optional<String> encoding = StrictUtf8.problem(raw.value());
        if (encoding.isPresent()) {
            return new Unreadable(safeForge, safeId, safeEvent, receivedAt, "unreadable payload: not strict UTF-8 (" + encoding.get() + ")");
        }
        JsonNode payload;
        try {
            payload = PAYLOAD_READER.readTree(raw.value());
        } catch (StreamConstraintsException e) {
            return new Unreadable(safeForge, safeId, safeEvent, receivedAt, "unreadable payload: over a JSON limit");
        } catch (IOException e) {
            return new Unreadable(safeForge, safeId, safeEvent, receivedAt, "unreadable payload: not JSON");
        }
        if (payload == null || !payload.isObject()) {
            return new Unreadable(safeForge, safeId, safeEvent, receivedAt, "unreadable payload: not a JSON object");
        }
        return new Readable(new EventEnvelope(forge.orElseThrow(), header(headers, topics.header(RawRecordHeaders.FORGE_TYPE)).orElse(""),
                deliveryId.orElseThrow(), event.orElseThrow(),
                header(headers, topics.header(RawRecordHeaders.ACTION)).orElseThrow(), owner, repo,
                header(headers, topics.header(RawRecordHeaders.SENDER)).orElseThrow(), receivedAt, List.of(), payload));
    }

    /** Empty when header {@code suffix} is there and valid ("" allowed when {@code mayBeEmpty}). */
    private static Optional<String> check(TopicNames topics, Headers headers, String suffix, boolean mayBeEmpty,
                                          Predicate<String> rule) {
        String name = topics.header(suffix);
        Optional<String> value = header(headers, name);
        if (value.isEmpty() || value.get().isEmpty() && !mayBeEmpty) {
            return Optional.of("header " + name + " missing");
        }
        if (!value.get().isEmpty() && !rule.test(value.get())) {
            return Optional.of("header " + name + " is not a valid value");
        }
        return Optional.empty();
    }

    /** The header's last value as UTF-8 text; empty when it is absent. Values are never trimmed or repaired. */
    private static Optional<String> header(Headers headers, String name) {
        Header header = headers.lastHeader(name);
        return header == null || header.value() == null
                ? Optional.empty()
                : Optional.of(new String(header.value(), StandardCharsets.UTF_8));
    }

    /** The gateway's {@code received-at} (ISO-8601), else the record's timestamp. */
    private static Instant receivedAt(String header, long recordTimestamp) {
        try {
            return header.isEmpty() || header.length() > 64 ? Instant.ofEpochMilli(recordTimestamp) : Instant.parse(header);
        } catch (DateTimeParseException e) {
            return Instant.ofEpochMilli(recordTimestamp);
        }
    }
}
