package dev.forgebus.gateway;

import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.javalin.http.Context;

/** Small JSON answers, written with one shared mapper. */
final class JsonResponses {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private JsonResponses() {
    }

    static void write(Context ctx, int status, Map<String, ?> body) {
        try {
            ctx.status(status).contentType("application/json").result(MAPPER.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
