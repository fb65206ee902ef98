package dev.forgebus.common.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import dev.forgebus.common.schedule.ScheduledJobs;

/** Reads the {@code migrations:} section. */
final class MigrationReader {

    static final List<String> KEYS = List.of("db_url_env", "source", "table_name", "lock_timeout", "max_retries",
            "check_interval_seconds", "mode");
    // url, subpath and token_env_var are the seed config's spelling of a git source (issue 13); repo and
    // path are ours. One of each pair.
    static final List<String> SOURCE_KEYS = List.of("type", "path", "repo", "ref", "url", "subpath", "token_env_var");
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern TABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(?:\\.[A-Za-z_][A-Za-z0-9_]*)?");

    private MigrationReader() {
    }

    static Map<String, MigrationService> read(Optional<YamlBlock> section) {
        Map<String, MigrationService> services = new LinkedHashMap<>();
        if (section.isEmpty()) {
            return services;
        }
        YamlBlock all = section.get();
        for (String name : all.keys()) {
            if (!ForgeDirectory.NAME.matcher(name).matches()) {
                all.reader().problems().add(all.keyLineOf(name), "migration service name '" + name
                        + "' may only contain letters, digits, '.', '_' and '-'");
            } else {
                ScheduledJobReader.jobNameProblem(ScheduledJobs.MIGRATIONS + name)
                        .ifPresent(p -> all.reader().problems().add(all.keyLineOf(name), "migration service name: " + p));
            }
            all.block(name, KEYS).flatMap(service -> service(name, service)).ifPresent(s -> services.put(name, s));
        }
        return services;
    }

    private static Optional<MigrationService> service(String name, YamlBlock service) {
        Optional<String> dbUrlEnv = service.requiredString("db_url_env").filter(env -> {
            if (!ENV_NAME.matcher(env).matches()) {
                service.problem("db_url_env", "expected the NAME of an environment variable (such as ORDERS_DB_URL),"
                        + " not a URL: the URL holds a password and stays out of this file");
                return false;
            }
            return true;
        });
        if (!service.isSet("source")) {
            service.missing("source");
        }
        Optional<MigrationSource> source = service.block("source", SOURCE_KEYS).flatMap(MigrationReader::source);
        String table = service.string("table_name", MigrationService.DEFAULT_TABLE_NAME);
        if (!TABLE.matcher(table).matches()) {
            service.problem("table_name", "expected a table name such as schema_migrations or ops.schema_migrations, got '"
                    + table + "'");
        }
        var lockTimeout = service.duration("lock_timeout", MigrationService.DEFAULT_LOCK_TIMEOUT);
        int maxRetries = service.integer("max_retries", MigrationService.DEFAULT_MAX_RETRIES, 0, 100);
        int interval = service.integer("check_interval_seconds", MigrationService.DEFAULT_CHECK_INTERVAL_SECONDS, 1,
                Integer.MAX_VALUE);
        MigrationMode mode = service.choice("mode", MigrationMode.MANUAL_APPLY, MigrationMode.values(), MigrationMode::id);
        if (dbUrlEnv.isEmpty() || source.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new MigrationService(name, dbUrlEnv.get(), source.get(), table, lockTimeout, maxRetries,
                interval, mode));
    }

    private static Optional<MigrationSource> source(YamlBlock source) {
        if (!source.isSet("type")) {
            source.missing("type");
        }
        Optional<MigrationSource.Type> type = source.optionalChoice("type", MigrationSource.Type.values(),
                MigrationSource.Type::id);
        Optional<String> path = oneOf(source, "path", "subpath");
        Optional<String> repo = oneOf(source, "repo", "url");
        Optional<String> ref = source.optionalString("ref");
        Optional<String> tokenEnv = source.optionalString("token_env_var").filter(env -> {
            if (!ENV_NAME.matcher(env).matches()) {
                source.problem("token_env_var", "expected the NAME of an environment variable holding the token, not the token");
                return false;
            }
            return true;
        });
        boolean git = type.equals(Optional.of(MigrationSource.Type.GIT));
        if (path.isEmpty() && !source.isSet("path") && !source.isSet("subpath")) {
            source.missing(git ? "path (or subpath)" : "path");
        }
        if (git && repo.isEmpty() && !source.isSet("repo") && !source.isSet("url")) {
            source.missing("repo (or url)");
        }
        if (type.equals(Optional.of(MigrationSource.Type.LOCAL))) {
            for (String gitOnly : List.of("repo", "ref", "url", "subpath", "token_env_var")) {
                if (source.has(gitOnly)) {
                    source.problem(gitOnly, "only with type: git");
                }
            }
        }
        if (type.isEmpty() || path.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new MigrationSource(type.get(), path.get(), repo, ref, tokenEnv));
    }

    /** The value of {@code key} or of its synonym {@code other}; both set is a problem. */
    private static Optional<String> oneOf(YamlBlock source, String key, String other) {
        if (source.has(key) && source.has(other)) {
            source.problem(other, "give " + key + " or " + other + ", not both");
            return Optional.empty();
        }
        return source.has(other) ? source.optionalString(other) : source.optionalString(key);
    }
}
