package dev.forgebus.app;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.forgebus.broker.BrokerSettings;
import dev.forgebus.broker.EmbeddedKafkaBroker;
import dev.forgebus.common.config.ConfigSource;
import dev.forgebus.common.config.ConfigWatcher;
import dev.forgebus.common.config.ForgebusConfig;
import dev.forgebus.common.config.ModuleCatalog;
import dev.forgebus.common.config.ModuleId;
import dev.forgebus.common.health.LivenessCheck;
import dev.forgebus.common.health.ReadinessCheck;
import dev.forgebus.common.kafka.KafkaReachability;
import dev.forgebus.common.kafka.RecordSizes;
import dev.forgebus.common.kafka.TopicNames;
import dev.forgebus.common.kafka.TopicProvisioner;
import dev.forgebus.common.metrics.MetricsRegistry;
import dev.forgebus.app.admin.AdminRoutes;
import dev.forgebus.app.admin.DeadLetterAdmin;
import dev.forgebus.app.admin.ConfigAdmin;
import dev.forgebus.app.admin.DashboardRoutes;
import dev.forgebus.app.admin.DeliveryTraceIndex;
import dev.forgebus.app.admin.OperatingStats;
import dev.forgebus.forge.DefaultForgeClients;
import dev.forgebus.workers.migrations.ServiceMigrations;
import dev.forgebus.dedup.DedupStreams;
import dev.forgebus.gateway.Gateway;
import dev.forgebus.workers.HandlerServices;
import dev.forgebus.workers.emit.KafkaEmitter;
import dev.forgebus.workers.progress.KafkaProgressStores;
import dev.forgebus.workers.ModuleHandler;
import dev.forgebus.workers.dlq.DeadLetters;
import dev.forgebus.workers.settings.RepoSettingsSource;
import dev.forgebus.workers.runtime.ModuleWorker;
import dev.forgebus.workers.runtime.RateLimitedCallGate;
import dev.forgebus.workers.runtime.WorkerSettings;
import dev.forgebus.gateway.BoundPort;
import dev.forgebus.gateway.HttpServer;
import dev.forgebus.scheduler.DeliveryRecovery;
import dev.forgebus.scheduler.DeliveryRecoveryRunner;
import dev.forgebus.scheduler.TickPublisher;
import dev.forgebus.scheduler.TickScheduler;
import dev.forgebus.app.admin.JobAdmin;
import dev.forgebus.app.admin.MigrationAdmin;
import io.javalin.config.RoutesConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * The parts one {@code forgebus} process runs, started in dependency order and closed in the
 * reverse order: the listening ports first (a conflict fails the start at once, before anything
 * else started), embedded broker (when configured), topics, roles, then the HTTP servers on the
 * ports bound at first, so that {@code /ready} can only answer 200 once the work behind it exists.
 * The webhook listener exists only with the gateway role and serves only webhooks; health,
 * readiness, metrics and admin are on the management listener (or on the webhook port with
 * {@code management.same_port}).
 */
