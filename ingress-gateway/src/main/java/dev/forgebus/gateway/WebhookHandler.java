package dev.forgebus.gateway;

import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.forgebus.common.logging.ItemLogContext;
import dev.forgebus.common.config.ForgeConfig;
import dev.forgebus.common.config.ForgebusConfig;
import dev.forgebus.common.event.DeliveryNames;
import dev.forgebus.common.kafka.RecordKeys;
import io.javalin.http.Context;

/**
 * {@code POST /webhooks/{forgeId}[/{org}]} (SPEC 4): check size, headers and signature of a
 * delivery, write its exact bytes to {@code forgebus.raw}, answer 202 once Kafka acknowledged.
 * It calls no forge API and keeps no state: any number of gateways may run side by side.
 */
final class WebhookHandler {
    private static final Logger LOG = LoggerFactory.getLogger(WebhookHandler.class);
    private static final String FORM = "application/x-www-form-urlencoded";

    private final Supplier<ForgebusConfig> configs;
    /** Restart-only: the producer's and the listener's limits were sized for it at start. */
    private final long maxBodyBytes;
    private final RawEventPublisher publisher;
    private final GatewayMetrics metrics;
    private final Clock clock;

    WebhookHandler(ForgebusConfig config, RawEventPublisher publisher, GatewayMetrics metrics, Clock clock) {
        this(() -> config, publisher, metrics, clock);
    }

    /** @param configs the config in force; read once per request, so one request never mixes two */
    WebhookHandler(Supplier<ForgebusConfig> configs, RawEventPublisher publisher, GatewayMetrics metrics, Clock clock) {
        this.configs = configs;
        this.maxBodyBytes = configs.get().server().maxBodyBytes();
        this.publisher = publisher;
        this.metrics = metrics;
        this.clock = clock;
    }

    void handle(Context ctx) throws IOException {
        Instant receivedAt = clock.instant();
        ForgebusConfig config = configs.get();
        ForgeConfig forge = config.forges().get(ctx.pathParam("forgeId"));
        if (forge == null) {
            throw reject(404, "unknown_forge", GatewayMetrics.UNKNOWN_FORGE, "no forge with this id is configured");
        }
        String forgeId = forge.id();
        metrics.received(forgeId);
        ForgeDialect dialect = ForgeDialect.of(forge.type());
        Optional<String> pathOrg = Optional.ofNullable(ctx.pathParamMap().get("org"));
        if (pathOrg.isPresent() && !DeliveryNames.isOwner(pathOrg.get())) {
            throw reject(400, "invalid_owner", forgeId, "the org of the URL is not a valid owner name");
        }

        byte[] body = readBody(ctx, forgeId);
        String event = firstNonEmpty(ctx, dialect.eventHeaders())
                .orElseThrow(() -> reject(400, "missing_event", forgeId, "missing event header " + dialect.eventHeaders().get(0)));
        if (!DeliveryNames.isToken(event)) {
            throw reject(400, "invalid_event", forgeId, "the event header is not an event name");
        }

        boolean form = Optional.ofNullable(ctx.contentType()).orElse("").toLowerCase(Locale.ROOT).startsWith(FORM);
        byte[] json = form
                ? FormPayload.extract(body).orElseThrow(() -> reject(400, "malformed_body", forgeId, "form delivery without a payload field"))
                : body;
        byte[] signed = form && dialect.signsFormPayloadOnly() ? json : body;

        DeliveryFacts.Reading reading = DeliveryFacts.read(json);
        DeliveryFacts facts = reading instanceof DeliveryFacts.Reading.Read(DeliveryFacts read) ? read : DeliveryFacts.NONE;
        if (pathOrg.isPresent() && !facts.owner().isEmpty() && !DeliveryNames.sameName(pathOrg.get(), facts.owner())) {
            // Otherwise one org's secret could vouch for events about another org.
            throw reject(401, "owner_mismatch", forgeId, "the payload's owner is not the org of the URL");
        }
        // Authenticate before telling the sender anything about its body. A body whose facts
        // cannot be read is checked against the URL org's or the forge's secret, never an owner's.
        authenticate(ctx, new SecretPolicy(config), forge, dialect, pathOrg, Optional.of(facts.owner()).filter(o -> !o.isEmpty()), signed);
        if (reading instanceof DeliveryFacts.Reading.Refused(String reason, String message)) {
            throw reject(400, reason, forgeId, message);
        }

        String deliveryId = firstNonEmpty(ctx, dialect.deliveryIdHeaders()).orElseGet(() -> "sha256:" + sha256Hex(json));
        if (!DeliveryNames.isDeliveryId(deliveryId)) {
            throw reject(400, "invalid_delivery_id", forgeId, "the delivery id header has characters a delivery id never has");
        }
        String key = RecordKeys.of(forgeId, facts.owner(), facts.repo());
        RawDelivery delivery = new RawDelivery(key, forgeId, forge.type(), deliveryId, event, facts, receivedAt,
                "application/json", json);
        // Only now, signature verified and names checked, do the delivery's ids go into the log context.
        try (ItemLogContext log = ItemLogContext.open().with(ItemLogContext.DELIVERY_ID, deliveryId)
                .with(ItemLogContext.FORGE, forgeId).with(ItemLogContext.REPO, ItemLogContext.repo(facts.owner(), facts.repo()))) {
            publish(ctx, delivery);
        }
    }

