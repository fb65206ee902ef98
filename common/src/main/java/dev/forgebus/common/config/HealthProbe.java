package dev.forgebus.common.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An HTTP health probe (SPEC 7.11). Only state changes reach the sinks, not every probe.
 *
 * @param name         unique probe name, used in sink output and tick ids
 * @param url          what is probed (GET)
 * @param every        probe interval
 * @param expectStatus the status that means "up"; anything else, or no answer, is "down"
 * @param timeout      how long one probe may take
 * @param sinks        where state changes go
 * @param expectBodyContains text the response body must contain to be "up" (within the bytes read), if set
 * @param failuresBeforeDown consecutive failed probes before the target counts as down, so one blip does not page
 * @param followRedirects which redirects a probe follows ({@code follow_redirects}, default {@code same_host})
 */
public record HealthProbe(String name, URI url, Duration every, int expectStatus, Duration timeout,
                          List<ProbeSink> sinks, Optional<String> expectBodyContains, int failuresBeforeDown,
                          FollowRedirects followRedirects) {

    /**
     * Which redirects a probe follows. The default keeps a compromised or misconfigured target from
     * sending the monitor to another host; another host is followed only when the operator says so.
     */
    public enum FollowRedirects {
        /** Only to the same scheme, host (as written: 127.0.0.1 and localhost differ) and port. */
        SAME_HOST("same_host"),
        /** To any URL, as many hops as allowed. */
        ANY("any"),
        /** Never: a redirect that is not the expected status is a failure. */
        NONE("none");

        private final String id;

        FollowRedirects(String id) {
            this.id = id;
        }

        /** The config value. */
        public String id() {
            return id;
        }
    }

    public static final Duration DEFAULT_EVERY = Duration.ofMinutes(1);
    public static final int DEFAULT_EXPECT_STATUS = 200;
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
    public static final int DEFAULT_FAILURES_BEFORE_DOWN = 2;

    /** A probe checking the status only, down after {@value #DEFAULT_FAILURES_BEFORE_DOWN} failures. */
    public HealthProbe(String name, URI url, Duration every, int expectStatus, Duration timeout, List<ProbeSink> sinks) {
        this(name, url, every, expectStatus, timeout, sinks, Optional.empty(), DEFAULT_FAILURES_BEFORE_DOWN);
    }

    /** A probe following redirects on the same host only. */
    public HealthProbe(String name, URI url, Duration every, int expectStatus, Duration timeout, List<ProbeSink> sinks,
                       Optional<String> expectBodyContains, int failuresBeforeDown) {
        this(name, url, every, expectStatus, timeout, sinks, expectBodyContains, failuresBeforeDown, FollowRedirects.SAME_HOST);
    }

    public HealthProbe {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(every, "every");
        Objects.requireNonNull(timeout, "timeout");
        sinks = List.copyOf(sinks);
        Objects.requireNonNull(expectBodyContains, "expectBodyContains");
        Objects.requireNonNull(followRedirects, "followRedirects");
        if (failuresBeforeDown < 1) {
            throw new IllegalArgumentException("failuresBeforeDown must be at least 1: " + failuresBeforeDown);
        }
    }
}
