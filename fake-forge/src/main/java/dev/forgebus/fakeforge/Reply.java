package dev.forgebus.fakeforge;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.forgebus.common.event.Json;

/** One answer of the fake forge: status, extra headers and a JSON (or empty) body. */
record Reply(int status, Map<String, String> headers, String body) {

    Reply {
        headers = Map.copyOf(headers);
        body = body == null ? "" : body;
    }

    static Reply json(int status, Object value) {
        return new Reply(status, Map.of(), new String(Json.write(value), java.nio.charset.StandardCharsets.UTF_8));
    }

    Reply withHeaders(Map<String, String> more) {
        Map<String, String> all = new LinkedHashMap<>(headers);
        all.putAll(more);
        return new Reply(status, all, body);
    }

    /** The standard reason phrase, used as the message of default error bodies. */
    static String reason(int status) {
        return switch (status) {
            case 400 -> "Bad Request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 409 -> "Conflict";
            case 422 -> "Validation Failed";
            case 429 -> "Too Many Requests";
            case 500 -> "Internal Server Error";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            default -> "HTTP " + status;
        };
    }
}
