package dev.forgebus.workers.migrations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

class DatabaseUrlTest {
    private static final String PASSWORD = "s3cr:t@pw/x";
    private static final String ENCODED = "s3cr%3At%40pw%2Fx";

    @Test
    void a_libpq_uri_becomes_a_jdbc_url_with_user_and_percent_decoded_password_taken_out() {
        DatabaseUrl url = DatabaseUrl.parse("postgresql://app%40ops:" + ENCODED + "@db.internal:6432/orders%20db?sslmode=require");

        assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://db.internal:6432/orders db?sslmode=require");
        assertThat(url.user()).contains("app@ops");
        assertThat(url.display()).doesNotContain(PASSWORD).doesNotContain(ENCODED);
        assertThat(url.scrub("auth failed for " + PASSWORD)).isEqualTo("auth failed for *****");
    }

    @Test
    void a_jdbc_url_keeps_its_parameters_but_its_password() {
        DatabaseUrl url = DatabaseUrl.parse("jdbc:postgresql://db:5432/orders?user=app&password=" + ENCODED + "&sslmode=require");

        assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://db:5432/orders?sslmode=require");
        assertThat(url.user()).contains("app");
        assertThat(url.toString()).doesNotContain(PASSWORD);
    }

    @Test
    void anything_else_is_refused_without_quoting_the_value() {
        assertThatThrownBy(() -> DatabaseUrl.parse("mysql://u:" + PASSWORD + "@h/db"))
                .hasMessage("expected a postgresql:// URI or a jdbc:postgresql: URL");
    }

    @Test
    void both_forms_reach_the_real_database() throws Exception {
        String jdbc = SharedTestPostgres.newDatabase();
        String libpq = jdbc.replace("jdbc:postgresql://localhost:", "postgresql://postgres:" + ENCODED + "@localhost:")
                .replace("?user=postgres", "?sslmode=disable");
        for (String value : List.of(jdbc, libpq)) {
            try (Connection c = DatabaseUrl.parse(value).connect(); ResultSet r = c.createStatement().executeQuery("SELECT current_user")) {
                r.next();
                assertThat(r.getString(1)).isEqualTo("postgres");
            }
        }
    }

    @Test
    void no_log_line_of_an_apply_with_a_failing_file_holds_the_password(@org.junit.jupiter.api.io.TempDir java.nio.file.Path folder)
            throws Exception {
        // Given every log event captured, and a URL with a password (the test server trusts it anyway)
        ch.qos.logback.classic.Logger root = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(
                org.slf4j.Logger.ROOT_LOGGER_NAME);
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logs = new ch.qos.logback.core.read.ListAppender<>();
        logs.start();
        root.addAppender(logs);
        String value = SharedTestPostgres.newDatabase().replace("jdbc:postgresql://", "postgresql://postgres:" + ENCODED + "@")
                .replace("?user=postgres", "");
        java.nio.file.Files.writeString(folder.resolve("V1__ok.sql"), "CREATE TABLE t (id int);");
        java.nio.file.Files.writeString(folder.resolve("V2__bad.sql"), "SELECT '" + PASSWORD + "' FROM missing_table;");
        try {
            // When it applies
            ApplyOutcome outcome = new MigrationRunner(DatabaseUrl.parse(value), "schema_migrations", Duration.ofSeconds(1), 0,
                    retry -> { }, Duration.ZERO, "test").apply(new MigrationSourceReader.LocalFolder(folder).read());

            // Then the failure is told, and neither it nor any log line quotes the password
            assertThat(outcome.message()).startsWith("failed V2__bad.sql").doesNotContain(PASSWORD);
            assertThat(logs.list).isNotEmpty().allSatisfy(e -> assertThat(e.getFormattedMessage()).doesNotContain(PASSWORD)
                    .doesNotContain(ENCODED));
        } finally {
            root.detachAppender(logs);
        }
    }

    @Test
    void a_database_that_cannot_be_reached_fails_without_the_password_in_the_error() {
        // A closed port: the driver's error, and ours around it, must not quote the password
        MigrationRunner runner = new MigrationRunner(DatabaseUrl.parse("postgresql://app:" + ENCODED + "@127.0.0.1:1/orders?connectTimeout=2"),
                "schema_migrations", Duration.ofSeconds(1), 0, retry -> { }, Duration.ZERO, "test");

        assertThatThrownBy(() -> runner.apply(List.of())).isInstanceOf(MigrationException.class)
                .hasMessageStartingWith("apply on jdbc:postgresql://127.0.0.1:1/orders?connectTimeout=2 (user app) failed: ")
                .message().doesNotContain(PASSWORD).doesNotContain(ENCODED);
    }
}
