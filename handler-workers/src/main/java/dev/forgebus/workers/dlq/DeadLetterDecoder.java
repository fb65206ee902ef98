package dev.forgebus.workers.dlq;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Headers;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import dev.forgebus.common.event.Json;
import dev.forgebus.common.kafka.DeadLetterHeaders;
import dev.forgebus.common.kafka.RawRecordHeaders;
import dev.forgebus.common.kafka.TopicNames;

/**
 * Turns a dead-letter record into a {@link DeadLetter}: its id, the failure headers, and what it
 * was about (delivery id, {@code event.action}) read from the envelope's leading fields without
 * parsing the payload, or from the raw headers for dedup's letters. Tolerant: a header that
 * cannot be read gives its empty value, never an exception, so one odd letter cannot break a list.
 */
final class DeadLetterDecoder {
    private final TopicNames topics;

    DeadLetterDecoder(TopicNames topics) {
        this.topics = topics;
    }

    DeadLetter decode(DeadLetterSource source, ConsumerRecord<byte[], byte[]> record, boolean withValue) {
        Headers h = record.headers();
        Summary summary = summarize(source, record);
        return new DeadLetter(
                DeadLetter.idOf(source.id(), record.partition(), record.offset()),
                source.id(), record.partition(), record.offset(),
                text(record.key()),
                summary.deliveryId(),
                summary.event(),
                header(h, DeadLetterHeaders.ERROR_CLASS).orElse(""),
                header(h, DeadLetterHeaders.ERROR_MESSAGE).orElse(""),
                header(h, DeadLetterHeaders.ERROR_ATTEMPTS).map(DeadLetterDecoder::parseIntOr0).orElse(0),
                header(h, DeadLetterHeaders.ERROR_FIRST_FAILED_AT).flatMap(DeadLetterDecoder::parseInstant).orElse(null),
                header(h, DeadLetterHeaders.ORIGINAL_TOPIC).orElse(""),
                header(h, DeadLetterHeaders.ORIGINAL_PARTITION).map(v -> (int) parseLongOr(v, -1)).orElse(-1),
                header(h, DeadLetterHeaders.ORIGINAL_OFFSET).map(v -> parseLongOr(v, -1)).orElse(-1L),
                DeadLetterHeaders.replayCount(h, topics),
                header(h, DeadLetterHeaders.REPLAY_OF).orElse(null),
                Instant.ofEpochMilli(record.timestamp()),
                null,
                withValue ? text(record.value()) : null);
    }

    private Optional<String> header(Headers headers, String suffix) {
        return DeadLetterHeaders.text(headers, topics, suffix);
    }

    /** Delivery id and {@code event.action}, from the envelope's leading fields, else from the headers. */
    record Summary(String deliveryId, String event) {
    }

    Summary summarize(DeadLetterSource source, ConsumerRecord<byte[], byte[]> record) {
        return switch (source) {
            case DeadLetterSource.Module m -> summarizeWorkItem(record);
            // A raw record's value is the forge's webhook body, not an envelope: the raw headers say what it is.
            case DeadLetterSource.Dedup d -> new Summary(header(record.headers(), RawRecordHeaders.DELIVERY_ID).orElse(""),
                    header(record.headers(), RawRecordHeaders.EVENT).orElse("")
                            + header(record.headers(), RawRecordHeaders.ACTION).filter(a -> !a.isEmpty()).map(a -> "." + a).orElse(""));
        };
    }

    private Summary summarizeWorkItem(ConsumerRecord<byte[], byte[]> record) {
        String deliveryId = null;
        String event = null;
        String action = null;
        if (record.value() != null) {
            // Stream only the envelope's leading fields: the payload, possibly megabytes, comes last.
            try (JsonParser parser = Json.MAPPER.getFactory().createParser(record.value())) {
                if (parser.nextToken() == JsonToken.START_OBJECT) {
                    while (parser.nextToken() == JsonToken.FIELD_NAME && (deliveryId == null || event == null || action == null)) {
                        String field = parser.currentName();
                        JsonToken value = parser.nextToken();
                        switch (field) {
                            case "deliveryId" -> deliveryId = value == JsonToken.VALUE_STRING ? parser.getText() : "";
                            case "event" -> event = value == JsonToken.VALUE_STRING ? parser.getText() : "";
                            case "action" -> action = value == JsonToken.VALUE_STRING ? parser.getText() : "";
                            default -> parser.skipChildren();
                        }
                    }
                }
            } catch (IOException | RuntimeException e) {
                // unreadable work item: fall back to the headers
            }
        }
        if (deliveryId == null || deliveryId.isEmpty()) {
            deliveryId = header(record.headers(), RawRecordHeaders.DELIVERY_ID).orElse("");
        }
        if (event == null || event.isEmpty()) {
            event = header(record.headers(), RawRecordHeaders.EVENT).orElse("");
        } else if (action != null && !action.isEmpty()) {
            event = event + "." + action;
        }
        return new Summary(deliveryId, event);
    }

    private static String text(byte[] bytes) {
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }

    private static int parseIntOr0(String value) {
        return (int) parseLongOr(value, 0);
    }

    private static long parseLongOr(String value, long otherwise) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return otherwise;
        }
    }

    private static Optional<Instant> parseInstant(String value) {
        try {
            return Optional.of(Instant.parse(value.trim()));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
