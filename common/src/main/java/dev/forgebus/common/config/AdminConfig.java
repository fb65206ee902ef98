package dev.forgebus.common.config;

import java.util.Objects;
import java.util.Optional;

/**
 * The {@code /admin} routes. They replay dead letters and expose delivery traces, so without a
 * token they are off rather than open.
 *
 * @param token the bearer token; empty (also when configured as "") turns {@code /admin} off
 */
public record AdminConfig(Optional<Secret> token) {

    public AdminConfig {
        Objects.requireNonNull(token, "token");
    }

    public boolean enabled() {
        return token.isPresent();
    }
}
