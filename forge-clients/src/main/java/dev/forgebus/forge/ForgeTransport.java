package dev.forgebus.forge;

import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * What forge clients share to reach the network: one {@link HttpClient} (its connection pool and
 * selector thread serve every credential), the time limit of one request, and the clock that
 * turns {@code Retry-After} dates and {@code x-ratelimit-reset} into waits (injectable so tests
 * do not depend on the wall clock).
 *
 * @param requestTimeout from sending the request to the end of the answer's headers
 */
public record ForgeTransport(HttpClient client, Duration requestTimeout, Clock clock) implements AutoCloseable {

    /** Default connect timeout: a forge that does not accept a connection in 5 s is down for now. */
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** Default request timeout: generous for label calls, short enough not to stall a partition. */
    public static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    public ForgeTransport {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        Objects.requireNonNull(clock, "clock");
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("requestTimeout must be positive, was " + requestTimeout);
        }
    }

    /** Connect 5 s, request 30 s, system clock. */
    public static ForgeTransport defaults() {
        return of(CONNECT_TIMEOUT, REQUEST_TIMEOUT, Clock.systemUTC());
    }

    public static ForgeTransport of(Duration connectTimeout, Duration requestTimeout, Clock clock) {
        HttpClient client = HttpClient.newBuilder()
                .connectTimeout(connectTimeout)
                // HTTP/1.1: predictable with every forge, proxy and test server (no h2c upgrade
                // dance); each credential is paced to a few calls per second anyway.
                .version(HttpClient.Version.HTTP_1_1)
                // Never follow redirects: a redirect to another host would carry the token there.
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        return new ForgeTransport(client, requestTimeout, clock);
    }

    @Override
    public void close() {
        client.close();
    }
}
