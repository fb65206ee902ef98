package dev.forgebus.common.config;

import java.time.Duration;
import java.util.Objects;

/**
 * The webhook side of the HTTP server ({@code server:}). It serves only {@code /webhooks/...};
 * health, readiness, metrics and admin live on the {@link ManagementConfig management} listener.
 *
 * @param bind            the address the webhook port listens on; default {@code 0.0.0.0} (every interface)
 * @param port            listening port; 0 picks a free one (tests)
 * @param maxBodyBytes    larger webhook bodies are refused with 413 before they are buffered;
 *                        the default is GitHub's own 25 MiB cap, so no genuine delivery is refused
 * @param requestTimeout  the whole request (headers and body) must have arrived within this time,
 *                        else it is answered 408 and the connection closed; default 10 s, GitHub's
 *                        own delivery deadline, so a genuine sender never waits longer than this anyway
 * @param minDataRate     bytes per second a body must keep up on average from {@link #MIN_DATA_RATE_GRACE}
 *                        on, else it is cut off early (408); default 1 KiB/s; 0 turns the check off
 * @param maxInFlight     deliveries handled at once (body received, waiting for Kafka); one more is
 *                        answered 503 {@code overloaded} at once; default 200, under the 250 threads
 *                        of the webhook listener, so a flood can never take every thread
 */
public record ServerConfig(String bind, int port, long maxBodyBytes, Duration requestTimeout, long minDataRate, int maxInFlight) {

    public static final String DEFAULT_BIND = "0.0.0.0";
    public static final int DEFAULT_PORT = 8080;
    public static final long DEFAULT_MAX_BODY_BYTES = 26_214_400L;
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);
    public static final long DEFAULT_MIN_DATA_RATE = 1024;
    public static final int DEFAULT_MAX_IN_FLIGHT = 200;
    /** The minimum data rate is not applied during the first seconds of a request (slow start, small bodies). */
    public static final Duration MIN_DATA_RATE_GRACE = Duration.ofSeconds(2);

    public ServerConfig {
        Objects.requireNonNull(bind, "bind");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("requestTimeout must be positive");
        }
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("maxInFlight must be at least 1");
        }
    }

    public static ServerConfig defaults() {
        return new ServerConfig(DEFAULT_BIND, DEFAULT_PORT, DEFAULT_MAX_BODY_BYTES, DEFAULT_REQUEST_TIMEOUT,
                DEFAULT_MIN_DATA_RATE, DEFAULT_MAX_IN_FLIGHT);
    }

    /** A copy on another port (tests, benchmarks). */
    public ServerConfig withPort(int newPort) {
        return new ServerConfig(bind, newPort, maxBodyBytes, requestTimeout, minDataRate, maxInFlight);
    }
}
