package dev.forgebus.workers.migrations;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies a service's pending migrations to its PostgreSQL database (SPEC 7.12).
 *
 * <ul>
 *   <li>History: table {@code table} ({@code version, name, applied_at, checksum, applied_by,
 *   execution_ms}), created if absent, one row per applied file, written in the file's own
 *   transaction so a file and its row commit together.</li>
 *   <li>Drift: an applied file whose sha256 changed stops {@code apply} before anything runs.</li>
 *   <li>Two runners: a session-level {@code pg_try_advisory_lock} on a key derived from the table
 *   name; the second polls it for up to {@code lockWait}, then answers {@link ApplyOutcome.Busy}.
 *   It is taken before the history table is read, so each file runs once.</li>
 *   <li>Each file in its own transaction with {@code SET LOCAL lock_timeout}; a lock timeout
 *   (SQLSTATE 55P03) rolls back and retries the file after {@link Backoff} up to
 *   {@code maxRetries} times; any failure rolls back that file alone and stops the run.</li>
 *   <li>A file with {@code CREATE INDEX CONCURRENTLY} (or {@code -- forgebus:no-transaction})
 *   runs outside a transaction, one statement at a time ({@link StatementSplitter}); a lock
 *   timeout retries that statement. Such a file cannot be rolled back: statements before a
 *   failing one stay applied and its row is not written, so it is pending again.</li>
 * </ul>
 */
public final class MigrationRunner {
    private static final Logger LOG = LoggerFactory.getLogger(MigrationRunner.class);
    private static final Pattern TABLE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(?:\\.[A-Za-z_][A-Za-z0-9_]*)?");
    private static final String LOCK_NOT_AVAILABLE = "55P03";
    private static final Duration LOCK_POLL = Duration.ofMillis(200);

    private final DatabaseUrl database;
    private final String table;
    private final Duration lockTimeout;
    private final int maxRetries;
    private final Backoff backoff;
    private final Duration lockWait;
    private final String appliedBy;

    /**
     * @param table     history table, {@code name} or {@code schema.name} (validated again here:
     *                  it is written into SQL)
     * @param lockWait  how long a second runner waits for the first; zero answers busy at once
     * @param appliedBy who applies, recorded in {@code applied_by}
     */
    public MigrationRunner(DatabaseUrl database, String table, Duration lockTimeout, int maxRetries, Backoff backoff,
                           Duration lockWait, String appliedBy) {
        this.database = Objects.requireNonNull(database, "database");
        if (!TABLE.matcher(table).matches()) {
            throw new IllegalArgumentException("not a table name: " + table);
        }
        this.table = table;
        this.lockTimeout = Objects.requireNonNull(lockTimeout, "lockTimeout");
        if (maxRetries < 0) {
            throw new IllegalArgumentException("maxRetries < 0");
        }
        this.maxRetries = maxRetries;
        this.backoff = Objects.requireNonNull(backoff, "backoff");
        this.lockWait = Objects.requireNonNull(lockWait, "lockWait");
        this.appliedBy = Objects.requireNonNull(appliedBy, "appliedBy");
    }

    /** What is applied, pending and drifted; reads only (no lock, no table created). */
    public MigrationStatus status(List<MigrationFile> files) throws MigrationException {
        try (Connection c = database.connect()) {
            return status(c, files);
        } catch (SQLException e) {
            throw failure("status", e);
        }
    }

    /** Applies the pending files in order, unless there is drift or another runner holds the lock. */
    public ApplyOutcome apply(List<MigrationFile> files) throws MigrationException, InterruptedException {
        try (Connection c = database.connect()) {
            if (!lock(c)) {
                return new ApplyOutcome.Busy(table);
            }
            try {
                createHistoryTable(c);
                MigrationStatus status = status(c, files);
                if (!status.drift().isEmpty()) {
                    return new ApplyOutcome.Drifted(status.drift());
                }
                List<String> applied = new ArrayList<>();
                for (MigrationFile file : status.pending()) {
                    String failed = file.noTransaction() ? runOutsideTransaction(c, file) : runInTransaction(c, file);
                    if (failed != null) {
                        LOG.warn("migrations {}: {} failed: {}", table, file.fileName(), failed);
                        return new ApplyOutcome.Failed(file.fileName(), failed, applied);
                    }
                    LOG.info("migrations {}: applied {}", table, file.fileName());
                    applied.add(file.version());
                }
                return new ApplyOutcome.Applied(applied);
            } finally {
                unlock(c);
            }
        } catch (SQLException e) {
            throw failure("apply", e);
        }
    }

