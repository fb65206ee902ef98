package dev.forgebus.dedup;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ContextualProcessor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.forgebus.common.logging.ItemLogContext;
import dev.forgebus.common.config.ForgebusConfig;
import dev.forgebus.common.event.DedupDecision;
import dev.forgebus.common.event.EventEnvelope;
import dev.forgebus.common.event.RouteDecision;
import dev.forgebus.common.kafka.DeadLetterHeaders;
import dev.forgebus.common.kafka.RecordSizes;
import dev.forgebus.common.kafka.TopicNames;

/**
 * Drops repeated deliveries and routes first sightings (see {@link DedupTopology}). Reads raw
 * records; forwards {@link Outbound} records for events, work topics and the trace, all keyed
 * by the raw record's key and carrying its headers.
 */
final class DeduplicateAndRoute extends ContextualProcessor<String, byte[], String, Outbound> {
    private static final Logger LOG = LoggerFactory.getLogger(DeduplicateAndRoute.class);

    static final String REROUTED = "re-routed: earlier attempt dead-lettered";
    /** Headers and batch framing of one record: every header value is bounded (DeliveryNames). */
    static final long HEADER_ROOM = 64 * 1024;

    /** The config in force; read once per record, so one record is routed by one version. */
    private final Supplier<ForgebusConfig> configs;
    private final TopicNames topics;
    /** Restart-only, like the size limit: the store and its sweep were set up with it. */
    private final Duration retention;
    private final DedupMetrics metrics;
    /** The largest envelope the work topics accept ({@link RecordSizes}), less room for headers. */
    private final long maxEnvelopeBytes;

    /** Key: forge + '\n' + delivery id. Value: first and last sighting, modules that dead-lettered it. */
    private KeyValueStore<String, SeenDelivery> seen;

    DeduplicateAndRoute(ForgebusConfig config, TopicNames topics, DedupMetrics metrics) {
        this(() -> config, topics, metrics);
    }

    DeduplicateAndRoute(Supplier<ForgebusConfig> configs, TopicNames topics, DedupMetrics metrics) {
        this.configs = Objects.requireNonNull(configs, "configs");
        ForgebusConfig config = configs.get();
        this.topics = Objects.requireNonNull(topics, "topics");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.retention = config.dedup().retention();
        this.maxEnvelopeBytes = RecordSizes.maxRecordBytes(config.server().maxBodyBytes()) - HEADER_ROOM;
        if (retention.isNegative() || retention.isZero()) {
            throw new IllegalArgumentException("dedup retention must be positive: " + retention);
        }
    }

    @Override
    public void init(ProcessorContext<String, Outbound> context) {
        super.init(context);
        seen = context.getStateStore(DedupTopology.STORE);
        context.schedule(ExpirySweep.TICK, PunctuationType.WALL_CLOCK_TIME, new ExpirySweep(seen, retention));
    }

    @Override
    public void process(Record<String, byte[]> raw) {
        Instant now = Instant.ofEpochMilli(context().currentSystemTimeMs());
        switch (RawDelivery.read(raw, topics)) {
            case RawDelivery.Unreadable unreadable -> deadLetterUnreadable(raw, unreadable, now);
            case RawDelivery.Readable(EventEnvelope event) -> {
                try (ItemLogContext log = ItemLogContext.open().with(ItemLogContext.DELIVERY_ID, event.deliveryId())
                        .with(ItemLogContext.FORGE, event.forge()).with(ItemLogContext.REPO,
                                ItemLogContext.repo(event.owner(), event.repo()))) {
                    process(raw, event, now);
                }
            }
        }
    }

    /** One readable delivery; its log lines carry its MDC keys ({@link ItemLogContext}). */
    private void process(Record<String, byte[]> raw, EventEnvelope event, Instant now) {
        ForgebusConfig config = configs.get();
        String id = SeenDelivery.key(event.forge(), event.deliveryId());
        SeenDelivery earlier = seen.get(id);
        if (isDuplicate(earlier, now) && !isReplayOfDedupDeadLetter(raw)) {
            handleRedelivery(config, raw, id, event, earlier, now);
        } else {
            routeNewDelivery(config, raw, id, event, now);
        }
    }

    /**
     * An operator's replay of one of dedup's own dead letters: the delivery was recorded as seen
     * only when the write that failed came after the store update (the production handler's last
     * resort, {@link DeadLetteringProductionExceptionHandler}), and then no module received it, so
     * it is routed again rather than dropped as a repeat.
     */
    private boolean isReplayOfDedupDeadLetter(Record<String, byte[]> raw) {
        return DeadLetterHeaders.text(raw.headers(), topics, DeadLetterHeaders.REPLAY_OF)
                .filter(id -> id.startsWith(TopicNames.DEDUP + ":"))
                .isPresent();
    }

    /** Seen within the retention; an older entry the sweep has not reached yet counts as absent. */
    private boolean isDuplicate(SeenDelivery earlier, Instant now) {
        return earlier != null && !earlier.isExpired(now, retention);
    }

    private void routeNewDelivery(ForgebusConfig config, Record<String, byte[]> raw, String id, EventEnvelope event, Instant now) {
        List<RouteDecision> routes = Router.decide(config, event);
        byte[] envelope = event.withRoutes(routes).toJsonWithPayloadBytes(raw.value());
        if (envelope.length > maxEnvelopeBytes) {
            // Written, it would fail the whole transaction, again after every restart: the one
            // delivery would stop dedup for every org. It waits in dedup's dead letters instead.
            deadLetter(raw, event.forge(), event.deliveryId(), event.event(), event.action(), event.receivedAt(), now,
                    DeadLetterReason.TOO_LARGE, "envelope of " + envelope.length + " bytes is over the " + maxEnvelopeBytes
                            + "-byte record limit");
            return;
        }
        send(raw, event, topics.events(), envelope);
        for (RouteDecision route : routes) {
            if (route.routed()) {
                send(raw, event, topics.work(route.module()), envelope);
            }
        }
        seen.put(id, SeenDelivery.firstSighting(now));
        trace(raw, event, now, false, routes);
    }

