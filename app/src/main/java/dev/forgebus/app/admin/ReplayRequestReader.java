package dev.forgebus.app.admin;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import dev.forgebus.common.config.ModuleCatalog;
import dev.forgebus.workers.dlq.DeadLetterId;
import dev.forgebus.workers.dlq.DeadLetterSource;
import dev.forgebus.workers.dlq.ReplayRequest;

/**
 * The schema of {@code POST /admin/dlq/replay}: exactly the keys {@code module} (string),
 * {@code ids} (array of {@code module:partition:offset} strings), {@code since} (ISO-8601
 * instant string), {@code all}, {@code dry_run} and {@code again} (booleans). Anything else, a
 * wrong type, a bad value or no selection at all is a 400 naming the field: a lenient reader
 * once turned {@code "ids": "x"} into "every dead letter" and {@code "dry_run": "yes"} into a
 * real replay.
 */
final class ReplayRequestReader {
    static final String SHAPE = "{\"module\": \"triage\", \"ids\": [\"triage:0:42\"], \"since\": \"2026-01-31T12:00:00Z\", "
            + "\"all\": false, \"dry_run\": false, \"again\": false}";
    private static final Set<String> KNOWN = Set.of("module", "ids", "since", "all", "dry_run", "again");

    private ReplayRequestReader() {
    }

    static ReplayRequest read(JsonNode body, ModuleCatalog modules) {
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!KNOWN.contains(name)) {
                String hint = name.equals("dryRun") ? " (did you mean dry_run?)" : "";
                throw AdminRejection.badRequest("unknown field '" + printable(name) + "'" + hint + "; the fields are module, ids, "
                        + "since, all, dry_run and again");
            }
        }
        Optional<DeadLetterSource> source = string(body, "module").map(id -> source(modules, id));
        List<DeadLetterId> ids = ids(body, modules);
        Optional<Instant> since = string(body, "since").map(ReplayRequestReader::instant);
        try {
            return new ReplayRequest(source, ids, since, bool(body, "all"), bool(body, "dry_run"), bool(body, "again"));
        } catch (IllegalArgumentException e) {
            throw AdminRejection.badRequest(e.getMessage());
        }
    }

    static DeadLetterSource source(ModuleCatalog modules, String id) {
        return DeadLetterSource.byId(modules, id).orElseThrow(() -> AdminRejection.badRequest("module: unknown module '" + printable(id)
                + "' (a module id or dedup)"));
    }

    static Instant instant(String iso) {
        try {
            return Instant.parse(iso);
        } catch (DateTimeParseException e) {
            throw AdminRejection.badRequest("since must be an ISO-8601 instant such as 2026-01-31T12:00:00Z");
        }
    }

    private static Optional<String> string(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null) {
            return Optional.empty();
        }
        if (!v.isTextual()) {
            throw AdminRejection.badRequest(field + " must be a string");
        }
        return Optional.of(v.textValue());
    }

    private static boolean bool(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (v == null) {
            return false;
        }
        if (!v.isBoolean()) {
            throw AdminRejection.badRequest(field + " must be true or false");
        }
        return v.booleanValue();
    }

    private static List<DeadLetterId> ids(JsonNode body, ModuleCatalog modules) {
        JsonNode v = body.get("ids");
        if (v == null) {
            return List.of();
        }
        if (!v.isArray()) {
            throw AdminRejection.badRequest("ids must be an array of dead-letter ids (module:partition:offset)");
        }
        List<DeadLetterId> ids = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            JsonNode id = v.get(i);
            if (!id.isTextual()) {
                throw AdminRejection.badRequest("ids[" + i + "] must be a string module:partition:offset");
            }
            try {
                ids.add(DeadLetterId.parse(modules, id.textValue()));
            } catch (IllegalArgumentException e) {
                throw AdminRejection.badRequest("ids[" + i + "]: " + e.getMessage());
            }
        }
        return ids;
    }

    /** A name as it may be echoed in an answer: short, without control characters. */
    static String printable(String s) {
        String clean = s.replaceAll("\\p{Cntrl}", "?");
        return clean.length() <= 60 ? clean : clean.substring(0, 60) + "...";
    }
}
