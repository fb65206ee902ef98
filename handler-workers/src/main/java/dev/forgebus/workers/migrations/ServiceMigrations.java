package dev.forgebus.workers.migrations;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

import dev.forgebus.common.config.ForgeConfig;
import dev.forgebus.common.config.ForgebusConfig;
import dev.forgebus.common.config.MigrationService;
import dev.forgebus.common.config.MigrationSource;
import dev.forgebus.common.config.RepoRef;
import dev.forgebus.common.config.Secret;
import dev.forgebus.forge.ForgeCallException;
import dev.forgebus.forge.ForgeClient;
import dev.forgebus.forge.ForgeClients;

/**
 * A configured service's migrations, put together from the config: the database from the
 * environment variable {@code db_url_env} names (never from the file), the source (local folder,
 * or a repository folder through the forge API with the forge's own credential) and a
 * {@link MigrationRunner}. Shared by the scheduler's handler, the CLI and {@code /admin}.
 *
 * @param env      reads environment variables ({@code System::getenv} in production; tests give theirs)
 * @param backoff  waits between lock-timeout retries ({@link Backoff#standard()} in production)
 * @param lockWait how long to wait for another runner of the same table before answering busy
 * @param who      recorded in {@code applied_by}, with the host name
 */
public record ServiceMigrations(Function<String, Optional<String>> env, Backoff backoff, Duration lockWait, String who) {

    /** The process's environment and the standard backoff. */
    public static ServiceMigrations standard(Duration lockWait, String who) {
        return new ServiceMigrations(name -> Optional.ofNullable(System.getenv(name)), Backoff.standard(), lockWait, who);
    }

    /** The runner for {@code service}; its database URL is read now. */
    public MigrationRunner runner(MigrationService service) throws MigrationException {
        String value = env.apply(service.dbUrlEnv()).filter(v -> !v.isBlank()).orElseThrow(() -> new MigrationException(
                "environment variable " + service.dbUrlEnv() + " (db_url_env of migrations." + service.name() + ") is not set"));
        DatabaseUrl database;
        try {
            database = DatabaseUrl.parse(value);
        } catch (IllegalArgumentException e) {
            throw new MigrationException("environment variable " + service.dbUrlEnv() + ": " + e.getMessage());
        }
        return new MigrationRunner(database, service.tableName(), service.lockTimeout(), service.maxRetries(), backoff,
                lockWait, who + "@" + host());
    }

    /** The service's files, in version order. */
    public List<MigrationFile> files(MigrationService service, ForgebusConfig config, ForgeClients clients)
            throws MigrationException, ForgeCallException, InterruptedException {
        return reader(service.source(), config, clients, env).read();
    }

    static MigrationSourceReader reader(MigrationSource source, ForgebusConfig config, ForgeClients clients,
                                        Function<String, Optional<String>> env) throws MigrationException {
        return switch (source.type()) {
            case LOCAL -> new MigrationSourceReader.LocalFolder(Path.of(source.path()));
            case GIT -> {
                RepoRef repo = repository(source.repo().orElse(""), config);
                yield new MigrationSourceReader.ForgeFolder(client(source, repo, clients, env), repo,
                        source.path().replaceAll("^/+|/+$", ""), source.ref().filter(r -> !r.isEmpty()));
            }
        };
    }

    /**
     * The owner's configured credential, or the token in {@code token_env_var} under its own budget
     * {@code <forge>/env:<VAR>} (read now, so a rotated token is used from the next tick on).
     */
    private static ForgeClient client(MigrationSource source, RepoRef repo, ForgeClients clients,
                                      Function<String, Optional<String>> env) throws MigrationException {
        if (source.tokenEnvVar().isEmpty()) {
            return clients.forOwner(repo.forgeId(), repo.owner());
        }
        String name = source.tokenEnvVar().get();
        String token = env.apply(name).filter(v -> !v.isBlank()).orElseThrow(() -> new MigrationException(
                "environment variable " + name + " (source.token_env_var) is not set"));
        return clients.withToken(repo.forgeId(), repo.forgeId() + "/env:" + name, Secret.of(token.strip()));
    }

    /**
     * {@code forge:Owner/repo}; {@code Owner/repo} when one forge is configured; or a URL
     * {@code https://host/Owner/repo[.git]} whose host is a configured forge's API host (GitHub's
     * {@code api.github.com} answers for {@code github.com}).
     */
    static RepoRef repository(String text, ForgebusConfig config) throws MigrationException {
        String forge;
        String path;
        if (text.contains("://")) {
            URI uri = URI.create(text);
            String host = uri.getHost() == null ? "" : uri.getHost();
            forge = config.forges().values().stream()
                    .filter(f -> hostOf(f).equals(host) || hostOf(f).equals("api." + host))
                    .map(ForgeConfig::id).findFirst()
                    .orElseThrow(() -> new MigrationException("no configured forge serves " + host + " (source.repo)"));
            path = uri.getPath().replaceAll("^/+|/+$", "").replaceAll("\\.git$", "");
        } else if (text.contains(":")) {
            forge = text.substring(0, text.indexOf(':'));
            path = text.substring(text.indexOf(':') + 1);
        } else if (config.forges().size() == 1) {
            forge = config.forges().keySet().iterator().next();
            path = text;
        } else {
            throw new MigrationException("source.repo '" + text + "' must name its forge (forge:Owner/repo) when several are configured");
        }
        String[] parts = path.split("/");
        if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty() || config.forge(forge).isEmpty()) {
            throw new MigrationException("source.repo '" + text + "': expected forge:Owner/repo of a configured forge");
        }
        return new RepoRef(forge, parts[0], parts[1]);
    }

    private static String hostOf(ForgeConfig forge) {
        return forge.apiUrl().getHost() == null ? "" : forge.apiUrl().getHost();
    }

    private static String host() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return "unknown-host";
        }
    }
}
