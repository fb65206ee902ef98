package dev.forgebus.workers.migrations;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.forgebus.common.config.ConfigLoader;
import dev.forgebus.common.config.ForgebusConfig;
import dev.forgebus.common.config.ModuleId;
import dev.forgebus.common.emit.Notification;
import dev.forgebus.common.event.EventEnvelope;
import dev.forgebus.common.event.Json;
import dev.forgebus.fakeforge.FakeForge;
import dev.forgebus.forge.CallGate;
import dev.forgebus.forge.DefaultForgeClients;
import dev.forgebus.forge.ForgeTransport;
import dev.forgebus.workers.HandlerServices;
import dev.forgebus.workers.MapProgressStore;
import dev.forgebus.workers.ProgressStore;
import dev.forgebus.workers.Result;
import dev.forgebus.workers.WorkItem;
import dev.forgebus.workers.settings.RepoSettingsSource;

/** The handler on scheduler ticks, with its files in a repository of the fake forge and a real PostgreSQL. */
class MigrationsHandlerTest {
    private static FakeForge github;
    private final Map<String, String> progress = new ConcurrentHashMap<>();
    private final List<Notification> emitted = new CopyOnWriteArrayList<>();
    private final List<String> emittedAbout = new CopyOnWriteArrayList<>();
    private String url;

    @BeforeAll
    static void start() {
        github = FakeForge.start(FakeForge.Flavor.GITHUB);
    }

    @AfterAll
    static void stop() {
        github.close();
    }

    @BeforeEach
    void reset() {
        github.reset();
        github.createRepository("MyOrg", "schemas");
        url = SharedTestPostgres.newDatabase();
    }

    @Test
    void a_git_source_is_read_through_the_forge_at_its_ref_and_auto_apply_applies_on_the_tick() throws Exception {
        // Given the migrations at tag v2 (and a newer file on the default branch that must not run)
        github.putFile("MyOrg", "schemas", "v2", "db/orders/V1__orders.sql", "CREATE TABLE orders (id int);");
        github.putFile("MyOrg", "schemas", "v2", "db/orders/V2__note.sql", "ALTER TABLE orders ADD COLUMN note text;");
        github.putFile("MyOrg", "schemas", "v2", "db/orders/README.md", "how to write migrations");
        github.putFile("MyOrg", "schemas", "main", "db/orders/V3__later.sql", "CREATE TABLE later (id int);");

        // When the auto_apply service's tick comes
        Result result = tick(config("auto_apply", "source: { type: git, repo: \"gh:MyOrg/schemas\", ref: v2, path: db/orders }"));

        // Then V1 and V2 of the tag are applied, and nothing else
        assertThat(result).isEqualTo(Result.done("orders: applied 2 migrations: V1, V2"));
        assertThat(query("SELECT version FROM schema_migrations ORDER BY version")).containsExactly("1", "2");
        assertThat(query("SELECT count(*) FROM information_schema.tables WHERE table_name = 'later'")).containsExactly("0");
        assertThat(emitted).isEmpty();
    }

    @Test
    void the_seed_configs_git_source_with_url_subpath_and_token_env_var_reads_with_that_token() throws Exception {
        // Given the migrations at tag v2, readable with the token in SCHEMAS_TOKEN (written the seed's way)
        github.nameToken("schemas-reader-token", "schemas-reader");
        github.putFile("MyOrg", "schemas", "v2", "db/orders/V1__orders.sql", "CREATE TABLE orders (id int);");
        String repoUrl = github.apiUrl().resolve("/MyOrg/schemas.git").toString();
        ForgebusConfig config = config("auto_apply", "source: { type: git, url: \"" + repoUrl
                + "\", ref: v2, subpath: db/orders, token_env_var: SCHEMAS_TOKEN }");

        // When the tick comes
        ServiceMigrations migrations = new ServiceMigrations(name -> switch (name) {
            case "ORDERS_DB_URL" -> Optional.of(url);
            case "SCHEMAS_TOKEN" -> Optional.of("schemas-reader-token");
            default -> Optional.empty();
        }, retry -> { }, Duration.ZERO, "test");
        Result result = new MigrationsHandler(migrations).handle(item(), services(config).contextFor(item().envelope(), Clock.systemUTC()));

        // Then the file is applied, and every read used that token, not the forge's
        assertThat(result).isEqualTo(Result.done("orders: applied 1 migration: V1"));
        assertThat(github.requests()).isNotEmpty().allSatisfy(r ->
                assertThat(r.header("Authorization")).contains("Bearer ***** (schemas-reader)"));
    }

