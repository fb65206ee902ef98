package dev.forgebus.app.admin;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;

import dev.forgebus.common.config.Secret;
import dev.forgebus.common.event.Json;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;

/**
 * The {@code /admin} surface (SPEC 4). Every route requires {@code Authorization: Bearer
 * <admin.token>}, compared in constant time; without a configured token the routes are not
 * registered at all (404), so an unset token can never mean "open".
 */
public final class AdminRoutes {
    private final Secret token;
    private final DeliveryTraceIndex traces;
    private final DeadLetterAdmin deadLetters;

    public AdminRoutes(Secret token, DeliveryTraceIndex traces, DeadLetterAdmin deadLetters) {
        this.token = token;
        this.traces = traces;
        this.deadLetters = deadLetters;
    }

    public void register(RoutesConfig routes) {
        routes.get("/admin/deliveries/{id}", guarded(this::delivery));
        routes.get("/admin/dlq", guarded(deadLetters::list));
        routes.post("/admin/dlq/replay", guarded(deadLetters::replay));
    }

    private void delivery(Context ctx) {
        var found = traces.find(ctx.pathParam("id"));
        if (found.isEmpty()) {
            json(ctx, 404, Map.of("status", "not_found", "message", "no trace of this delivery (yet)"));
            return;
        }
        json(ctx, 200, found.size() == 1 ? found.get(0) : found);
    }

    private Handler guarded(Handler handler) {
        return ctx -> {
            if (!authorised(ctx.header("Authorization"))) {
                ctx.header("WWW-Authenticate", "Bearer");
                json(ctx, 401, Map.of("status", "unauthorized", "message", "admin routes need Authorization: Bearer <admin.token>"));
                return;
            }
            handler.handle(ctx);
        };
    }

    private boolean authorised(String header) {
        if (header == null || !header.startsWith("Bearer ")) {
            return false;
        }
        byte[] presented = header.substring("Bearer ".length()).trim().getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(presented, token.reveal().getBytes(StandardCharsets.UTF_8));
    }

    static void json(Context ctx, int status, Object body) {
        ctx.status(status).contentType("application/json").result(Json.write(body));
    }
}
