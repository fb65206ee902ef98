package dev.forgebus.common.config;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Loads {@code forgebus.yml} into a {@link ForgebusConfig}, or fails with every problem in it.
 *
 * <p>The file is composed into snakeyaml's node graph rather than bound to classes, because
 * nodes carry the line of every key and value: each problem is reported as
 * {@code FILE:LINE: message}, and the whole file is read before failing so that one run lists
 * all of them. Environment variables are substituted in each scalar before it is typed.
 * Loading has no side effects; it is safe to call again to validate a changed file before
 * replacing a running config.
 */
public final class ConfigLoader {

    static final List<String> TOP_LEVEL_KEYS = List.of("server", "management", "admin", "kafka", "dedup", "workers", "forges", "orgs",
            "cron_dispatch", "health_monitor", "migrations", "logging");
    static final List<String> SERVER_KEYS = List.of("bind", "port", "max_body_bytes", "request_timeout", "min_data_rate",
            "max_in_flight");
    static final List<String> MANAGEMENT_KEYS = List.of("same_port", "bind", "port");
    static final List<String> ADMIN_KEYS = List.of("token");
    static final List<String> LOGGING_KEYS = List.of("format");
    static final List<String> KAFKA_KEYS = List.of("bootstrap_servers", "embedded", "topic_prefix", "partitions",
            "replication_factor");
    static final List<String> EMBEDDED_KEYS = List.of("port");
    static final List<String> DEDUP_KEYS = List.of("retention");
    static final List<String> WORKERS_KEYS = List.of("max_attempts", "backoff");
    private static final Pattern TOPIC_PREFIX = Pattern.compile("[A-Za-z0-9._-]+");

    private ConfigLoader() {
    }

    /** Loads {@code file} with the process environment and the standard modules. */
    public static ForgebusConfig load(Path file) throws ConfigException {
        return load(file, System::getenv);
    }

    /** Loads {@code file} with the process environment, reading the blocks of {@code modules}. */
    public static ForgebusConfig load(Path file, ModuleCatalog modules) throws ConfigException {
        return load(file, System::getenv, modules);
    }

    /**
     * Loads {@code file}; problems name it as given, so they point where the user looked.
     *
     * @param environment looks up {@code ${VAR}}; returns null for an unset variable
     */
    public static ForgebusConfig load(Path file, Function<String, String> environment) throws ConfigException {
        return load(file, environment, ModuleCatalog.standard());
    }

