package dev.forgebus.common.config;

/**
 * The HTTP side of the gateway.
 *
 * @param port         listening port; 0 picks a free one (tests)
 * @param maxBodyBytes larger webhook bodies are refused with 413 before they are buffered;
 *                     the default is GitHub's own 25 MiB cap, so no genuine delivery is refused
 */
public record ServerConfig(int port, long maxBodyBytes) {

    public static final int DEFAULT_PORT = 8080;
    public static final long DEFAULT_MAX_BODY_BYTES = 26_214_400L;

    public static ServerConfig defaults() {
        return new ServerConfig(DEFAULT_PORT, DEFAULT_MAX_BODY_BYTES);
    }
}