    @Test
    void manual_apply_notifies_a_new_pending_set_once_and_again_when_the_set_changes() throws Exception {
        github.putFile("MyOrg", "schemas", "main", "db/V1__orders.sql", "CREATE TABLE orders (id int);");
        github.putFile("MyOrg", "schemas", "main", "db/V2__customers.sql", "CREATE TABLE customers (id int);");
        ForgebusConfig config = config("manual_apply", "source: { type: git, repo: \"gh:MyOrg/schemas\", path: db }");

        // When the tick comes twice with the same pending set
        Result first = tick(config);
        Result second = tick(config);

        // Then one migrations_pending notification, and nothing applied
        assertThat(first).isEqualTo(Result.done("orders: 2 pending (V1, V2), notified"));
        assertThat(second).isEqualTo(Result.done("orders: 2 pending (V1, V2), already notified"));
        assertThat(emitted).singleElement().satisfies(n -> {
            assertThat(n.kind()).isEqualTo("migrations_pending");
            assertThat(n.title()).isEqualTo("Migrations pending for orders: 2");
            assertThat(n.text()).contains("V1__orders.sql\nV2__customers.sql\n").contains("forgebus migrate apply --service orders");
        });
        assertThat(emittedAbout).containsExactly("gh:MyOrg/schemas");
        assertThat(query("SELECT count(*) FROM information_schema.tables WHERE table_name = 'orders'")).containsExactly("0");

        // And a new file makes a new set: told again
        github.putFile("MyOrg", "schemas", "main", "db/V3__invoices.sql", "CREATE TABLE invoices (id int);");
        assertThat(tick(config)).isEqualTo(Result.done("orders: 3 pending (V1, V2, V3), notified"));
        assertThat(emitted).hasSize(2);
    }

    @Test
    void an_unset_database_variable_is_the_outcome_and_never_a_retry() throws Exception {
        github.putFile("MyOrg", "schemas", "main", "db/V1__orders.sql", "CREATE TABLE orders (id int);");
        ForgebusConfig config = config("auto_apply", "source: { type: git, repo: \"gh:MyOrg/schemas\", path: db }");

        Result result = new MigrationsHandler(new ServiceMigrations(name -> Optional.empty(), retry -> { }, Duration.ZERO, "test"))
                .handle(item(), services(config).contextFor(item().envelope(), Clock.systemUTC()));

        assertThat(result).isEqualTo(Result.done("orders: environment variable ORDERS_DB_URL (db_url_env of migrations.orders) is not set"));
    }

    private ForgebusConfig config(String mode, String source) throws Exception {
        return ConfigLoader.parse("""
                forges:
                  gh: { type: github, api_url: "${GH}", token: t }
                migrations:
                  orders: { db_url_env: ORDERS_DB_URL, %s, mode: %s, lock_timeout: 1s }
                """.formatted(source, mode), "forgebus.yml", Map.of("GH", github.apiUrl().toString())::get);
    }

    private Result tick(ForgebusConfig config) throws Exception {
        ServiceMigrations migrations = new ServiceMigrations(
                name -> name.equals("ORDERS_DB_URL") ? Optional.of(url) : Optional.empty(), retry -> { }, Duration.ZERO, "test");
        return new MigrationsHandler(migrations).handle(item(), services(config).contextFor(item().envelope(), Clock.systemUTC()));
    }

    private HandlerServices services(ForgebusConfig config) {
        DefaultForgeClients clients = new DefaultForgeClients(config, CallGate.OPEN,
                ForgeTransport.of(Duration.ofSeconds(2), Duration.ofSeconds(5), Clock.systemUTC()));
        ProgressStore store = new MapProgressStore(progress);
        return new HandlerServices(clients, RepoSettingsSource.mainConfigOnly(config, clients),
                (module, source, forge, owner, repo, notification) -> {
                    emitted.add(notification);
                    emittedAbout.add(forge + ":" + owner + "/" + repo);
                }, module -> store)
                .forModule(ModuleId.MIGRATIONS);
    }

    private static WorkItem item() throws Exception {
        EventEnvelope envelope = new EventEnvelope("scheduler", "scheduler", "manual:migrations:orders@1", "schedule", "", "", "", "",
                java.time.Instant.now(), List.of(), Json.MAPPER.readTree("{\"job\":\"migrations:orders\",\"module\":\"migrations\"}"));
        return WorkItem.first(envelope);
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