    /**
     * As {@link #load(Path, Function)}, reading the blocks of {@code modules}.
     */
    public static ForgebusConfig load(Path file, Function<String, String> environment, ModuleCatalog modules)
            throws ConfigException {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(Files.readAllBytes(file))).toString();
        } catch (NoSuchFileException e) {
            throw cannotRead(file, "no such file");
        } catch (CharacterCodingException e) {
            throw cannotRead(file, "not UTF-8 text");
        } catch (IOException e) {
            throw cannotRead(file, Files.isDirectory(file) ? "it is a directory" : String.valueOf(e.getMessage()));
        }
        return parse(text, file.toString(), environment, modules);
    }

    /**
     * Parses config text.
     *
     * @param fileName    used in problems only
     * @param environment looks up {@code ${VAR}}; returns null for an unset variable
     */
    public static ForgebusConfig parse(String yamlText, String fileName, Function<String, String> environment)
            throws ConfigException {
        return parse(yamlText, fileName, environment, ModuleCatalog.standard());
    }

    /** As {@link #parse(String, String, Function)}, reading the blocks of {@code modules}. */
    public static ForgebusConfig parse(String yamlText, String fileName, Function<String, String> environment,
                                       ModuleCatalog modules) throws ConfigException {
        ConfigProblems problems = new ConfigProblems(fileName);
        Node root = YamlLimits.MAIN_CONFIG.compose(yamlText, problems);
        problems.throwIfAny();
        NodeBudget budget = new NodeBudget(YamlLimits.MAIN_CONFIG.maxNodes());
        NodeReader reader = new NodeReader(problems, new Interpolator(environment, problems), budget);
        try {
            Optional<YamlBlock> top = YamlBlock.open(reader, root, "", 1, TOP_LEVEL_KEYS, misplacedAtTop(modules));
            if (top.isEmpty()) {
                throw problems.toException();
            }
            ForgebusConfig config = read(top.get(), modules);
            problems.throwIfAny();
            return config;
        } catch (NodeBudget.Exhausted e) {
            throw budget.reported(e, problems);
        } catch (StackOverflowError e) {
            throw tooDeep(problems);
        }
    }

    /**
     * A last resort: composing bounds nesting and merges are checked for cycles, so no file
     * should get here; if one does, it is a problem of that file, not a crash of the caller.
     */
    static ConfigException tooDeep(ConfigProblems problems) {
        problems.add(0, "YAML too deeply nested or recursive to read");
        return problems.toException();
    }

    private static ForgebusConfig read(YamlBlock top, ModuleCatalog modules) {
        ServerConfig server = top.block("server", SERVER_KEYS).map(ConfigLoader::server).orElse(ServerConfig.defaults());
        ManagementConfig management = top.block("management", MANAGEMENT_KEYS).map(ConfigLoader::management)
                .orElse(ManagementConfig.defaults());
        AdminConfig admin = new AdminConfig(top.block("admin", ADMIN_KEYS).flatMap(b -> b.secret("token")));
        KafkaSettings kafka = top.block("kafka", KAFKA_KEYS).map(ConfigLoader::kafka).orElse(KafkaSettings.defaults());
        DedupConfig dedup = top.block("dedup", DEDUP_KEYS)
                .map(b -> new DedupConfig(b.duration("retention", DedupConfig.DEFAULT_RETENTION)))
                .orElse(DedupConfig.defaults());
        WorkersConfig workers = top.block("workers", WORKERS_KEYS).map(ConfigLoader::workers).orElse(WorkersConfig.defaults());
        ForgeReader forgeReader = new ForgeReader();
        var forges = forgeReader.read(top.block("forges", YamlBlock.ANY_KEY));
        var orgs = new OrgReader(modules, forgeReader.directory()).read(top.block("orgs", YamlBlock.ANY_KEY));
        ScheduledJobReader jobs = new ScheduledJobReader(forgeReader.directory());
        var cronDispatch = jobs.cronDispatch(top);
        var healthMonitor = jobs.healthMonitor(top);
        var migrations = MigrationReader.read(top.block("migrations", YamlBlock.ANY_KEY));
        LoggingConfig logging = top.block("logging", LOGGING_KEYS)
                .map(b -> new LoggingConfig(b.choice("format", LoggingConfig.Format.PLAIN, LoggingConfig.Format.values(),
                        LoggingConfig.Format::id)))
                .orElse(LoggingConfig.defaults());
        return new ForgebusConfig(server, management, admin, kafka, dedup, workers, forges, orgs, cronDispatch, healthMonitor, migrations,
                modules, logging);
    }

    private static ServerConfig server(YamlBlock b) {
        Duration requestTimeout = b.duration("request_timeout", ServerConfig.DEFAULT_REQUEST_TIMEOUT);
        if (requestTimeout.isZero() || requestTimeout.isNegative()) {
            b.problem("request_timeout", "must be positive");
            requestTimeout = ServerConfig.DEFAULT_REQUEST_TIMEOUT;
        }
        return new ServerConfig(b.string("bind", ServerConfig.DEFAULT_BIND),
                b.integer("port", ServerConfig.DEFAULT_PORT, 0, 65_535),
                b.longInteger("max_body_bytes", ServerConfig.DEFAULT_MAX_BODY_BYTES, 1, Integer.MAX_VALUE - 8),
                requestTimeout,
                b.longInteger("min_data_rate", ServerConfig.DEFAULT_MIN_DATA_RATE, 0, Integer.MAX_VALUE),
                b.integer("max_in_flight", ServerConfig.DEFAULT_MAX_IN_FLIGHT, 1, 100_000));
    }

    private static ManagementConfig management(YamlBlock b) {
        boolean samePort = b.bool("same_port", false);
        if (samePort) {
            for (String key : List.of("bind", "port")) {
                if (b.isSet(key)) {
                    b.problem(key, "has no effect with same_port: true (the management routes use the webhook port)");
                }
            }
        }
        return new ManagementConfig(samePort, b.string("bind", ManagementConfig.DEFAULT_BIND),
                b.integer("port", ManagementConfig.DEFAULT_PORT, 0, 65_535));
    }

    private static KafkaSettings kafka(YamlBlock b) {
        String bootstrap = b.text("bootstrap_servers").map(t -> t.value().strip()).orElse("");
        int embeddedPort = b.block("embedded", EMBEDDED_KEYS)
                .map(e -> e.integer("port", KafkaSettings.DEFAULT_EMBEDDED_PORT, 0, 65_535))
                .orElse(KafkaSettings.DEFAULT_EMBEDDED_PORT);
        String prefix = b.string("topic_prefix", KafkaSettings.DEFAULT_TOPIC_PREFIX);
        if (!TOPIC_PREFIX.matcher(prefix).matches()) {
            b.problem("topic_prefix", "may only contain letters, digits, '.', '_' and '-' (Kafka topic name rules), got '"
                    + prefix + "'");
        }
        return new KafkaSettings(bootstrap, embeddedPort, prefix,
                b.integer("partitions", KafkaSettings.DEFAULT_PARTITIONS, 1, 10_000),
                (short) b.integer("replication_factor", KafkaSettings.DEFAULT_REPLICATION_FACTOR, 1, Short.MAX_VALUE));
    }

    private static WorkersConfig workers(YamlBlock b) {
        int maxAttempts = b.integer("max_attempts", WorkersConfig.DEFAULT_MAX_ATTEMPTS, 1, 1000);
        if (!b.isSet("backoff")) {
            return new WorkersConfig(maxAttempts, WorkersConfig.DEFAULT_BACKOFF);
        }
        List<Duration> backoff = new ArrayList<>();
        List<Node> items = b.items("backoff");
        for (int i = 0; i < items.size(); i++) {
            b.reader().duration(items.get(i), b.pathOf("backoff") + "[" + i + "]").ifPresent(backoff::add);
        }
        if (items.isEmpty() && b.node("backoff").filter(n -> n instanceof SequenceNode).isPresent()) {
            b.problem("backoff", "must list at least one duration");
        }
        return new WorkersConfig(maxAttempts, backoff.isEmpty() ? WorkersConfig.DEFAULT_BACKOFF : backoff);
    }

    private static Map<String, String> misplacedAtTop(ModuleCatalog modules) {
        Map<String, String> misplaced = new HashMap<>();
        for (ModuleDeclaration<?> module : modules.repositoryBlocks()) {
            misplaced.put(module.id().configKey(), module.block().orElseThrow().scope() == ModuleDeclaration.Scope.REPOSITORY_ONLY
                    ? "repository-level only: move it under orgs.<name>.repositories.<repo>"
                    : "set per org or repository: move it under orgs.<name>");
        }
        misplaced.put("repositories", "repositories belong to an org: move it under orgs.<name>");
        return Map.copyOf(misplaced);
    }

    private static ConfigException cannotRead(Path file, String reason) {
        return new ConfigException(List.of(new ConfigProblem(file.toString(), 0, "cannot read: " + reason)));
    }
}
