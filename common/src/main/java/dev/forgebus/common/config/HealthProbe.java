package dev.forgebus.common.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * An HTTP health probe (SPEC 7.11). Only state changes reach the sinks, not every probe.
 *
 * @param name         unique probe name, used in sink output and tick ids
 * @param url          what is probed (GET)
 * @param every        probe interval
 * @param expectStatus the status that means "up"; anything else, or no answer, is "down"
 * @param timeout      how long one probe may take
 * @param sinks        where state changes go
 */
public record HealthProbe(String name, URI url, Duration every, int expectStatus, Duration timeout,
                          List<ProbeSink> sinks) {

    public static final Duration DEFAULT_EVERY = Duration.ofMinutes(1);
    public static final int DEFAULT_EXPECT_STATUS = 200;
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    public HealthProbe {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(every, "every");
        Objects.requireNonNull(timeout, "timeout");
        sinks = List.copyOf(sinks);
    }
}