    private byte[] readBody(Context ctx, String forgeId) throws IOException {
        long max = maxBodyBytes;
        try {
            return BoundedBody.read(ctx.req().getInputStream(), ctx.req().getContentLengthLong(), max);
        } catch (BoundedBody.TooLargeException e) {
            throw reject(413, "too_large", forgeId, "body larger than " + max + " bytes");
        }
    }

    private void authenticate(Context ctx, SecretPolicy secretPolicy, ForgeConfig forge, ForgeDialect dialect, Optional<String> pathOrg,
                              Optional<String> owner, byte[] signed) {
        String forgeId = forge.id();
        switch (secretPolicy.requirementFor(forge, pathOrg, owner)) {
            case SecretPolicy.Requirement.Refused r -> throw reject(401, "no_secret", forgeId, r.reason());
            case SecretPolicy.Requirement.Unsigned u -> LOG.debug("accepting an unsigned delivery for {} (insecure_no_signature)", u.scope());
            case SecretPolicy.Requirement.Signed s -> {
                switch (SignatureVerifier.verify(dialect, ctx::header, signed, s.secrets())) {
                    case SignatureVerifier.Verdict.Valid v -> {
                    }
                    case SignatureVerifier.Verdict.Missing m ->
                            throw reject(401, "missing_signature", forgeId, "missing signature header " + dialect.signatureHeaders().get(0).name());
                    case SignatureVerifier.Verdict.Malformed m ->
                            throw reject(401, "malformed_signature", forgeId, m.header() + ": " + m.reason());
                    case SignatureVerifier.Verdict.Mismatch m ->
                            throw reject(401, "bad_signature", forgeId, m.header() + " does not match the body");
                }
            }
        }
    }

    private void publish(Context ctx, RawDelivery delivery) {
        long start = System.nanoTime();
        try {
            publisher.publish(delivery);
        } catch (RawEventPublisher.NotAcknowledgedException e) {
            LOG.warn("delivery {} of forge {} not acknowledged by Kafka: {}", delivery.deliveryId(), delivery.forgeId(), e.getMessage());
            throw reject(503, "kafka_unavailable", delivery.forgeId(), "Kafka did not acknowledge the delivery in time; redeliver it");
        }
        metrics.produceLatency(delivery.forgeId(), Duration.ofNanos(System.nanoTime() - start));
        metrics.accepted(delivery.forgeId(), delivery.event());
        Map<String, String> body = new java.util.LinkedHashMap<>();
        body.put("status", "accepted");
        body.put("delivery", delivery.deliveryId());
        JsonResponses.write(ctx, 202, body);
    }

    private static Optional<String> firstNonEmpty(Context ctx, List<String> headers) {
        for (String name : headers) {
            String value = ctx.header(name);
            if (value != null && !value.isBlank()) {
                return Optional.of(value.trim());
            }
        }
        return Optional.empty();
    }

    private static String sha256Hex(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Counts and logs a refusal; called by the single exception mapper of the routes. */
    void rejected(WebhookRejection e) {
        metrics.rejected(e.forgeTag(), e.reason());
        if (e.status() != 503) {
            LOG.info("refused a delivery for forge {}: {} ({})", e.forgeTag(), e.reason(), e.getMessage());
        }
    }

    private WebhookRejection reject(int status, String reason, String forgeTag, String message) {
        return new WebhookRejection(status, reason, forgeTag, message);
    }
}
