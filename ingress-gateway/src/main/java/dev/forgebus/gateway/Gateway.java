package dev.forgebus.gateway;

import java.time.Clock;
import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.forgebus.common.config.ForgebusConfig;
import dev.forgebus.common.kafka.TopicNames;
import io.javalin.config.RoutesConfig;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The ingress-gateway role: the webhook routes and the Kafka producer behind them. It adds
 * its routes to an {@link HttpServer}, which also serves health, readiness and metrics.
 */
public final class Gateway implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

    private final RawEventPublisher publisher;
    private final WebhookHandler handler;

    private Gateway(RawEventPublisher publisher, WebhookHandler handler) {
        this.publisher = publisher;
        this.handler = handler;
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
        TopicNames topics = new TopicNames(config.kafka().topicPrefix());
        RawEventPublisher publisher = RawEventPublisher.create(bootstrapServers, topics, config.server().maxBodyBytes(), ackTimeout, tuning);
        warnAboutUnsignedScopes(config);
        return new Gateway(publisher, new WebhookHandler(config, publisher, new GatewayMetrics(registry), Clock.systemUTC()));
    }

    private static void warnAboutUnsignedScopes(ForgebusConfig config) {
        config.forges().values().stream().filter(f -> f.insecureNoSignature())
                .forEach(f -> LOG.warn("forge {} accepts UNSIGNED webhooks (insecure_no_signature: true)", f.id()));
        config.orgs().values().stream().filter(o -> o.insecureNoSignature())
                .forEach(o -> LOG.warn("org {} accepts UNSIGNED webhooks (insecure_no_signature: true)", o.name()));
    }

    /** Adds {@code POST /webhooks/{forgeId}} and {@code POST /webhooks/{forgeId}/{org}}. */
    public void registerRoutes(RoutesConfig routes) {
        routes.post("/webhooks/{forgeId}", handler::handle);
        routes.post("/webhooks/{forgeId}/{org}", handler::handle);
        routes.exception(WebhookRejection.class, (e, ctx) -> {
            handler.rejected(e);
            java.util.Map<String, String> body = new java.util.LinkedHashMap<>();
            body.put("status", "rejected");
            body.put("reason", e.reason());
            body.put("message", e.getMessage());
            JsonResponses.write(ctx, e.status(), body);
        });
    }

    @Override
    public void close() {
        publisher.close();
    }
}
