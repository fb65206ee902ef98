package dev.forgebus.workers.stale;

import java.util.Objects;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forgebus.common.event.Json;

/**
 * Where a sweep is, kept in the module's progress store under the job's name so a restart, a retry
 * or the sweep's next re-check resumes there. Value: {@code {"sweep", "repo", "page"}}.
 *
 * @param sweep the delivery id of the tick that started the sweep (a newer tick's sweep replaces it)
 * @param repo  the repository being swept, as the org lists it
 * @param page  the next page of its open issues to read, from 1
 */
record SweepCursor(String sweep, String repo, int page) {

    SweepCursor {
        Objects.requireNonNull(sweep, "sweep");
        Objects.requireNonNull(repo, "repo");
        if (page < 1) {
            throw new IllegalArgumentException("page must be at least 1: " + page);
        }
    }

    String encode() {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("sweep", sweep);
        node.put("repo", repo);
        node.put("page", page);
        return node.toString();
    }

    /** The stored cursor; empty when there is none or it cannot be read (the sweep then starts over: writes are idempotent). */
    static Optional<SweepCursor> decode(Optional<String> stored) {
        if (stored.isEmpty()) {
            return Optional.empty();
        }
        try {
            JsonNode node = Json.MAPPER.readTree(stored.get());
            if (!node.path("sweep").isTextual() || !node.path("repo").isTextual() || !node.path("page").canConvertToInt()) {
                return Optional.empty();
            }
            return Optional.of(new SweepCursor(node.get("sweep").asText(), node.get("repo").asText(), node.get("page").asInt()));
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    SweepCursor atPage(int next) {
        return new SweepCursor(sweep, repo, next);
    }
}
