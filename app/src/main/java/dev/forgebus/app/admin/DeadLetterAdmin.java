package dev.forgebus.app.admin;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

import dev.forgebus.common.config.ModuleId;
import dev.forgebus.common.event.Json;
import dev.forgebus.workers.dlq.DeadLetter;
import dev.forgebus.workers.dlq.DeadLetters;
import dev.forgebus.workers.dlq.ReplayRequest;
import io.javalin.http.Context;

/**
 * {@code GET /admin/dlq} and {@code POST /admin/dlq/replay}: the same operations as
 * {@code forgebus dlq list|replay}, over HTTP. Bad parameters get a 400 naming the parameter.
 */
public final class DeadLetterAdmin {
    private final DeadLetters deadLetters;

    public DeadLetterAdmin(DeadLetters deadLetters) {
        this.deadLetters = deadLetters;
    }

    void list(Context ctx) {
        Optional<ModuleId> module;
        Optional<Instant> since;
        int limit;
        try {
            module = module(ctx.queryParam("module"));
            since = instant(ctx.queryParam("since"));
            limit = ctx.queryParam("limit") == null ? 100 : Integer.parseInt(ctx.queryParam("limit"));
        } catch (IllegalArgumentException e) {
            AdminRoutes.json(ctx, 400, Map.of("status", "bad_request", "message", e.getMessage()));
            return;
        }
        List<DeadLetter> letters = deadLetters.list(module, limit, since).stream().map(DeadLetter::withoutValue).toList();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("count", letters.size());
        body.put("deadLetters", letters);
        AdminRoutes.json(ctx, 200, body);
    }

    void replay(Context ctx) {
        ReplayRequest request;
        try {
            JsonNode body = Json.MAPPER.readTree(ctx.bodyAsBytes());
            if (body == null || !body.isObject()) {
                throw new IllegalArgumentException("body must be a JSON object {\"module\": ..., \"ids\": [...], \"since\": ...}");
            }
            List<String> ids = new ArrayList<>();
            body.path("ids").forEach(id -> ids.add(id.asText()));
            request = new ReplayRequest(module(text(body, "module")), ids, instant(text(body, "since")), body.path("dry_run").asBoolean(false)
                    || body.path("dryRun").asBoolean(false));
        } catch (java.io.IOException | IllegalArgumentException e) {
            AdminRoutes.json(ctx, 400, Map.of("status", "bad_request", "message", String.valueOf(e.getMessage())));
            return;
        }
        AdminRoutes.json(ctx, 200, deadLetters.replay(request));
    }

    private static String text(JsonNode body, String field) {
        JsonNode v = body.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    static Optional<ModuleId> module(String id) {
        if (id == null || id.isBlank()) {
            return Optional.empty();
        }
        return Optional.of(ModuleId.byId(id).orElseThrow(() -> new IllegalArgumentException("unknown module '" + id + "'")));
    }

    static Optional<Instant> instant(String iso) {
        if (iso == null || iso.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.parse(iso));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("since must be an ISO-8601 instant such as 2026-01-31T12:00:00Z");
        }
    }
}
