package dev.forgebus.common.config;

import java.time.Duration;
import java.util.Objects;

/**
 * One database whose schema the migration runner (SPEC 7.12) keeps current.
 *
 * @param name                 the key under {@code migrations:}, as in {@code --service}
 * @param dbUrlEnv             NAME of the environment variable holding the JDBC URL: the URL
 *                             carries the password, so the file names it instead of holding it
 * @param source               where the migration files are
 * @param tableName            the history table
 * @param lockTimeout          {@code SET lock_timeout} for each migration
 * @param maxRetries           retries after a lock timeout (backoff 2, 5, 10, 20, 30 s)
 * @param checkIntervalSeconds how often the scheduler checks for pending migrations
 * @param mode                 whether that check also applies them
 */
public record MigrationService(String name, String dbUrlEnv, MigrationSource source, String tableName,
                               Duration lockTimeout, int maxRetries, int checkIntervalSeconds, MigrationMode mode) {

    public static final String DEFAULT_TABLE_NAME = "schema_migrations";
    public static final Duration DEFAULT_LOCK_TIMEOUT = Duration.ofSeconds(5);
    public static final int DEFAULT_MAX_RETRIES = 5;
    public static final int DEFAULT_CHECK_INTERVAL_SECONDS = 900;

    public MigrationService {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(dbUrlEnv, "dbUrlEnv");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(tableName, "tableName");
        Objects.requireNonNull(lockTimeout, "lockTimeout");
        Objects.requireNonNull(mode, "mode");
    }
}
