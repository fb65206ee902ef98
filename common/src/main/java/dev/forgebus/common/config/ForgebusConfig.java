package dev.forgebus.common.config;

import dev.forgebus.common.event.DeliveryNames;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The whole, validated configuration: typed and immutable, so that every typo was found at
 * load and no handler reads a raw map. Obtain it from {@link ConfigLoader}.
 *
 * @param forges       by forge id, in file order
 * @param orgs         by the key under {@code orgs:}, in file order
 * @param migrations   by service name, in file order
 * @param modules      the modules this config was read with (their blocks, triggers and jobs)
 * @param logging      the log line format (restart-only)
 */
public record ForgebusConfig(ServerConfig server, ManagementConfig management, AdminConfig admin, KafkaSettings kafka, DedupConfig dedup,
                             WorkersConfig workers, Map<String, ForgeConfig> forges, Map<String, OrgConfig> orgs,
                             List<CronDispatchJob> cronDispatch, List<HealthProbe> healthMonitor,
                             Map<String, MigrationService> migrations, ModuleCatalog modules,
                             LoggingConfig logging) {

    public ForgebusConfig {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(management, "management");
        Objects.requireNonNull(admin, "admin");
        Objects.requireNonNull(kafka, "kafka");
        Objects.requireNonNull(dedup, "dedup");
        Objects.requireNonNull(workers, "workers");
        forges = OrderedMaps.copyOf(forges);
        orgs = OrderedMaps.copyOf(orgs);
        cronDispatch = List.copyOf(cronDispatch);
        healthMonitor = List.copyOf(healthMonitor);
        migrations = OrderedMaps.copyOf(migrations);
        Objects.requireNonNull(modules, "modules");
        Objects.requireNonNull(logging, "logging");
    }

    /** This config with another {@code server} section (a command-line port override). */
    public ForgebusConfig withServer(ServerConfig other) {
        return new ForgebusConfig(other, management, admin, kafka, dedup, workers, forges, orgs, cronDispatch, healthMonitor,
                migrations, modules, logging);
    }

    /** This config with another {@code kafka} section (a command-line port override). */
    public ForgebusConfig withKafka(KafkaSettings other) {
        return new ForgebusConfig(server, management, admin, other, dedup, workers, forges, orgs, cronDispatch, healthMonitor,
                migrations, modules, logging);
    }

    public Optional<ForgeConfig> forge(String forgeId) {
        return Optional.ofNullable(forges.get(forgeId));
    }

    /**
     * The org configured for {@code owner} on {@code forgeId}. Logins are case-insensitive on
     * every supported forge (ASCII letters only: {@link DeliveryNames#sameName}), and an org of the
     * same name on another forge is another org.
     */
    public Optional<OrgConfig> org(String forgeId, String owner) {
        return orgs.values().stream()
                .filter(o -> o.forge().equals(forgeId) && DeliveryNames.sameName(o.name(), owner))
                .findFirst();
    }

    /**
     * The module settings that apply to one repository: its org's blocks as defaults (also for
     * repositories the file does not list), overridden key by key by the repository's own
     * blocks; {@code mirror} only from the repository. The {@code .ops.yaml} layer is applied
     * on top of this by its own component.
     */
    public RepositorySettings resolve(String forgeId, String owner, String repo) {
        Optional<OrgConfig> org = org(forgeId, owner);
        if (org.isEmpty()) {
            return RepositorySettings.unconfigured();
        }
        Optional<RepoConfig> listed = org.get().repository(repo);
        return RepositorySettings.of(org, listed.isPresent(),
                listed.map(RepoConfig::settings).orElse(org.get().defaults()));
    }
}
