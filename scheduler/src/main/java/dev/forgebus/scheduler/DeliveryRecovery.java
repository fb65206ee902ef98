package dev.forgebus.scheduler;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.forgebus.common.config.DeliveryRecoverySettings;
import dev.forgebus.forge.ForgeCallException;
import dev.forgebus.forge.ForgeClient;
import dev.forgebus.forge.ForgeClients;
import dev.forgebus.forge.HookDelivery;
import dev.forgebus.common.config.HookRef;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Missed-delivery recovery for one GitHub forge. GitHub never retries a failed webhook delivery,
 * so a delivery that reached a restarting gateway is lost unless someone asks for it again.
 * {@link #runOnce} lists each configured hook's deliveries of the last {@code lookback}, and asks
 * GitHub to redeliver every delivery (a guid) that has no 2xx attempt, ONCE: a guid is left alone
 * when any attempt succeeded, when the listing already shows a redelivery of it, or when this
 * job asked within the lookback window (the redelivery may still be pending, or failed again:
 * asking in a loop would only hammer a gateway that is down). Dedup by delivery id makes a
 * redelivery of something that did arrive harmless.
 *
 * <p>"Asked" is remembered in memory, for the lookback window. After a restart the listing's
 * {@code redelivery: true} attempts still say which guids were tried, so at most the requests
 * still pending at the restart are asked again; a second scheduler replica would do the same
 * (harmless, thanks to dedup). One run at a time: callers serialise (the runner does).
 */
public final class DeliveryRecovery {
    private static final Logger LOG = LoggerFactory.getLogger(DeliveryRecovery.class);

    /**
     * What one run did.
     *
     * @param requested guids whose redelivery was asked, per hook
     * @param failures  hooks whose listing or redelivery failed, with the reason (never a token)
     */
    public record Result(Map<HookRef, List<String>> requested, Map<HookRef, String> failures) {
        public Result {
            requested = Map.copyOf(requested);
            failures = Map.copyOf(failures);
        }

        public int requestedCount() {
            return requested.values().stream().mapToInt(List::size).sum();
        }
    }

    private final String forgeId;
    private final DeliveryRecoverySettings settings;
    private final ForgeClients clients;
    private final Clock clock;
    private final Counter redeliveries;
    /** guid → when redelivery was asked; only touched by the (single) running run. */
    private final Map<String, Instant> asked = new HashMap<>();

    public DeliveryRecovery(String forgeId, DeliveryRecoverySettings settings, ForgeClients clients, Clock clock,
                            MeterRegistry registry) {
        this.forgeId = Objects.requireNonNull(forgeId, "forgeId");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clients = Objects.requireNonNull(clients, "clients");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.redeliveries = Counter.builder("forgebus.delivery.recovery.redeliveries")
                .description("Redeliveries of missed webhook deliveries asked from the forge")
                .tag("forge", forgeId)
                .register(registry);
    }

    public String forgeId() {
        return forgeId;
    }

    public DeliveryRecoverySettings settings() {
        return settings;
    }

    /** One pass over every configured hook; a failing hook does not stop the others. */
    public synchronized Result runOnce() throws InterruptedException {
        Instant now = clock.instant();
        Instant since = now.minus(settings.lookback());
        asked.values().removeIf(at -> at.isBefore(since));
        Map<HookRef, List<String>> requested = new LinkedHashMap<>();
        Map<HookRef, String> failures = new LinkedHashMap<>();
        for (HookRef hook : settings.hooks()) {
            try {
                List<String> guids = recover(hook, since, now);
                if (!guids.isEmpty()) {
                    requested.put(hook, guids);
                }
            } catch (ForgeCallException e) {
                failures.put(hook, e.getMessage());
                LOG.warn("delivery recovery on {}: {} failed: {} ({})", forgeId, describe(hook), e.getMessage(), e.kind());
            } catch (RuntimeException e) {
                // e.g. no credential for this owner: the other hooks still get their run.
                failures.put(hook, e.toString());
                LOG.warn("delivery recovery on {}: {} failed: {}", forgeId, describe(hook), e.toString());
            }
        }
        return new Result(requested, failures);
    }

    private List<String> recover(HookRef hook, Instant since, Instant now) throws ForgeCallException, InterruptedException {
        ForgeClient client = clientFor(hook);
        Map<String, List<HookDelivery>> byGuid = new LinkedHashMap<>();
        for (HookDelivery d : client.hookDeliveries(hook, since)) {
            byGuid.computeIfAbsent(d.guid(), g -> new ArrayList<>()).add(d);
        }
        List<String> requested = new ArrayList<>();
        for (Map.Entry<String, List<HookDelivery>> entry : byGuid.entrySet()) {
            String guid = entry.getKey();
            List<HookDelivery> attempts = entry.getValue();
            boolean delivered = attempts.stream().anyMatch(HookDelivery::succeeded);
            boolean tried = attempts.stream().anyMatch(HookDelivery::redelivery) || asked.containsKey(guid);
            if (delivered || tried) {
                continue;
            }
            Optional<HookDelivery> newest = attempts.stream().max(Comparator.comparing(HookDelivery::deliveredAt)
                    .thenComparing(HookDelivery::id));
            client.redeliver(hook, newest.orElseThrow().id());
            // Remembered as soon as asked, so a failure further down this hook does not ask twice.
            asked.put(guid, now);
            redeliveries.increment();
            requested.add(guid);
            LOG.info("delivery recovery on {}: asked redelivery of {} delivery {} (last answer {})", forgeId,
                    describe(hook), guid, newest.get().statusCode());
        }
        return requested;
    }

    private ForgeClient clientFor(HookRef hook) {
        return switch (hook) {
            case HookRef.RepoHook r -> clients.forOwner(forgeId, r.repo().owner());
            case HookRef.OrgHook o -> clients.forOwner(forgeId, o.org());
            case HookRef.AppHook a -> clients.forApp(forgeId);
        };
    }

    static String describe(HookRef hook) {
        return switch (hook) {
            case HookRef.RepoHook r -> "repo:" + r.repo().fullName() + "#" + r.hookId();
            case HookRef.OrgHook o -> "org:" + o.org() + "#" + o.hookId();
            case HookRef.AppHook a -> "app";
        };
    }
}
