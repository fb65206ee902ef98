package dev.forgebus.app.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.PrintWriter;
import java.io.StringWriter;
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
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import dev.forgebus.app.Main;
import dev.forgebus.app.Modules;
import dev.forgebus.common.config.ModuleId;
import dev.forgebus.common.config.StandardModules;
import dev.forgebus.workers.ModuleRegistration;
import dev.forgebus.workers.migrations.MigrationsHandler;
import dev.forgebus.workers.migrations.ServiceMigrations;
import dev.forgebus.workers.migrations.SharedTestPostgres;

/**
 * Migration runner on {@code run} (issue 13) against a real PostgreSQL: a manual tick
 * ({@code forgebus jobs run migrations:<service>}) applies an auto_apply service's new files, and
 * a manual_apply service's tick notifies its pending set once. The in-JVM process cannot be given
 * environment variables, so the migrations handler is registered with the test's environment
 * ({@code ORDERS_DB_URL}, {@code BILLING_DB_URL}); everything else is the built-in modules.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MigrationsEndToEndTest {
    private static final Duration WITHIN = Duration.ofSeconds(60);

    @TempDir
    static Path dir;
    private RunningForgebus forgebus;
    private Path configFile;
    private String ordersDb;
    private String billingDb;

    @BeforeAll
    void start() throws Exception {
        ordersDb = SharedTestPostgres.newDatabase();
        billingDb = SharedTestPostgres.newDatabase();
        Files.createDirectories(dir.resolve("orders"));
        Files.createDirectories(dir.resolve("billing"));
        Map<String, String> env = Map.of("ORDERS_DB_URL", ordersDb, "BILLING_DB_URL",
                billingDb.replace("jdbc:postgresql://", "postgresql://postgres:pw@").replace("?user=postgres", ""));
        ServiceMigrations migrations = new ServiceMigrations(name -> Optional.ofNullable(env.get(name)), retry -> { },
                Duration.ZERO, "e2e");
        Modules modules = Modules.BUILT_IN.without(ModuleId.MIGRATIONS)
                .with(new ModuleRegistration(StandardModules.MIGRATIONS, () -> new MigrationsHandler(migrations)));
        String services = """
                migrations:
                  orders: { db_url_env: ORDERS_DB_URL, source: { type: local, path: "%s" }, mode: auto_apply, check_interval_seconds: 86400 }
                  billing: { db_url_env: BILLING_DB_URL, source: { type: local, path: "%s" }, mode: manual_apply, check_interval_seconds: 86400 }
                """.formatted(dir.resolve("orders"), dir.resolve("billing"));
        String yaml = RunningForgebus.config("http://127.0.0.1:9", TriageEndToEndTest.freePort(), services);
        configFile = Files.writeString(dir.resolve("forgebus.yml"), yaml);
        forgebus = new RunningForgebus(modules, yaml, dir.resolve("data"));
        // The scheduler fires each job's latest slot at start: with no files yet, the auto_apply
        // service's first apply creates its history table. Wait for it, so the manual tick below
        // is the one that finds the files.
        await().atMost(WITHIN).until(() -> query(ordersDb, "SELECT to_regclass('schema_migrations') IS NOT NULL").equals(List.of("t")));
    }

    @AfterAll
    void stop() throws Exception {
        forgebus.close();
    }

    @Test
    void auto_apply_applies_new_files_on_a_manual_tick() throws Exception {
        // Given two new files of the auto_apply service
        Files.writeString(dir.resolve("orders/V1__orders.sql"), "CREATE TABLE orders (id int);");
        Files.writeString(dir.resolve("orders/V2__note.sql"), "ALTER TABLE orders ADD COLUMN note text;");

        // When an operator fires its job now
        JsonNode outcome = runTick("migrations:orders");

        // Then both are applied, and the item's outcome says so
        assertThat(outcome.toString()).contains("orders: applied 2 migrations: V1, V2");
        assertThat(query(ordersDb, "SELECT version FROM schema_migrations ORDER BY version")).containsExactly("1", "2");
        assertThat(query(ordersDb, "SELECT count(*) FROM information_schema.columns WHERE table_name = 'orders'")).containsExactly("2");
    }

    @Test
    void manual_apply_notifies_a_pending_set_once_and_applies_nothing() throws Exception {
        Files.writeString(dir.resolve("billing/V1__invoices.sql"), "CREATE TABLE invoices (id int);");

        JsonNode first = runTick("migrations:billing");
        JsonNode second = runTick("migrations:billing");

        assertThat(first.toString()).contains("billing: 1 pending (V1), notified");
        assertThat(second.toString()).contains("billing: 1 pending (V1), already notified");
        assertThat(query(billingDb, "SELECT to_regclass('invoices') IS NULL")).containsExactly("t");
    }

    @Test
    void admin_lists_the_services_and_refuses_an_unknown_one_without_a_token_never_showing_a_url() throws Exception {
        // The admin routes of this process read the process's own environment, where the variables are not set
        JsonNode status = forgebus.adminJson("GET", "/admin/migrations", null);
        assertThat(status.path("services").findValuesAsText("service")).containsExactly("orders", "billing");
        assertThat(status.path("services").path(0).path("error").asText())
                .isEqualTo("environment variable ORDERS_DB_URL (db_url_env of migrations.orders) is not set");

        assertThat(forgebus.admin("POST", "/admin/migrations/nope/apply", null, RunningForgebus.ADMIN_TOKEN).statusCode()).isEqualTo(404);
        assertThat(forgebus.admin("POST", "/admin/migrations/orders/apply", null, RunningForgebus.ADMIN_TOKEN).statusCode()).isEqualTo(503);
        assertThat(forgebus.admin("GET", "/admin/migrations", null, null).statusCode()).isEqualTo(401);
        assertThat(forgebus.admin("POST", "/admin/migrations/orders/apply", null, "wrong").statusCode()).isEqualTo(401);
    }

    @Test
    void migrate_on_the_command_line_names_an_unknown_service_in_one_line() {
        StringWriter err = new StringWriter();
        int exit = Main.execute(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true),
                "migrate", "status", "--service", "nope", "--config", configFile.toString());

        assertThat(exit).isEqualTo(1);
        assertThat(err.toString().strip()).isEqualTo("forgebus: no migration service 'nope' (configured: orders, billing)");
    }

    /** {@code forgebus jobs run JOB}, then the migrations module's DONE outcome of that tick. */
    private JsonNode runTick(String job) throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), "jobs", "run", job, "--config",
                configFile.toString());
        assertThat(exit).as(err.toString()).isZero();
        String delivery = out.toString().strip();
        JsonNode[] found = new JsonNode[1];
        await().atMost(WITHIN).untilAsserted(() -> {
            for (JsonNode o : forgebus.adminJson("GET", "/admin/deliveries/" + delivery, null).path("outcomes")) {
                if (o.path("module").asText().equals("migrations")) {
                    found[0] = o;
                }
            }
            assertThat(found[0]).isNotNull();
        });
        assertThat(found[0].path("status").asText()).as(found[0].toString()).isEqualTo("DONE");
        return found[0];
    }

    private static List<String> query(String url, String sql) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            while (r.next()) {
                rows.add(r.getString(1));
            }
        }
        return rows;
    }
}
