package dev.forgebus.common.config;

import java.util.Locale;
import java.util.Objects;

/**
 * How log lines are written ({@code logging:}). Applied once at start: changing it needs a restart.
 *
 * @param format {@code plain} (default: one human-readable line, ISO-8601 time with offset) or
 *               {@code json} (one JSON object per line, Logback's own encoder, MDC keys as fields)
 */
public record LoggingConfig(Format format) {

    /** The two line formats. */
    public enum Format {
        PLAIN, JSON;

        /** The spelling in the config file. */
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public LoggingConfig {
        Objects.requireNonNull(format, "format");
    }

    public static LoggingConfig defaults() {
        return new LoggingConfig(Format.PLAIN);
    }
}
