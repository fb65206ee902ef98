package dev.forgebus.workers.notifications;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;

class RateLimitAnswerTest {

    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    private static ReceiverAnswer answer(Map<String, String> headers, String body) {
        return new ReceiverAnswer(429, headers, body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void discord_retry_after_in_the_json_body_is_fractional_seconds() {
        assertThat(RateLimitAnswer.waitOf(answer(Map.of(), "{\"message\":\"You are being rate limited.\",\"retry_after\":0.25,\"global\":false}"), NOW))
                .isEqualTo(Duration.ofMillis(250));
    }

    @Test
    void the_longest_of_body_and_headers_wins() {
        assertThat(RateLimitAnswer.waitOf(answer(Map.of("retry-after", "2", "x-ratelimit-reset-after", "1.5"),
                "{\"retry_after\":0.5}"), NOW)).isEqualTo(Duration.ofSeconds(2));
        assertThat(RateLimitAnswer.waitOf(answer(Map.of("retry-after", "Thu, 01 Jan 2026 00:00:07 GMT"), ""), NOW))
                .isEqualTo(Duration.ofSeconds(7));
    }

    @Test
    void no_wait_given_is_one_second_and_a_huge_or_broken_one_is_bounded() {
        assertThat(RateLimitAnswer.waitOf(answer(Map.of(), "slow down"), NOW)).isEqualTo(RateLimitAnswer.DEFAULT_WAIT);
        assertThat(RateLimitAnswer.waitOf(answer(Map.of("retry-after", "99999999999"), "{\"retry_after\":1e300}"), NOW))
                .isEqualTo(RateLimitAnswer.LONGEST_WAIT);
        assertThat(RateLimitAnswer.waitOf(answer(Map.of("retry-after", "-5"), "{\"retry_after\":\"NaN\"}"), NOW))
                .isEqualTo(RateLimitAnswer.DEFAULT_WAIT);
    }

    @Test
    void an_empty_discord_bucket_after_a_success_holds_the_channel_until_its_reset() {
        ReceiverAnswer ok = new ReceiverAnswer(204, Map.of("x-ratelimit-remaining", "0", "x-ratelimit-reset-after", "0.8"), new byte[0]);

        assertThat(RateLimitAnswer.bucketEmptyFor(ok)).contains(Duration.ofMillis(800));
        assertThat(RateLimitAnswer.bucketEmptyFor(new ReceiverAnswer(204, Map.of("x-ratelimit-remaining", "3"), new byte[0]))).isEmpty();
    }
}
