package dev.forgebus.fakeforge;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

import dev.forgebus.common.event.Json;

/**
 * One request as the fake forge received it. The credential of an {@code Authorization} header is
 * masked ({@code Bearer *****}, {@code token *****}) so that recordings can be printed safely; use
 * {@link FakeForge#requireToken} to check that the right token was sent.
 *
 * @param path      the path as sent, including {@code /api/v1} on a Forgejo fake
 * @param query     the raw query string, "" when none
 * @param headers   lower-case names, every value in order
 * @param arrivedAt when the server began to handle it
 */
public record RecordedRequest(String method, String path, String query, Map<String, List<String>> headers, String body,
                              Instant arrivedAt) {

    public RecordedRequest {
        Map<String, List<String>> lower = new LinkedHashMap<>();
        headers.forEach((name, values) -> lower.put(name.toLowerCase(Locale.ROOT), List.copyOf(values)));
        headers = Map.copyOf(lower);
        query = query == null ? "" : query;
        body = body == null ? "" : body;
    }

    /** The first value of a header, by case-insensitive name. */
    public Optional<String> header(String name) {
        List<String> values = headers.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
        return values.isEmpty() ? Optional.empty() : Optional.of(values.get(0));
    }

    /** The body as JSON ({@code MissingNode} when empty). */
    public JsonNode json() {
        if (body.isBlank()) {
            return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
        }
        try {
            return Json.MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("request body is not JSON: " + body, e);
        }
    }

    /** Whether the method is {@code method} (any case) and the whole path matches {@code pathRegex}. */
    public boolean is(String method, String pathRegex) {
        return this.method.equalsIgnoreCase(method) && path.matches(pathRegex);
    }

    /** Whether it may change something: anything but GET and HEAD. */
    public boolean isWrite() {
        return !method.equalsIgnoreCase("GET") && !method.equalsIgnoreCase("HEAD");
    }

    @Override
    public String toString() {
        return method + " " + path + (query.isEmpty() ? "" : "?" + query) + (body.isEmpty() ? "" : " " + body);
    }
}
