package dev.forgebus.common.config;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * What differs between two configs, by key name only: a reload logs these names, never values,
 * since many values are secrets.
 *
 * <p>{@link #RESTART_ONLY} is the one table of keys a running process reads only at start (ports
 * it bound, Kafka clients and topics it created, limiters and jobs it built). A reload that
 * changes one of them is still applied for everything else; the key's new value waits for a
 * restart. Every other key is read from the current snapshot and applies to the next request,
 * record or work item. docs/configuration.md ("Reloading") lists the same table.
 *
 * @param sections    top-level keys whose content differs ({@code forges}, {@code orgs}, ...)
 * @param restartOnly restart-only keys whose value differs, e.g. {@code server.port}
 */
public record ConfigChanges(List<String> sections, List<String> restartOnly) {

    public ConfigChanges {
        sections = List.copyOf(sections);
        restartOnly = List.copyOf(restartOnly);
    }

    /** A key, and how to read its value from a config. */
    private record Key(String name, Function<ForgebusConfig, Object> read) {
    }

    private static final List<Key> RESTART_ONLY = List.of(
            new Key("server.bind", c -> c.server().bind()),
            new Key("server.port", c -> c.server().port()),
            new Key("server.max_body_bytes", c -> c.server().maxBodyBytes()),
            new Key("server.request_timeout", c -> c.server().requestTimeout()),
            new Key("server.min_data_rate", c -> c.server().minDataRate()),
            new Key("server.max_in_flight", c -> c.server().maxInFlight()),
            new Key("management", ForgebusConfig::management),
            new Key("admin.token", ForgebusConfig::admin),
            new Key("kafka.bootstrap_servers", c -> c.kafka().bootstrapServers()),
            new Key("kafka.embedded.port", c -> c.kafka().embeddedPort()),
            new Key("kafka.topic_prefix", c -> c.kafka().topicPrefix()),
            new Key("kafka.partitions", c -> c.kafka().partitions()),
            new Key("kafka.replication_factor", c -> c.kafka().replicationFactor()),
            new Key("dedup.retention", c -> c.dedup().retention()),
            new Key("workers.max_attempts", c -> c.workers().maxAttempts()),
            new Key("workers.backoff", c -> c.workers().backoff()),
            new Key("logging.format", c -> c.logging().format()));

    /** Top-level sections, in the order of the file's reference. */
    private static final List<Key> SECTIONS = List.of(
            new Key("server", ForgebusConfig::server),
            new Key("management", ForgebusConfig::management),
            new Key("admin", ForgebusConfig::admin),
            new Key("kafka", ForgebusConfig::kafka),
            new Key("dedup", ForgebusConfig::dedup),
            new Key("workers", ForgebusConfig::workers),
            new Key("forges", ForgebusConfig::forges),
            new Key("orgs", ForgebusConfig::orgs),
            new Key("cron_dispatch", ForgebusConfig::cronDispatch),
            new Key("health_monitor", ForgebusConfig::healthMonitor),
            new Key("migrations", ForgebusConfig::migrations),
            new Key("logging", ForgebusConfig::logging));

    /** The differences from {@code before} to {@code after}. */
    public static ConfigChanges between(ForgebusConfig before, ForgebusConfig after) {
        List<String> sections = SECTIONS.stream()
                .filter(k -> !Objects.equals(k.read().apply(before), k.read().apply(after)))
                .map(Key::name)
                .toList();
        Set<String> restartOnly = new LinkedHashSet<>();
        RESTART_ONLY.stream()
                .filter(k -> !Objects.equals(k.read().apply(before), k.read().apply(after)))
                .forEach(k -> restartOnly.add(k.name()));
        restartOnly.addAll(forgeRestartOnly(before, after));
        return new ConfigChanges(sections, new ArrayList<>(restartOnly));
    }

    /**
     * Per forge, the rate limit (each credential's limiter is built once, keeping its state) and
     * missed-delivery recovery (a scheduler job built at start). A forge added or removed is live.
     */
    private static List<String> forgeRestartOnly(ForgebusConfig before, ForgebusConfig after) {
        List<String> changed = new ArrayList<>();
        before.forges().forEach((id, old) -> after.forge(id).ifPresent(now -> {
            if (!old.rateLimit().equals(now.rateLimit())) {
                changed.add("forges." + id + ".rate_limit");
            }
            if (!old.deliveryRecovery().equals(now.deliveryRecovery())) {
                changed.add("forges." + id + ".delivery_recovery");
            }
        }));
        return changed;
    }

    public boolean isEmpty() {
        return sections.isEmpty();
    }
}
