package dev.forgebus.forge;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpHeaders;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** What the gate is told about an answer that failed with a rate limit, so it pauses the credential. */
class RateLimitObservationTest {
    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

    private static HttpHeaders headers(String... pairs) {
        Map<String, List<String>> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put(pairs[i], List.of(pairs[i + 1]));
        }
        return HttpHeaders.of(map, (a, b) -> true);
    }

    private static CallGate.Observation observe(int status, String message, String... headerPairs) {
        HttpHeaders headers = headers(headerPairs);
        Optional<ForgeCallException> failure = ForgeResponses.failure("GET /x", status, headers, message, NOW);
        return ForgeResponses.observation(headers, failure, NOW);
    }

    @Test
    void a_secondary_limit_403_without_retry_after_pauses_the_credential_a_minute() {
        CallGate.Observation o = observe(403, "You have exceeded a secondary rate limit. Please wait a few minutes.",
                "x-ratelimit-remaining", "4000");

        assertThat(o.retryAfter()).isEqualTo(Duration.ofSeconds(60));
        assertThat(o.billed()).isTrue();
    }

    @Test
    void retry_after_is_passed_as_sent() {
        assertThat(observe(403, "You have exceeded a secondary rate limit", "Retry-After", "17").retryAfter())
                .isEqualTo(Duration.ofSeconds(17));
        assertThat(observe(429, "", "Retry-After", "5").retryAfter()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void the_spent_primary_budget_is_left_to_the_reset() {
        CallGate.Observation o = observe(403, "API rate limit exceeded", "x-ratelimit-remaining", "0",
                "x-ratelimit-reset", Long.toString(NOW.getEpochSecond() + 600));

        assertThat(o.retryAfter()).isNull();
        assertThat(o.resetAt()).isEqualTo(NOW.plusSeconds(600));
    }

    @Test
    void other_failures_and_successes_ask_for_no_pause() {
        assertThat(observe(403, "Resource not accessible by integration").retryAfter()).isNull();
        assertThat(observe(500, "").retryAfter()).isNull();
        assertThat(observe(200, "").retryAfter()).isNull();
        assertThat(Arrays.asList(observe(200, "").billed())).containsExactly(true);
    }
}
