package dev.forgebus.workers.notifications;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

import dev.forgebus.common.event.Json;

/**
 * How long a receiver asked us to wait: Discord's 429 body {@code {"retry_after": 1.5}} (seconds,
 * fractional), its {@code X-RateLimit-Reset-After} header, and the standard {@code Retry-After}
 * (seconds or an HTTP date; what Slack sends). The longest of those present wins; none gives
 * {@link #DEFAULT_WAIT}; anything is cut to {@link #LONGEST_WAIT}, so a hostile or broken receiver
 * cannot park a channel for a year.
 */
final class RateLimitAnswer {

    static final Duration DEFAULT_WAIT = Duration.ofSeconds(1);
    static final Duration LONGEST_WAIT = Duration.ofHours(1);

    private RateLimitAnswer() {
    }

    static Duration waitOf(ReceiverAnswer answer, Instant now) {
        Duration wait = Duration.ZERO;
        boolean said = false;
        for (Optional<Duration> asked : java.util.List.of(bodyRetryAfter(answer.body()),
                answer.header("x-ratelimit-reset-after").flatMap(RateLimitAnswer::seconds),
                answer.header("retry-after").flatMap(v -> seconds(v).or(() -> httpDate(v, now))))) {
            if (asked.isPresent()) {
                said = true;
                wait = asked.get().compareTo(wait) > 0 ? asked.get() : wait;
            }
        }
        if (!said) {
            return DEFAULT_WAIT;
        }
        return wait.compareTo(LONGEST_WAIT) > 0 ? LONGEST_WAIT : wait;
    }

    /** After a success: Discord's {@code X-RateLimit-Remaining: 0} says the bucket is empty until the reset. */
    static Optional<Duration> bucketEmptyFor(ReceiverAnswer answer) {
        if (!answer.header("x-ratelimit-remaining").map(String::strip).filter("0"::equals).isPresent()) {
            return Optional.empty();
        }
        return answer.header("x-ratelimit-reset-after").flatMap(RateLimitAnswer::seconds)
                .map(d -> d.compareTo(LONGEST_WAIT) > 0 ? LONGEST_WAIT : d);
    }

    private static Optional<Duration> bodyRetryAfter(byte[] body) {
        if (body.length == 0 || body[0] != '{') {
            return Optional.empty();
        }
        try {
            JsonNode node = Json.MAPPER.readTree(body).get("retry_after");
            return node != null && node.isNumber() ? ofSeconds(node.asDouble()) : Optional.empty();
        } catch (java.io.IOException | RuntimeException notJson) {
            return Optional.empty();
        }
    }

    private static Optional<Duration> seconds(String value) {
        try {
            return ofSeconds(Double.parseDouble(value.strip()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static Optional<Duration> ofSeconds(double seconds) {
        if (Double.isNaN(seconds) || seconds < 0) {
            return Optional.empty();
        }
        return Optional.of(seconds > LONGEST_WAIT.toSeconds() ? LONGEST_WAIT : Duration.ofMillis((long) Math.ceil(seconds * 1000)));
    }

    private static Optional<Duration> httpDate(String value, Instant now) {
        try {
            Instant at = ZonedDateTime.parse(value.strip(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            return Optional.of(at.isAfter(now) ? Duration.between(now, at) : Duration.ZERO);
        } catch (java.time.DateTimeException e) {
            return Optional.empty();
        }
    }
}
