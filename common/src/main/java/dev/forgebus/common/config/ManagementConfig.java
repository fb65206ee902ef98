package dev.forgebus.common.config;

import java.util.Objects;

/**
 * Where {@code /health}, {@code /ready}, {@code /metrics} and {@code /admin} listen
 * ({@code management:}). By default on {@code 127.0.0.1:9090}, apart from the webhook port, so a
 * config without this block never exposes metrics or admin to whoever can send webhooks.
 * {@code same_port: true} serves them on the webhook port instead: convenient for a local
 * {@code forgebus run} (the example config does it), not for a gateway facing the internet.
 *
 * @param samePort serve the management routes on the webhook listener; {@code bind}/{@code port} are then unused
 * @param bind     address of the management listener; default {@code 127.0.0.1}
 * @param port     port of the management listener; default 9090; 0 picks a free one (tests)
 */
public record ManagementConfig(boolean samePort, String bind, int port) {

    public static final String DEFAULT_BIND = "127.0.0.1";
    public static final int DEFAULT_PORT = 9090;

    public ManagementConfig {
        Objects.requireNonNull(bind, "bind");
    }

    public static ManagementConfig defaults() {
        return new ManagementConfig(false, DEFAULT_BIND, DEFAULT_PORT);
    }
}
