package dev.forgebus.forge;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpHeaders;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

import org.junit.jupiter.api.Test;

import dev.forgebus.forge.ForgeCallException.Kind;

/** SPEC 7.1's failure taxonomy and budget observations, as pure functions of an answer. */
class ForgeResponsesTest {
    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    private static final String ROUTE = "GET /repos/o/r/issues/1/labels";

    private static HttpHeaders headers(String... namesAndValues) {
        Map<String, List<String>> map = new java.util.HashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            map.put(namesAndValues[i], List.of(namesAndValues[i + 1]));
        }
        return HttpHeaders.of(map, (a, b) -> true);
    }

    private static ForgeCallException failure(int status, HttpHeaders headers, String message) {
        return ForgeResponses.failure(ROUTE, status, headers, message, NOW).orElseThrow();
    }

    @Test
    void a_2xx_is_no_failure() {
        assertThat(ForgeResponses.failure(ROUTE, 200, headers(), "", NOW)).isEmpty();
        assertThat(ForgeResponses.failure(ROUTE, 204, headers(), "", NOW)).isEmpty();
    }

    @Test
    void a_4xx_is_permanent_with_route_status_and_message() {
        ForgeCallException e = failure(404, headers(), "Not Found");

        assertThat(e.kind()).isEqualTo(Kind.PERMANENT);
        assertThat(e.status()).isEqualTo(404);
        assertThat(e.getMessage()).isEqualTo("GET /repos/o/r/issues/1/labels: 404 Not Found");
        assertThat(e.retryAfter()).isEmpty();
    }

    @Test
    void a_redirect_is_permanent_because_it_is_not_followed() {
        assertThat(failure(301, headers("location", "https://elsewhere.example/"), "").kind()).isEqualTo(Kind.PERMANENT);
    }

    @Test
    void a_5xx_is_transient() {
        assertThat(failure(500, headers(), "").kind()).isEqualTo(Kind.TRANSIENT);
        assertThat(failure(503, headers(), "").kind()).isEqualTo(Kind.TRANSIENT);
    }

    @Test
    void a_429_without_retry_after_waits_the_default_minute() {
        ForgeCallException e = failure(429, headers(), "");

        assertThat(e.kind()).isEqualTo(Kind.RATE_LIMITED);
        assertThat(e.retryAfter()).contains(Duration.ofSeconds(60));
    }

    @Test
    void retry_after_reads_seconds_and_http_dates() {
        assertThat(failure(429, headers("retry-after", "42"), "").retryAfter()).contains(Duration.ofSeconds(42));
        assertThat(failure(429, headers("retry-after", "Sun, 01 Mar 2026 12:00:30 GMT"), "").retryAfter())
                .contains(Duration.ofSeconds(30));
        assertThat(failure(429, headers("retry-after", "soon"), "").retryAfter()).contains(Duration.ofSeconds(60));
    }

    @Test
    void a_wait_already_over_still_waits_a_second() {
        assertThat(failure(429, headers("retry-after", "0"), "").retryAfter()).contains(Duration.ofSeconds(1));
        assertThat(failure(403, headers("x-ratelimit-remaining", "0",
                "x-ratelimit-reset", Long.toString(NOW.minusSeconds(5).getEpochSecond())), "").retryAfter())
                .contains(Duration.ofSeconds(1));
    }

    @Test
    void a_403_with_a_spent_budget_waits_until_the_reset() {
        ForgeCallException e = failure(403, headers("x-ratelimit-remaining", "0",
                "x-ratelimit-reset", Long.toString(NOW.plusSeconds(900).getEpochSecond())), "API rate limit exceeded");

        assertThat(e.kind()).isEqualTo(Kind.RATE_LIMITED);
        assertThat(e.retryAfter()).contains(Duration.ofSeconds(900));
    }

    @Test
    void a_403_with_budget_left_and_no_retry_after_is_permanent() {
        ForgeCallException e = failure(403, headers("x-ratelimit-remaining", "4999"), "Must have admin rights");

        assertThat(e.kind()).isEqualTo(Kind.PERMANENT);
    }

    @Test
    void no_answer_is_transient_with_status_zero() {
        ForgeCallException timeout = ForgeResponses.noAnswer(ROUTE, new HttpTimeoutException("request timed out"));
        ForgeCallException refused = ForgeResponses.noAnswer(ROUTE, new ConnectException());
        ForgeCallException reset = ForgeResponses.noAnswer(ROUTE, new IOException("connection reset"));

        assertThat(List.of(timeout, refused, reset)).allSatisfy(e -> {
            assertThat(e.kind()).isEqualTo(Kind.TRANSIENT);
            assertThat(e.status()).isZero();
        });
        assertThat(timeout.getMessage()).isEqualTo(ROUTE + ": timed out (HttpTimeoutException)");
        assertThat(refused.getMessage()).contains("could not connect");
    }

    @Test
    void the_forge_message_is_the_json_message_field_or_the_start_of_the_body() {
        assertThat(ForgeResponses.forgeMessage("{\"message\":\"Not Found\",\"documentation_url\":\"x\"}"))
                .isEqualTo("Not Found");
        assertThat(ForgeResponses.forgeMessage("<html>\n<body>Bad   gateway</body>\n</html>"))
                .isEqualTo("<html> <body>Bad gateway</body> </html>");
        assertThat(ForgeResponses.forgeMessage("x".repeat(500))).hasSize(203).endsWith("...");
        assertThat(ForgeResponses.forgeMessage("")).isEmpty();
        assertThat(ForgeResponses.forgeMessage(null)).isEmpty();
    }

    @Test
    void observations_carry_what_the_answer_reported() {
        CallGate.Observation o = ForgeResponses.observation(headers("x-ratelimit-remaining", "12",
                "x-ratelimit-reset", "1772366400", "retry-after", "3"), NOW);

        assertThat(o.remaining()).isEqualTo(OptionalLong.of(12));
        assertThat(o.resetAt()).isEqualTo(Instant.ofEpochSecond(1772366400));
        assertThat(o.retryAfter()).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void observations_of_an_answer_without_budget_headers_are_empty() {
        CallGate.Observation o = ForgeResponses.observation(headers("x-ratelimit-remaining", "lots"), NOW);

        assertThat(o.remaining()).isEmpty();
        assertThat(o.resetAt()).isNull();
        assertThat(o.retryAfter()).isNull();
    }
}