    /**
     * Re-stamps the recorded checksum of applied {@code version} with its file's current one,
     * after an operator decided the change is harmless (or applied it by hand). Logged.
     */
    public String repair(List<MigrationFile> files, String version) throws MigrationException, InterruptedException {
        MigrationFile file = files.stream().filter(f -> MigrationFile.compareVersions(f.version(), version) == 0).findFirst()
                .orElseThrow(() -> new MigrationException("no file of version " + version + " in the source"));
        try (Connection c = database.connect()) {
            if (!lock(c)) {
                throw new MigrationException(new ApplyOutcome.Busy(table).message());
            }
            try {
                createHistoryTable(c);
                Map<String, MigrationStatus.Applied> applied = applied(c);
                MigrationStatus.Applied row = applied.get(file.version());
                if (row == null) {
                    throw new MigrationException("version " + version + " is not applied: nothing to repair");
                }
                if (row.checksum().equals(file.checksum())) {
                    return "V" + file.version() + " already matches its file: nothing to repair";
                }
                try (PreparedStatement update = c.prepareStatement("UPDATE " + table + " SET checksum = ? WHERE version = ?")) {
                    update.setString(1, file.checksum());
                    update.setString(2, file.version());
                    update.executeUpdate();
                }
                String message = "re-stamped V" + file.version() + " (" + file.fileName() + ") in " + table + ": checksum "
                        + row.checksum() + " -> " + file.checksum();
                LOG.warn("migrations repair by {}: {}", appliedBy, message);
                return message;
            } finally {
                unlock(c);
            }
        } catch (SQLException e) {
            throw failure("repair", e);
        }
    }

    /** The advisory lock key: the first 8 bytes of sha256 of the (lower-case) table name. */
    long lockKey() {
        byte[] digest = HexFormat.of().parseHex(MigrationFile.sha256(("forgebus-migrations:" + table.toLowerCase())
                .getBytes(StandardCharsets.UTF_8)));
        return ByteBuffer.wrap(digest, 0, 8).getLong();
    }

    private MigrationStatus status(Connection c, List<MigrationFile> files) throws SQLException {
        Map<String, MigrationStatus.Applied> applied = historyExists(c) ? applied(c) : Map.of();
        List<MigrationFile> pending = new ArrayList<>();
        List<MigrationStatus.Drift> drift = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        for (MigrationFile file : files) {
            MigrationStatus.Applied row = applied.get(file.version());
            if (row == null) {
                pending.add(file);
            } else {
                seen.add(row.version());
                if (!row.checksum().equals(file.checksum())) {
                    drift.add(new MigrationStatus.Drift(file.version(), file.fileName(), row.checksum(), file.checksum()));
                }
            }
        }
        List<String> missing = applied.keySet().stream().filter(v -> !seen.contains(v)).toList();
        return new MigrationStatus(List.copyOf(applied.values()), pending, drift, missing);
    }

    private boolean historyExists(Connection c) throws SQLException {
        try (PreparedStatement q = c.prepareStatement("SELECT to_regclass(?) IS NOT NULL")) {
            q.setString(1, table);
            try (ResultSet r = q.executeQuery()) {
                r.next();
                return r.getBoolean(1);
            }
        }
    }

    private Map<String, MigrationStatus.Applied> applied(Connection c) throws SQLException {
        Map<String, MigrationStatus.Applied> rows = new LinkedHashMap<>();
        List<MigrationStatus.Applied> all = new ArrayList<>();
        try (Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT version, name, applied_at, checksum, applied_by, execution_ms FROM " + table)) {
            while (r.next()) {
                all.add(new MigrationStatus.Applied(r.getString(1), r.getString(2), r.getTimestamp(3).toInstant(), r.getString(4),
                        r.getString(5), r.getLong(6)));
            }
        }
        all.sort((a, b) -> MigrationFile.compareVersions(a.version(), b.version()));
        all.forEach(a -> rows.put(a.version(), a));
        return rows;
    }

