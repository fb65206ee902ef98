package dev.forgebus.gateway;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import dev.forgebus.common.health.ReadinessCheck;
import io.javalin.Javalin;
import io.javalin.config.RoutesConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * The one HTTP server of a Forgebus process: {@code /health}, {@code /ready}, {@code /metrics},
 * plus whatever routes the roles of this process contribute (webhooks, admin). Built from its
 * collaborators so that tests start the real server on port 0.
 */
public final class HttpServer implements AutoCloseable {
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private final Javalin app;

    private HttpServer(Javalin app) {
        this.app = app;
    }

    /**
     * @param port            0 picks a free port (tests)
     * @param readinessChecks every check must pass for {@code /ready} to answer 200
     * @param routeContributors each adds its routes (and exception mappers) to the server
     */
    public static HttpServer start(int port, PrometheusMeterRegistry registry, List<ReadinessCheck> readinessChecks,
                                   List<Consumer<RoutesConfig>> routeContributors) {
        List<ReadinessCheck> checks = List.copyOf(readinessChecks);
        Javalin app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.routes.get("/health", ctx -> JsonResponses.write(ctx, 200, Map.of("status", "up")));
            config.routes.get("/ready", ctx -> {
                List<String> reasons = new ArrayList<>();
                for (ReadinessCheck check : checks) {
                    ReadinessCheck.Status status = safely(check);
                    if (!status.ready()) {
                        reasons.add(status.reason());
                    }
                }
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("status", reasons.isEmpty() ? "ready" : "not_ready");
                body.put("reasons", reasons);
                JsonResponses.write(ctx, reasons.isEmpty() ? 200 : 503, body);
            });
            config.routes.get("/metrics", ctx -> ctx.contentType(PROMETHEUS_TEXT).result(registry.scrape()));
            routeContributors.forEach(c -> c.accept(config.routes));
        });
        app.start(port);
        return new HttpServer(app);
    }

    private static ReadinessCheck.Status safely(ReadinessCheck check) {
        try {
            return check.check();
        } catch (RuntimeException e) {
            return ReadinessCheck.Status.notReady("check failed: " + e.getClass().getSimpleName());
        }
    }

    public int port() {
        return app.port();
    }

    @Override
    public void close() {
        app.stop();
    }
}
