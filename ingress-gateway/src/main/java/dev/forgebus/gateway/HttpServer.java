package dev.forgebus.gateway;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.ServerConnector;

import dev.forgebus.common.config.ServerConfig;
import dev.forgebus.common.health.LivenessCheck;
import dev.forgebus.common.health.ReadinessCheck;
import io.javalin.Javalin;
import io.javalin.config.RoutesConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * One HTTP listener of a Forgebus process, serving on a port bound beforehand ({@link BoundPort})
 * with the routes its contributors add: the webhook listener gets the gateway's routes, the
 * management listener {@link #managementRoutes health, readiness, metrics} and admin (or one
 * listener gets both, with {@code management.same_port}). Every listener has its own threads,
 * and a {@link RequestGate} in front of its routes bounds how long a request may take to arrive
 * and how many deliveries are handled at once. Built from its collaborators so that tests start
 * the real server on port 0.
 */
public final class HttpServer implements AutoCloseable {
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    /** Told of every request refused before the routes run (408 timeout/too_slow, 503 overloaded). */
    @FunctionalInterface
    public interface Refusals {
        Refusals NONE = (path, reason) -> {
        };

        void refused(String path, String reason);

        /**
         * With what else is known of the request: the status answered, the connection's address and
         * a header reader (for the delivery id and event headers, never the signature).
         */
        default void refused(String path, String reason, int status, String source,
                             java.util.function.Function<String, String> headers) {
            refused(path, reason);
        }
    }

    /** Jetty's default is 8 KiB, less than one typical webhook. */
    static final int INPUT_BUFFER_BYTES = 64 * 1024;

    private final Javalin app;
    private final int port;

    private HttpServer(Javalin app, int port) {
        this.app = app;
        this.port = port;
    }

    /**
     * @param port              bound beforehand; the server takes it over
     * @param limits            {@code request_timeout}, {@code min_data_rate}, {@code max_in_flight}, {@code max_body_bytes}
     * @param routeContributors each adds its routes (and exception mappers) to the server
     */
    public static HttpServer start(BoundPort port, ServerConfig limits, Refusals refusals,
                                   List<Consumer<RoutesConfig>> routeContributors) {
        Javalin app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.jetty.addConnector((server, httpConfiguration) -> {
                HttpConnectionFactory http = new HttpConnectionFactory(httpConfiguration);
                // Headers and a typical webhook body (10-30 KB) in one read: the body is then all
                // there when the gate looks, and the routes run on the same thread (no demand hop).
                http.setInputBufferSize(INPUT_BUFFER_BYTES);
                ServerConnector connector = new ServerConnector(server, http);
                try {
                    connector.open(port.handOver());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                return connector;
            });
            config.jetty.modifyServer(server -> server.insertHandler(new RequestGate(limits, refusals)));
            routeContributors.forEach(c -> c.accept(config.routes));
        });
        int number = port.port();
        app.start();
        return new HttpServer(app, number);
    }

    /**
     * {@code GET /health} (503 naming every dead part, else 200), {@code GET /ready} (503 with
     * every reason, else 200) and {@code GET /metrics}.
     */
    public static Consumer<RoutesConfig> managementRoutes(PrometheusMeterRegistry registry, List<ReadinessCheck> readinessChecks,
                                                          List<LivenessCheck> livenessChecks) {
        List<ReadinessCheck> ready = List.copyOf(readinessChecks);
        List<LivenessCheck> alive = List.copyOf(livenessChecks);
        return routes -> {
            routes.get("/health", ctx -> {
                List<String> reasons = new ArrayList<>();
                for (LivenessCheck check : alive) {
                    LivenessCheck.Status status = safely(check);
                    if (!status.alive()) {
                        reasons.add(status.reason());
                    }
                }
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("status", reasons.isEmpty() ? "up" : "down");
                if (!reasons.isEmpty()) {
                    body.put("reasons", reasons);
                }
                JsonResponses.write(ctx, reasons.isEmpty() ? 200 : 503, body);
            });
            routes.get("/ready", ctx -> {
                List<String> reasons = new ArrayList<>();
                for (ReadinessCheck check : ready) {
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
            routes.get("/metrics", ctx -> ctx.contentType(PROMETHEUS_TEXT).result(registry.scrape()));
        };
    }

    private static ReadinessCheck.Status safely(ReadinessCheck check) {
        try {
            return check.check();
        } catch (RuntimeException e) {
            return ReadinessCheck.Status.notReady("check failed: " + e.getClass().getSimpleName());
        }
    }

    private static LivenessCheck.Status safely(LivenessCheck check) {
        try {
            return check.check();
        } catch (RuntimeException e) {
            // A check that cannot answer says nothing about the part: do not restart for it.
            return LivenessCheck.Status.ok();
        }
    }

    public int port() {
        return port;
    }

    @Override
    public void close() {
        app.stop();
    }
}