final class ForgebusProcess implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ForgebusProcess.class);
    /** Under GitHub's 10 s delivery timeout, leaving room for the network. */
    static final Duration ACK_TIMEOUT = Duration.ofSeconds(5);

    private final Deque<AutoCloseable> toClose = new ArrayDeque<>();
    private HttpServer http;
    private HttpServer management;
    private DefaultForgeClients forgeClients;
    /** The config in force: every live part reads its snapshots from here (docs/configuration.md, Reloading). */
    private ConfigSource source;
    private PrometheusMeterRegistry registry;
    private volatile boolean closed;

    /** The modules with a handler that this process may run. */
    private Modules registered;

    private ForgebusProcess() {
    }

    /**
     * @param dataDir      where the embedded broker keeps its log; ignored with an external cluster
     * @param withEmbedded start the embedded broker when the config names no cluster
     */
    /** The roles of SPEC 3; {@code run} starts all of them in one JVM. */
    enum Role { GATEWAY, DEDUP, WORKERS, SCHEDULER }

    static ForgebusProcess start(ForgebusConfig config, Path dataDir, boolean withEmbedded, Set<Role> roles, Set<ModuleId> modules) {
        return start(Modules.BUILT_IN, config, Optional.empty(), dataDir, withEmbedded, roles, modules);
    }

    /**
     * @param configFile the file {@code config} was loaded from: watched, and reloaded when it
     *                   changes ({@link ConfigWatcher}); empty: the config stays as given
     */
    static ForgebusProcess start(Modules registered, ForgebusConfig config, Optional<Path> configFile, Path dataDir,
                                 boolean withEmbedded, Set<Role> roles, Set<ModuleId> modules) {
        registered.checkReadWith(config);
        ForgebusProcess process = new ForgebusProcess();
        process.registered = registered;
        process.source = new ConfigSource(config);
        try {
            process.startParts(config, dataDir, withEmbedded, roles, modules);
            configFile.ifPresent(file -> process.watch(file, roles));
            return process;
        } catch (RuntimeException e) {
            process.close();
            throw e;
        }
    }

    private void startParts(ForgebusConfig config, Path dataDir, boolean withEmbedded, Set<Role> roles, Set<ModuleId> modules) {
        toClose.push(LogFormat.apply(config.logging().format()));
        BoundPort webhookPort = null;
        if (roles.contains(Role.GATEWAY) || config.management().samePort()) {
            webhookPort = BoundPort.bind(config.server().bind(), config.server().port());
            toClose.push(webhookPort);
        }
        BoundPort managementPort = null;
        if (!config.management().samePort()) {
            managementPort = BoundPort.bind(config.management().bind(), config.management().port());
            toClose.push(managementPort);
        }
        long maxRecordBytes = RecordSizes.maxRecordBytes(config.server().maxBodyBytes());
        String bootstrap = Limits.bootstrapServers(config);
        if (withEmbedded && config.kafka().embedded()) {
            EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(new BrokerSettings(
                    dataDir.resolve("kafka"), config.kafka().embeddedPort(), 0, maxRecordBytes, Map.of()));
            toClose.push(broker);
            bootstrap = broker.bootstrapServers();
            LOG.info("embedded Kafka broker listening on {} (data in {})", bootstrap, dataDir.resolve("kafka"));
        }
        Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.CLIENT_ID_CONFIG, "forgebus-admin",
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000));
        toClose.push(admin);
        TopicNames topics = new TopicNames(config.kafka().topicPrefix());
        List<String> moduleIds = config.modules().ids().stream().map(ModuleId::id).toList();
        new TopicProvisioner(admin, config.kafka().partitions(), config.kafka().replicationFactor(), maxRecordBytes)
                .ensure(TopicProvisioner.allTopics(topics, moduleIds, config.workers().backoff().size()), 30_000);

        PrometheusMeterRegistry registry = MetricsRegistry.forProcess(Version.current());
        this.registry = registry;
        KafkaReachability kafka = new KafkaReachability(admin, Duration.ofSeconds(2), Duration.ofSeconds(1), Clock.systemUTC());
        List<ReadinessCheck> checks = new ArrayList<>();
        List<LivenessCheck> liveness = new ArrayList<>();
        checks.add(ReadinessCheck.of("kafka", () -> {
            KafkaReachability.Status s = kafka.check();
            return s.reachable() ? ReadinessCheck.Status.ok() : ReadinessCheck.Status.notReady(s.reason());
        }));
        List<Consumer<RoutesConfig>> webhookRoutes = new ArrayList<>();
        List<Consumer<RoutesConfig>> managementRoutes = new ArrayList<>();
        HttpServer.Refusals refusals = HttpServer.Refusals.NONE;
        if (roles.contains(Role.GATEWAY)) {
            Gateway gateway = Gateway.create(source, bootstrap, ACK_TIMEOUT, registry);
            toClose.push(gateway);
            webhookRoutes.add(gateway::registerRoutes);
            refusals = gateway.refusals();
            liveness.add(LivenessCheck.of("gateway", gateway::liveness));
        }
        if (roles.contains(Role.DEDUP)) {
            DedupStreams dedup = DedupStreams.start(source, bootstrap, dataDir.resolve("streams"), registry);
            toClose.push(dedup);
            checks.add(ReadinessCheck.of("dedup", dedup::readiness));
            liveness.add(LivenessCheck.of("dedup", dedup::liveness));
        }
        if (roles.contains(Role.WORKERS)) {
            startWorkers(config, bootstrap, registry, modules, checks, liveness);
        }
        TickPublisher ticks = null;
        if (roles.contains(Role.SCHEDULER) || config.admin().enabled()) {
            ticks = TickPublisher.create(bootstrap, topics, TickPublisher.DEFAULT_ACK_TIMEOUT);
            toClose.push(ticks);
        }
        if (roles.contains(Role.SCHEDULER)) {
            startScheduler(config, registry, ticks);
        }
        if (config.admin().enabled()) {
            DeliveryTraceIndex traces = DeliveryTraceIndex.start(bootstrap, topics, 100_000);
            toClose.push(traces);
            DeadLetters deadLetters = new DeadLetters(bootstrap, topics, DeadLetters.DEFAULT_TIMEOUT, maxRecordBytes,
                    Clock.systemUTC(), config.modules());
            toClose.push(deadLetters);
            OperatingStats stats = OperatingStats.start(registry, traces, Clock.systemUTC());
            toClose.push(stats);
            AdminRoutes adminRoutes = new AdminRoutes(config.admin().token().orElseThrow(), traces, new DeadLetterAdmin(deadLetters),
                    new JobAdmin(source, ticks, Clock.systemUTC()),
                    new MigrationAdmin(source, forgeClients(registry), ServiceMigrations.standard(Duration.ZERO, "forgebus-admin")))
                    .withStats(stats).withConfig(configAdmin(registry));
            managementRoutes.add(adminRoutes::register);
            managementRoutes.add(new DashboardRoutes()::register);
        }
        managementRoutes.add(0, HttpServer.managementRoutes(registry, checks, liveness));
        if (managementPort == null) {
            webhookRoutes.addAll(managementRoutes);
        } else {
            management = HttpServer.start(managementPort, config.server(), HttpServer.Refusals.NONE, managementRoutes);
            toClose.push(management);
            LOG.info("forgebus management (/health, /ready, /metrics{}) listening on {}",
                    config.admin().enabled() ? ", /admin, /dashboard/" : "", managementPort);
        }
        if (webhookPort != null) {
            http = HttpServer.start(webhookPort, config.server(), refusals, webhookRoutes);
            toClose.push(http);
            LOG.info("forgebus webhooks{} listening on {}", managementPort == null ? " and management" : "", webhookPort);
        }
    }

    /**
     * The effective-config view: with the workers role it reads each repository's {@code .ops.yaml}
     * as the workers do (its own cache, the same forge clients, hence the same budget); without
     * it, the main config's layers only (a gateway-only process has no forge credentials to use).
     */
    private ConfigAdmin configAdmin(PrometheusMeterRegistry registry) {
        if (forgeClients == null) {
            return new ConfigAdmin(source, Optional.empty());
        }
        RepoSettingsSource files = new RepoSettingsSource(source, forgeClients);
        return new ConfigAdmin(source, Optional.of((forge, owner, repo) -> {
            RepoSettingsSource.Resolved r = files.settings(forge, owner, repo);
            return new ConfigAdmin.OpsResult(r.settings(), r.problem());
        }));
    }

    /**
     * One worker (consumer group) per module that has a handler, all sharing one rate limiter
     * per forge credential, so two modules calling the same forge share its budget.
     */
    private void startWorkers(ForgebusConfig config, String bootstrap, PrometheusMeterRegistry registry, Set<ModuleId> modules,
                              List<ReadinessCheck> checks, List<LivenessCheck> liveness) {
        DefaultForgeClients clients = forgeClients(registry);
        WorkerSettings settings = WorkerSettings.of(bootstrap, config);
        KafkaEmitter emitter = new KafkaEmitter(bootstrap, settings.topics(), KafkaEmitter.DEFAULT_ACK_TIMEOUT, settings.clock());
        toClose.push(emitter);
        KafkaProgressStores progress = new KafkaProgressStores(bootstrap, settings.topics(), KafkaProgressStores.DEFAULT_TIMEOUT);
        toClose.push(progress);
        HandlerServices services = Modules.services(source, clients, emitter, progress);
        for (ModuleHandler handler : registered.handlers(services)) {
            if (!modules.isEmpty() && !modules.contains(handler.module())) {
                continue;
            }
            progress.of(handler.module()); // loaded before the first item: a restarted sweep resumes where it was
            ModuleWorker worker = ModuleWorker.start(settings, handler, services.forModule(handler.module()), registry);
            toClose.push(worker);
            String name = handler.module().id();
            checks.add(ReadinessCheck.of("worker " + name,
                    () -> worker.isRunning() ? ReadinessCheck.Status.ok() : ReadinessCheck.Status.notReady("stopped")));
            liveness.add(LivenessCheck.of("worker " + name, worker::liveness));
        }
    }

    /**
     * The scheduler role: ticks of every scheduled job ({@link TickScheduler}) and missed-delivery
     * recovery of the GitHub forges that configure it. The ticks wait in their modules' work topics
     * until those modules have handlers.
     */
    private void startScheduler(ForgebusConfig config, PrometheusMeterRegistry registry, TickPublisher ticks) {
        toClose.push(new TickScheduler(source, ticks, Clock.systemUTC(), registry).start());
        List<DeliveryRecovery> jobs = new ArrayList<>();
        config.forges().values().forEach(forge -> forge.deliveryRecovery().ifPresent(settings -> jobs.add(
                new DeliveryRecovery(forge.id(), settings, forgeClients(registry), Clock.systemUTC(), registry))));
        if (!jobs.isEmpty()) {
            toClose.push(DeliveryRecoveryRunner.start(jobs));
        }
        LOG.info("scheduler: missed-delivery recovery on {} forge(s)", jobs.size());
    }

    /**
     * One set of forge clients per process, so that roles calling the same forge (workers and the
     * scheduler of a {@code run}) share one rate limiter per credential, hence one budget. They
     * follow the config in force (a rotated token is used by the next call).
     */
    private DefaultForgeClients forgeClients(PrometheusMeterRegistry registry) {
        if (forgeClients == null) {
            forgeClients = new DefaultForgeClients(source, RateLimitedCallGate.forConfig(source, registry));
            toClose.push(forgeClients);
        }
        return forgeClients;
    }

    /**
     * Watches the config file once every part runs. Outcomes are counted in
     * {@code forgebus_config_reloads_total{result="applied|rejected"}}, and the time of the last
     * applied reload is {@code forgebus_config_last_reload_seconds} (epoch seconds, 0: none yet).
     * A rejected file changes nothing else: {@code /ready} keeps answering for the config in force.
     */
    private void watch(Path file, Set<Role> roles) {
        PrometheusMeterRegistry registry = this.registry;
        Counter applied = Counter.builder("forgebus.config.reloads").description("config file reloads")
                .tag("result", "applied").register(registry);
        Counter rejected = Counter.builder("forgebus.config.reloads").description("config file reloads")
                .tag("result", "rejected").register(registry);
        AtomicLong lastApplied = new AtomicLong();
        Gauge.builder("forgebus.config.last_reload_seconds", lastApplied, AtomicLong::get)
                .description("when the config file was last reloaded (epoch seconds, 0: not since start)").register(registry);
        if (roles.contains(Role.GATEWAY)) {
            source.onChange(Gateway::warnAboutUnsignedScopes);
        }
        ConfigWatcher watcher = new ConfigWatcher(file, System::getenv, source, Clock.systemUTC());
        watcher.onOutcome(outcome -> {
            switch (outcome) {
                case ConfigWatcher.Outcome.Applied a -> {
                    applied.increment();
                    lastApplied.set(a.at().getEpochSecond());
                }
                case ConfigWatcher.Outcome.Rejected r -> rejected.increment();
                case ConfigWatcher.Outcome.Unchanged u -> {
                }
            }
        });
        toClose.push(watcher.start(ConfigWatcher.DEFAULT_INTERVAL));
    }

    /** The webhook port (and management, with {@code management.same_port}). */
    int httpPort() {
        return http.port();
    }

    /** The port of {@code /health}, {@code /ready}, {@code /metrics} and {@code /admin}. */
    int managementPort() {
        return management != null ? management.port() : http.port();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        while (!toClose.isEmpty()) {
            AutoCloseable part = toClose.pop();
            try {
                part.close();
            } catch (Exception e) {
                LOG.warn("error while stopping {}: {}", part.getClass().getSimpleName(), e.toString());
            }
        }
    }
}
