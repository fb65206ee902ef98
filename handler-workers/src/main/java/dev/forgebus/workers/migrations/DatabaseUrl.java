package dev.forgebus.workers.migrations;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * A service's database as its {@code db_url_env} variable gives it: a libpq URI
 * ({@code postgresql://user:pass@host:5432/db?sslmode=require}, percent-encoded, as ops-engine
 * users have it) or a JDBC URL ({@code jdbc:postgresql://host/db?user=u&password=p}). The user and
 * password are taken out of the URL into the connection properties, so {@link #display()} (the
 * only form that reaches logs, outcomes and errors) never holds the password, and
 * {@link #scrub(String)} blanks it from any driver message that might quote it.
 */
public final class DatabaseUrl {

    private final String jdbcUrl;
    private final Optional<String> user;
    private final Optional<String> password;

    private DatabaseUrl(String jdbcUrl, Optional<String> user, Optional<String> password) {
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.password = password.filter(p -> !p.isEmpty());
    }

    /** Reads the variable's value; the message of a refusal never quotes it. */
    public static DatabaseUrl parse(String value) {
        String url = value.strip();
        if (url.startsWith("postgresql://") || url.startsWith("postgres://")) {
            return libpq(url.substring(url.indexOf("://") + 3));
        }
        if (url.startsWith("jdbc:postgresql:")) {
            return jdbc(url);
        }
        throw new IllegalArgumentException("expected a postgresql:// URI or a jdbc:postgresql: URL");
    }

    private static DatabaseUrl libpq(String rest) {
        int slash = indexOrEnd(rest, '/');
        int query = indexOrEnd(rest, '?');
        int authorityEnd = Math.min(slash, query);
        String authority = rest.substring(0, authorityEnd);
        String tail = rest.substring(authorityEnd);
        Optional<String> user = Optional.empty();
        Optional<String> password = Optional.empty();
        int at = authority.lastIndexOf('@');
        if (at >= 0) {
            String userInfo = authority.substring(0, at);
            authority = authority.substring(at + 1);
            int colon = userInfo.indexOf(':');
            user = Optional.of(decode(colon < 0 ? userInfo : userInfo.substring(0, colon))).filter(u -> !u.isEmpty());
            password = colon < 0 ? Optional.empty() : Optional.of(decode(userInfo.substring(colon + 1)));
        }
        if (authority.isEmpty()) {
            authority = "localhost";
        }
        int q = tail.indexOf('?');
        String path = q < 0 ? tail : tail.substring(0, q);
        List<String> kept = new ArrayList<>();
        if (q >= 0) {
            for (String pair : tail.substring(q + 1).split("&")) {
                String key = decode(pair.contains("=") ? pair.substring(0, pair.indexOf('=')) : pair);
                String val = pair.contains("=") ? decode(pair.substring(pair.indexOf('=') + 1)) : "";
                switch (key) {
                    case "" -> { }
                    case "user" -> user = Optional.of(val);
                    case "password" -> password = Optional.of(val);
                    default -> kept.add(pair);
                }
            }
        }
        String database = path.isEmpty() ? "/" : "/" + decode(path.substring(1));
        return new DatabaseUrl("jdbc:postgresql://" + authority + database + (kept.isEmpty() ? "" : "?" + String.join("&", kept)),
                user, password);
    }

    private static DatabaseUrl jdbc(String url) {
        int q = url.indexOf('?');
        if (q < 0) {
            return new DatabaseUrl(url, Optional.empty(), Optional.empty());
        }
        Optional<String> user = Optional.empty();
        Optional<String> password = Optional.empty();
        List<String> kept = new ArrayList<>();
        for (String pair : url.substring(q + 1).split("&")) {
            String key = pair.contains("=") ? pair.substring(0, pair.indexOf('=')) : pair;
            String val = pair.contains("=") ? decode(pair.substring(pair.indexOf('=') + 1)) : "";
            switch (key) {
                case "" -> { }
                case "user" -> user = Optional.of(val);
                case "password" -> password = Optional.of(val);
                default -> kept.add(pair);
            }
        }
        return new DatabaseUrl(url.substring(0, q) + (kept.isEmpty() ? "" : "?" + String.join("&", kept)), user, password);
    }

    /** A new connection through the PostgreSQL driver itself (not DriverManager, whose errors quote the URL). */
    public Connection connect() throws SQLException {
        Properties properties = new Properties();
        user.ifPresent(u -> properties.setProperty("user", u));
        password.ifPresent(p -> properties.setProperty("password", p));
        properties.setProperty("ApplicationName", "forgebus-migrations");
        try {
            Connection connection = new org.postgresql.Driver().connect(jdbcUrl, properties);
            if (connection == null) {
                throw new SQLException("not a PostgreSQL URL: " + display());
            }
            return connection;
        } catch (SQLException e) {
            throw new SQLException(scrub(e.getMessage()), e.getSQLState());
        }
    }

    /** The URL without its password, for messages. */
    public String display() {
        return jdbcUrl + user.map(u -> " (user " + u + ")").orElse("");
    }

    /** {@code text} with the password replaced by {@code *****}. */
    public String scrub(String text) {
        if (text == null) {
            return "";
        }
        return password.map(p -> text.replace(p, "*****")).orElse(text);
    }

    String jdbcUrl() {
        return jdbcUrl;
    }

    Optional<String> user() {
        return user;
    }

    private static int indexOrEnd(String s, char c) {
        int i = s.indexOf(c);
        return i < 0 ? s.length() : i;
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return display();
    }
}
