package dev.forgebus.workers.migrations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runner against a real PostgreSQL (one server per JVM, a database per test). */
class MigrationRunnerTest {

    @TempDir
    Path folder;
    private String url;

    @BeforeEach
    void newDatabase() {
        url = SharedTestPostgres.newDatabase();
    }

    @Test
    void a_table_locked_by_another_session_is_retried_after_the_backoff_and_applied_once_the_lock_is_released() throws Exception {
        // Given a table another session holds an exclusive lock on
        execute("CREATE TABLE orders (id int)");
        file("V1__add_note.sql", "ALTER TABLE orders ADD COLUMN note text;");
        try (Connection other = DriverManager.getConnection(url)) {
            other.setAutoCommit(false);
            other.createStatement().execute("LOCK TABLE orders IN ACCESS EXCLUSIVE MODE");
            // and a backoff that releases that lock when the runner waits before its first retry
            List<Integer> retries = new CopyOnWriteArrayList<>();
            Backoff backoff = retry -> {
                retries.add(retry);
                try {
                    other.rollback();
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            };

            // When it applies
            ApplyOutcome outcome = runner(backoff, Duration.ZERO, 5).apply(files());

            // Then the first try met the lock timeout, and the retry applied the file
            assertThat(retries).containsExactly(1);
            assertThat(outcome).isEqualTo(new ApplyOutcome.Applied(List.of("1")));
            assertThat(query("SELECT count(*) FROM information_schema.columns WHERE table_name = 'orders' AND column_name = 'note'"))
                    .containsExactly("1");
        }
    }

    @Test
    void a_lock_held_past_max_retries_fails_the_file_with_a_lock_timeout_after_the_whole_backoff() throws Exception {
        execute("CREATE TABLE orders (id int)");
        file("V1__add_note.sql", "ALTER TABLE orders ADD COLUMN note text;");
        try (Connection other = DriverManager.getConnection(url)) {
            other.setAutoCommit(false);
            other.createStatement().execute("LOCK TABLE orders IN ACCESS EXCLUSIVE MODE");
            List<Integer> retries = new CopyOnWriteArrayList<>();

            ApplyOutcome outcome = runner(retries::add, Duration.ZERO, 2).apply(files());

            assertThat(retries).containsExactly(1, 2);
            assertThat(outcome).isInstanceOf(ApplyOutcome.Failed.class);
            assertThat(outcome.message()).startsWith("failed V1__add_note.sql: lock timeout (100 ms) after 2 retries");
        }
        assertThat(query("SELECT count(*) FROM schema_migrations")).containsExactly("0");
    }

    @Test
    void the_standard_backoff_waits_2_5_10_20_30_seconds_and_30_after() {
        assertThat(Backoff.STANDARD_DELAYS).extracting(Duration::toSeconds).containsExactly(2L, 5L, 10L, 20L, 30L);
    }

    @Test
    void a_modified_applied_file_is_drift_status_shows_it_apply_runs_nothing_and_repair_re_stamps_it() throws Exception {
        // Given V1 and V2 applied
        file("V1__orders.sql", "CREATE TABLE orders (id int);");
        file("V2__customers.sql", "CREATE TABLE customers (id int);");
        assertThat(runner().apply(files())).isEqualTo(new ApplyOutcome.Applied(List.of("1", "2")));
        // When V1 is edited afterwards and V3 added
        file("V1__orders.sql", "CREATE TABLE orders (id bigint);");
        file("V3__invoices.sql", "CREATE TABLE invoices (id int);");

        // Then status shows the drift, and apply refuses to run anything
        MigrationStatus status = runner().status(files());
        assertThat(status.drift()).extracting(MigrationStatus.Drift::version).containsExactly("1");
        assertThat(status.pendingVersions()).containsExactly("3");
        ApplyOutcome outcome = runner().apply(files());
        assertThat(outcome).isInstanceOf(ApplyOutcome.Drifted.class);
        assertThat(outcome.message()).startsWith("drift, nothing applied: V1__orders.sql changed after it was applied");
        assertThat(query("SELECT count(*) FROM information_schema.tables WHERE table_name = 'invoices'")).containsExactly("0");

        // And after an operator's repair of V1, V3 applies
        assertThat(runner().repair(files(), "1")).startsWith("re-stamped V1 (V1__orders.sql) in schema_migrations: checksum ");
        assertThat(runner().apply(files())).isEqualTo(new ApplyOutcome.Applied(List.of("3")));
    }

    @Test
    void two_runners_at_once_apply_each_file_once_the_second_waits_for_the_first() throws Exception {
        file("V1__log.sql", "CREATE TABLE runs (version text PRIMARY KEY); INSERT INTO runs VALUES ('1');");
        file("V2__slow.sql", "SELECT pg_sleep(0.3); INSERT INTO runs VALUES ('2');");
        file("V3__more.sql", "INSERT INTO runs VALUES ('3');");
        List<MigrationFile> files = files();
        CyclicBarrier together = new CyclicBarrier(2);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<ApplyOutcome>> outcomes = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                outcomes.add(pool.submit(() -> {
                    together.await(10, TimeUnit.SECONDS);
                    return runner(retry -> { }, Duration.ofSeconds(30), 0).apply(files);
                }));
            }
            List<ApplyOutcome> results = List.of(outcomes.get(0).get(60, TimeUnit.SECONDS), outcomes.get(1).get(60, TimeUnit.SECONDS));
            assertThat(results).containsExactlyInAnyOrder(new ApplyOutcome.Applied(List.of("1", "2", "3")),
                    new ApplyOutcome.Applied(List.of()));
        } finally {
            pool.shutdownNow();
        }
        assertThat(query("SELECT version FROM runs ORDER BY version")).containsExactly("1", "2", "3");
        assertThat(query("SELECT version FROM schema_migrations ORDER BY version")).containsExactly("1", "2", "3");
    }

    @Test
    void a_runner_that_may_not_wait_answers_busy_while_another_holds_the_advisory_lock_and_applies_nothing() throws Exception {
        file("V1__orders.sql", "CREATE TABLE orders (id int);");
        MigrationRunner runner = runner(retry -> { }, Duration.ZERO, 0);
        try (Connection holder = DriverManager.getConnection(url)) {
            holder.createStatement().execute("SELECT pg_advisory_lock(" + runner.lockKey() + ")");

            ApplyOutcome outcome = runner.apply(files());

            assertThat(outcome).isEqualTo(new ApplyOutcome.Busy("schema_migrations"));
            assertThat(outcome.message()).isEqualTo("busy: another runner is migrating (advisory lock of schema_migrations held), nothing applied");
        }
        assertThat(query("SELECT count(*) FROM information_schema.tables WHERE table_name = 'orders'")).containsExactly("0");
    }

    @Test
    void a_failing_file_rolls_back_alone_and_stops_the_run() throws Exception {
        file("V1__orders.sql", "CREATE TABLE orders (id int);");
        file("V2__broken.sql", "CREATE TABLE half (id int);\nINSERT INTO no_such_table VALUES (1);");
        file("V3__later.sql", "CREATE TABLE later (id int);");

        ApplyOutcome outcome = runner().apply(files());

        assertThat(outcome).isInstanceOf(ApplyOutcome.Failed.class);
        assertThat(outcome.message()).startsWith("failed V2__broken.sql: ERROR: relation \"no_such_table\" does not exist")
                .endsWith("(applied before it: V1); later files not applied");
        assertThat(query("SELECT table_name FROM information_schema.tables WHERE table_name IN ('orders', 'half', 'later')"))
                .containsExactly("orders");
        assertThat(query("SELECT version FROM schema_migrations")).containsExactly("1");
    }

    @Test
    void a_create_index_concurrently_file_runs_outside_a_transaction_one_statement_at_a_time() throws Exception {
        file("V1__orders.sql", "CREATE TABLE orders (id int, customer int);");
        file("V2__index.sql", """
                -- built without blocking writes; PostgreSQL refuses this inside a transaction block
                CREATE INDEX CONCURRENTLY orders_customer ON orders (customer);
                CREATE INDEX CONCURRENTLY orders_id ON orders (id);
                """);
        file("V3__vacuum.sql", "-- forgebus:no-transaction\nVACUUM orders;");
        assertThat(files().stream().map(MigrationFile::noTransaction)).containsExactly(false, true, true);

        ApplyOutcome outcome = runner().apply(files());

        assertThat(outcome).isEqualTo(new ApplyOutcome.Applied(List.of("1", "2", "3")));
        assertThat(query("SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
                + " WHERE i.indisvalid AND c.relname LIKE 'orders_%' ORDER BY c.relname")).containsExactly("orders_customer", "orders_id");
    }

    @Test
    void versions_sort_numerically_v9_before_v10_and_v1_2_between_v1_and_v2() throws Exception {
        file("V1__log.sql", "CREATE TABLE steps (id serial, version text); INSERT INTO steps (version) VALUES ('1');");
        for (String v : List.of("2", "9", "10", "1.2")) {
            file("V" + v + "__step.sql", "INSERT INTO steps (version) VALUES ('" + v + "');");
        }
        file("README.md", "not a migration");

        ApplyOutcome outcome = runner().apply(files());

        assertThat(outcome).isEqualTo(new ApplyOutcome.Applied(List.of("1", "1.2", "2", "9", "10")));
        assertThat(query("SELECT version FROM steps ORDER BY id")).containsExactly("1", "1.2", "2", "9", "10");
    }

    @Test
    void two_files_of_one_version_are_refused() throws Exception {
        file("V1__a.sql", "SELECT 1;");
        file("V1.0__b.sql", "SELECT 1;");

        assertThatThrownBy(this::files).isInstanceOf(MigrationException.class)
                .hasMessageContaining("two files of version");
    }

    @Test
    void the_history_table_takes_its_configured_name_with_every_column() throws Exception {
        execute("CREATE SCHEMA ops");
        file("V1__orders.sql", "CREATE TABLE orders (id int);");
        MigrationRunner runner = new MigrationRunner(DatabaseUrl.parse(url), "ops.history", Duration.ofMillis(100), 0,
                retry -> { }, Duration.ZERO, "test@host");

        runner.apply(files());

        assertThat(query("SELECT version || ' ' || name || ' ' || applied_by || ' ' || (execution_ms >= 0) || ' ' || length(checksum)"
                + " || ' ' || (applied_at IS NOT NULL) FROM ops.history")).containsExactly("1 orders test@host true 64 true");
    }

    private MigrationRunner runner() {
        return runner(retry -> { }, Duration.ZERO, 0);
    }

    private MigrationRunner runner(Backoff backoff, Duration lockWait, int maxRetries) {
        return new MigrationRunner(DatabaseUrl.parse(url), "schema_migrations", Duration.ofMillis(100), maxRetries, backoff,
                lockWait, "test@host");
    }

    private List<MigrationFile> files() throws Exception {
        return new MigrationSourceReader.LocalFolder(folder).read();
    }

    private void file(String name, String sql) throws Exception {
        Files.writeString(folder.resolve(name), sql, StandardCharsets.UTF_8);
    }

    private void execute(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private List<String> query(String sql) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            while (r.next()) {
                rows.add(r.getString(1));
            }
        }
        return rows;
    }
}