    private void createHistoryTable(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS " + table + " (version text PRIMARY KEY, name text NOT NULL,"
                    + " applied_at timestamptz NOT NULL DEFAULT now(), checksum text NOT NULL, applied_by text NOT NULL,"
                    + " execution_ms bigint NOT NULL)");
        }
    }

    /** @return null when the file committed, else why it failed (it was rolled back) */
    private String runInTransaction(Connection c, MigrationFile file) throws SQLException, InterruptedException {
        for (int retry = 0; ; retry++) {
            long started = System.nanoTime();
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.execute("SET LOCAL lock_timeout = '" + lockTimeout.toMillis() + "ms'");
                s.execute(file.sql());
                record(c, file, started);
                c.commit();
                return null;
            } catch (SQLException e) {
                c.rollback();
                if (!LOCK_NOT_AVAILABLE.equals(e.getSQLState()) || retry >= maxRetries) {
                    return reason(e, retry);
                }
                LOG.info("migrations {}: {} met a lock timeout, retry {} of {}", table, file.fileName(), retry + 1, maxRetries);
                backoff.pause(retry + 1);
            } finally {
                c.setAutoCommit(true);
            }
        }
    }

    private String runOutsideTransaction(Connection c, MigrationFile file) throws SQLException, InterruptedException {
        long started = System.nanoTime();
        List<String> statements = StatementSplitter.split(file.sql());
        try (Statement s = c.createStatement()) {
            s.execute("SET lock_timeout = '" + lockTimeout.toMillis() + "ms'");
            for (int i = 0; i < statements.size(); i++) {
                for (int retry = 0; ; retry++) {
                    try {
                        s.execute(statements.get(i));
                        break;
                    } catch (SQLException e) {
                        if (!LOCK_NOT_AVAILABLE.equals(e.getSQLState()) || retry >= maxRetries) {
                            return reason(e, retry) + " (statement " + (i + 1) + " of " + statements.size()
                                    + ", outside a transaction: the statements before it stay applied)";
                        }
                        LOG.info("migrations {}: {} statement {} met a lock timeout, retry {} of {}", table, file.fileName(),
                                i + 1, retry + 1, maxRetries);
                        backoff.pause(retry + 1);
                    }
                }
            }
            record(c, file, started);
            return null;
        } finally {
            try (Statement s = c.createStatement()) {
                s.execute("RESET lock_timeout");
            }
        }
    }

    private void record(Connection c, MigrationFile file, long startedNanos) throws SQLException {
        try (PreparedStatement insert = c.prepareStatement("INSERT INTO " + table
                + " (version, name, checksum, applied_by, execution_ms) VALUES (?, ?, ?, ?, ?)")) {
            insert.setString(1, file.version());
            insert.setString(2, file.name());
            insert.setString(3, file.checksum());
            insert.setString(4, appliedBy);
            insert.setLong(5, Duration.ofNanos(System.nanoTime() - startedNanos).toMillis());
            insert.executeUpdate();
        }
    }

    private String reason(SQLException e, int retries) {
        String message = database.scrub(e.getMessage()).lines().findFirst().orElse("");
        if (LOCK_NOT_AVAILABLE.equals(e.getSQLState())) {
            return "lock timeout (" + lockTimeout.toMillis() + " ms) after " + retries + " retr" + (retries == 1 ? "y" : "ies")
                    + ": " + message;
        }
        return message + (e.getSQLState() == null ? "" : " [SQLSTATE " + e.getSQLState() + "]");
    }

    private boolean lock(Connection c) throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + lockWait.toNanos();
        while (true) {
            try (PreparedStatement q = c.prepareStatement("SELECT pg_try_advisory_lock(?)")) {
                q.setLong(1, lockKey());
                try (ResultSet r = q.executeQuery()) {
                    r.next();
                    if (r.getBoolean(1)) {
                        return true;
                    }
                }
            }
            if (System.nanoTime() >= deadline) {
                return false;
            }
            // Polls rather than pg_advisory_lock: a blocking wait could not be bounded without a
            // statement timeout that would also cut the migrations themselves.
            Thread.sleep(LOCK_POLL.toMillis());
        }
    }

    private void unlock(Connection c) throws SQLException {
        if (c.isClosed()) {
            return;
        }
        try (PreparedStatement q = c.prepareStatement("SELECT pg_advisory_unlock(?)")) {
            q.setLong(1, lockKey());
            q.execute();
        }
    }

    private MigrationException failure(String what, SQLException e) {
        return new MigrationException(what + " on " + database.display() + " failed: " + database.scrub(e.getMessage())
                + (e.getSQLState() == null ? "" : " [SQLSTATE " + e.getSQLState() + "]"));
    }
}