    /**
     * A repeat is dropped, except towards the modules whose earlier attempt ended in a dead
     * letter: GitHub's "Redeliver" (and Gitea's "Test delivery" replay) keep the delivery id,
     * and an operator redelivering after fixing the cause expects those modules to try again.
     * They are re-routed only when the current config still routes the event to them (a module
     * disabled since must not act), and cleared from the entry once re-routed.
     */
    private void handleRedelivery(ForgebusConfig config, Record<String, byte[]> raw, String id, EventEnvelope event, SeenDelivery earlier, Instant now) {
        metrics.duplicate(event.forge());
        List<RouteDecision> decisions = earlier.deadLettered().isEmpty() ? List.of() : rerouteDecisions(config, event, earlier);
        List<RouteDecision> rerouted = decisions.stream().filter(RouteDecision::routed).toList();
        if (!rerouted.isEmpty()) {
            byte[] envelope = event.withRoutes(rerouted).toJsonWithPayloadBytes(raw.value());
            for (RouteDecision route : rerouted) {
                send(raw, event, topics.work(route.module()), envelope);
            }
        }
        seen.put(id, earlier.seenAgain(now).without(rerouted.stream().map(RouteDecision::module).toList()));
        trace(raw, event, now, true, decisions);
    }

    private List<RouteDecision> rerouteDecisions(ForgebusConfig config, EventEnvelope event, SeenDelivery earlier) {
        Map<String, RouteDecision> current = Router.decide(config, event).stream()
                .collect(Collectors.toMap(RouteDecision::module, Function.identity()));
        List<RouteDecision> decisions = new ArrayList<>();
        for (String module : earlier.deadLettered()) {
            RouteDecision today = current.get(module);
            decisions.add(today != null && today.routed()
                    ? new RouteDecision(module, true, REROUTED)
                    : new RouteDecision(module, false, "dead-lettered earlier, not re-routed: "
                            + (today == null ? "not driven by webhooks" : today.reason())));
        }
        return decisions;
    }

    /**
     * An unreadable record must neither stop the stream thread (it would stop on it again after
     * every restart) nor vanish: it goes to dedup's dead letters with the reason, is traced,
     * counted and logged (never its body), and the stream moves on.
     */
    private void deadLetterUnreadable(Record<String, byte[]> raw, RawDelivery.Unreadable unreadable, Instant now) {
        metrics.unreadable(unreadable.forge());
        deadLetter(raw, unreadable.forge(), unreadable.deliveryId(), unreadable.event(), "", unreadable.receivedAt(), now,
                DeadLetterReason.UNREADABLE, unreadable.reason());
    }

    /**
     * Writes the raw record, as read, to {@code <prefix>.dlq.dedup} with the dead-letter headers,
     * and a trace entry saying why no module received it. The delivery is not remembered as seen:
     * a replay (or the forge's redelivery) after the cause is fixed is routed as a first sighting.
     */
    private void deadLetter(Record<String, byte[]> raw, String forge, String deliveryId, String event, String action,
                            Instant receivedAt, Instant now, DeadLetterReason reason, String message) {
        metrics.deadLettered(forge);
        String at = context().recordMetadata().map(m -> m.topic() + "-" + m.partition() + "@" + m.offset()).orElse("?");
        LOG.warn("dead-lettered a raw record to {}: {} (forge '{}', delivery '{}', key '{}', {} bytes, at {})",
                topics.dedupDeadLetters(), message, forge, deliveryId, raw.key(), raw.value() == null ? 0 : raw.value().length, at);
        Headers headers = DedupDeadLetters.headers(topics, raw.headers(), reason, message, now,
                context().recordMetadata().map(m -> new DedupDeadLetters.Origin(m.topic(), m.partition(), m.offset())));
        context().forward(raw.withHeaders(headers).withValue(new Outbound(topics.dedupDeadLetters(), raw.value())));
        String why = "dead-lettered to " + topics.dedupDeadLetters() + ": " + DeadLetterReason.bounded(message);
        List<RouteDecision> routes = configs.get().modules().webhookDriven().stream()
                .map(module -> new RouteDecision(module.id().id(), false, why))
                .toList();
        DedupDecision decision = new DedupDecision(forge, deliveryId, raw.key(), "", "", event, action, receivedAt, now, false,
                routes);
        context().forward(raw.withValue(new Outbound(topics.trace(), decision.toJson())));
    }

    private void trace(Record<String, byte[]> raw, EventEnvelope event, Instant now, boolean duplicate, List<RouteDecision> routes) {
        DedupDecision decision = new DedupDecision(event.forge(), event.deliveryId(), keyOf(raw, event), event.owner(),
                event.repo(), event.event(), event.action(), event.receivedAt(), now, duplicate, routes);
        send(raw, event, topics.trace(), decision.toJson());
    }

    private void send(Record<String, byte[]> raw, EventEnvelope event, String topic, byte[] value) {
        context().forward(raw.withKey(keyOf(raw, event)).withValue(new Outbound(topic, value)));
    }

    /** The raw record's key (the gateway's); the envelope's own when a producer left it out. */
    private static String keyOf(Record<String, byte[]> raw, EventEnvelope event) {
        return raw.key() != null ? raw.key() : event.key();
    }
}
