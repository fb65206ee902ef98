package dev.forgebus.app.admin;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import dev.forgebus.workers.dlq.DeadLetter;
import dev.forgebus.workers.dlq.DeadLetterSource;
import dev.forgebus.workers.dlq.DeadLetters;
import io.javalin.http.Context;

/**
 * {@code GET /admin/dlq} and {@code POST /admin/dlq/replay}: the same operations as
 * {@code forgebus dlq list|replay}, over HTTP. Parameters and bodies are read strictly
 * ({@link ReplayRequestReader}); a bad one is a 400 naming it.
 */
public final class DeadLetterAdmin {
    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1000;
    private static final Set<String> LIST_PARAMETERS = Set.of("module", "since", "limit");

    private final DeadLetters deadLetters;

    public DeadLetterAdmin(DeadLetters deadLetters) {
        this.deadLetters = deadLetters;
    }

    void list(Context ctx) {
        AdminRoutes.onlyQueryParameters(ctx, LIST_PARAMETERS);
        Optional<DeadLetterSource> source = AdminRoutes.queryParameter(ctx, "module").map(id -> ReplayRequestReader.source(deadLetters.modules(), id));
        Optional<Instant> since = AdminRoutes.queryParameter(ctx, "since").map(ReplayRequestReader::instant);
        int limit = AdminRoutes.limit(ctx, DEFAULT_LIMIT, MAX_LIMIT);
        List<DeadLetter> letters = deadLetters.list(source, limit, since).stream().map(DeadLetter::withoutValue).toList();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("count", letters.size());
        body.put("deadLetters", letters);
        AdminRoutes.json(ctx, 200, body);
    }

    void replay(Context ctx) {
        AdminRoutes.onlyQueryParameters(ctx, Set.of());
        var request = ReplayRequestReader.read(AdminBody.object(ctx, ReplayRequestReader.SHAPE), deadLetters.modules());
        AdminRoutes.json(ctx, 200, deadLetters.replay(request));
    }

}
