package dev.forgebus.gateway;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.forgebus.common.config.ForgebusConfig;
import dev.forgebus.common.event.Rejection;
import dev.forgebus.common.health.LivenessCheck;
import dev.forgebus.common.kafka.TopicNames;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The ingress-gateway role: the webhook routes and the Kafka producer behind them. It adds
 * its routes to an {@link HttpServer}, which also serves health, readiness and metrics.
 */
public final class Gateway implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

    private final Supplier<ForgebusConfig> configs;
    private final RawEventPublisher publisher;
    private final WebhookHandler handler;
    private final GatewayMetrics metrics;
    private final RejectionLog rejections;
    private final Clock clock = Clock.systemUTC();

    private Gateway(Supplier<ForgebusConfig> configs, RawEventPublisher publisher, WebhookHandler handler, GatewayMetrics metrics,
                    RejectionLog rejections) {
        this.configs = configs;
        this.publisher = publisher;
        this.handler = handler;
        this.metrics = metrics;
        this.rejections = rejections;
    }

    /**
     * @param ackTimeout how long a request may wait for Kafka before answering 503; keep it
     *                   under GitHub's 10 s delivery timeout
     */
    public static Gateway create(ForgebusConfig config, String bootstrapServers, Duration ackTimeout, MeterRegistry registry) {
        return create(config, bootstrapServers, ackTimeout, registry, ProducerTuning.DEFAULT);
    }

    /** As above with explicit producer tuning (benchmarks). */
    public static Gateway create(ForgebusConfig config, String bootstrapServers, Duration ackTimeout, MeterRegistry registry,
                                 ProducerTuning tuning) {
        return create(() -> config, bootstrapServers, ackTimeout, registry, tuning);
    }

    /** As below with the default producer tuning. */
    public static Gateway create(Supplier<ForgebusConfig> configs, String bootstrapServers, Duration ackTimeout, MeterRegistry registry) {
        return create(configs, bootstrapServers, ackTimeout, registry, ProducerTuning.DEFAULT);
    }

    /**
     * A gateway that follows a reloaded config: forges, org and forge secrets and
     * {@code insecure_no_signature} are read from {@code configs} once per request. The topic
     * prefix and {@code server.max_body_bytes} of the producer are read once, here (restart-only).
     */
    public static Gateway create(Supplier<ForgebusConfig> configs, String bootstrapServers, Duration ackTimeout, MeterRegistry registry,
                                 ProducerTuning tuning) {
        ForgebusConfig config = configs.get();
        TopicNames topics = new TopicNames(config.kafka().topicPrefix());
        RawEventPublisher publisher = RawEventPublisher.create(bootstrapServers, topics, config.server().maxBodyBytes(), ackTimeout, tuning);
        warnAboutUnsignedScopes(config);
        publisher.bindMetrics(registry);
        GatewayMetrics metrics = new GatewayMetrics(registry);
        // Present from start with zero: a dashboard or alert sees 0, not "no data", before the first webhook.
        config.forges().keySet().forEach(metrics::preRegister);
        return new Gateway(configs, publisher, new WebhookHandler(configs, publisher, metrics, Clock.systemUTC()), metrics,
                RejectionLog.toKafka(bootstrapServers, topics, registry));
    }

    /** Logs a warning per forge and org that accepts unsigned webhooks: at start, and after a reload. */
    public static void warnAboutUnsignedScopes(ForgebusConfig config) {
        config.forges().values().stream().filter(f -> f.insecureNoSignature())
                .forEach(f -> LOG.warn("forge {} accepts UNSIGNED webhooks (insecure_no_signature: true)", f.id()));
        config.orgs().values().stream().filter(o -> o.insecureNoSignature())
                .forEach(o -> LOG.warn("org {} accepts UNSIGNED webhooks (insecure_no_signature: true)", o.name()));
    }

    /**
     * Adds {@code POST /webhooks/{forgeId}} and {@code POST /webhooks/{forgeId}/{org}}; every
     * other method on them is answered 405 with {@code Allow: POST}.
     */
    public void registerRoutes(RoutesConfig routes) {
        for (String path : List.of("/webhooks/{forgeId}", "/webhooks/{forgeId}/{org}")) {
            routes.post(path, handler::handle);
            routes.get(path, this::methodNotAllowed);
            routes.put(path, this::methodNotAllowed);
            routes.patch(path, this::methodNotAllowed);
            routes.delete(path, this::methodNotAllowed);
        }
        routes.exception(WebhookRejection.class, (e, ctx) -> {
            handler.rejected(e);
            logRejection(ctx.path(), e.reason(), e.status(), ctx.req().getRemoteAddr(), ctx::header);
            if (e.status() == 405) {
                ctx.header("Allow", "POST");
            }
            Map<String, String> body = new LinkedHashMap<>();
            body.put("status", "rejected");
            body.put("reason", e.reason());
            body.put("message", e.getMessage());
            JsonResponses.write(ctx, e.status(), body);
        });
    }

    private void methodNotAllowed(Context ctx) {
        throw new WebhookRejection(405, "method_not_allowed", forgeTag(ctx.pathParam("forgeId")),
                ctx.method() + " is not accepted here; webhooks are delivered with POST");
    }

    /**
     * Counts the requests the {@link RequestGate} refused before the routes ran (408 timeout or
     * too_slow, 503 overloaded) under {@code forgebus_webhooks_rejected_total}.
     */
    private HttpServer.Refusals counted() {
        return (path, reason) -> {
            String forgeTag = GatewayMetrics.UNKNOWN_FORGE;
            if (path.startsWith(RequestGate.WEBHOOKS)) {
                String rest = path.substring(RequestGate.WEBHOOKS.length());
                int slash = rest.indexOf('/');
                forgeTag = forgeTag(slash < 0 ? rest : rest.substring(0, slash));
            }
            metrics.rejected(forgeTag, reason);
            LOG.debug("refused a request to {}: {}", forgeTag, reason);
        };
    }

    /** As {@link #counted()}, also writing each refusal of a webhook to the rejections topic ({@link RejectionLog}). */
    public HttpServer.Refusals refusals() {
        HttpServer.Refusals counted = counted();
        return new HttpServer.Refusals() {
            @Override
            public void refused(String path, String reason) {
                counted.refused(path, reason);
            }

            @Override
            public void refused(String path, String reason, int status, String source, Function<String, String> headers) {
                counted.refused(path, reason);
                if (path.startsWith(RequestGate.WEBHOOKS)) {
                    logRejection(path, reason, status, source, headers);
                }
            }
        };
    }

    /** Delivery id and event headers of every dialect, most specific first: which forge sent it is not known yet. */
    private static final List<String> DELIVERY_HEADERS = List.of("X-GitHub-Delivery", "X-Forgejo-Delivery", "X-Gitea-Delivery",
            "X-Gogs-Delivery");
    private static final List<String> EVENT_HEADERS = List.of("X-GitHub-Event", "X-Forgejo-Event", "X-Gitea-Event",
            "X-Gogs-Event");

    /**
     * One record on the rejections topic: the forge id as the path named it, the reason, the status,
     * the connection's address, the delivery id and event headers; never the body or a signature.
     */
    private void logRejection(String path, String reason, int status, String source, Function<String, String> headers) {
        String rest = path.startsWith(RequestGate.WEBHOOKS) ? path.substring(RequestGate.WEBHOOKS.length()) : path;
        int slash = rest.indexOf('/');
        rejections.record(new Rejection(clock.instant(), slash < 0 ? rest : rest.substring(0, slash), reason, status, source,
                first(headers, DELIVERY_HEADERS), first(headers, EVENT_HEADERS)));
    }

    private static String first(Function<String, String> headers, List<String> names) {
        for (String name : names) {
            String value = headers.apply(name);
            if (value != null && !value.isBlank()) {
                return value.strip();
            }
        }
        return "";
    }

    /** A configured forge id, else "unknown": unauthenticated paths must not create time series. */
    private String forgeTag(String forgeId) {
        return configs.get().forges().containsKey(forgeId) ? forgeId : GatewayMetrics.UNKNOWN_FORGE;
    }

    /** Dead when the Kafka producer can never send again (closed, or a fatal producer error). */
    public LivenessCheck.Status liveness() {
        return publisher.deadReason().map(LivenessCheck.Status::dead).orElse(LivenessCheck.Status.ok());
    }

    @Override
    public void close() {
        rejections.close();
        publisher.close();
    }
}
