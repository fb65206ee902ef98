package dev.forgebus.forge;

import java.io.IOException;
import java.net.http.HttpHeaders;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;

import com.fasterxml.jackson.databind.JsonNode;

import dev.forgebus.common.event.Json;

/**
 * How a forge's answer is read (SPEC 7.1): the budget it reports, and whether it failed and how.
 * Pure functions of status, headers, body and "now", so every rule is unit-tested without a server.
 */
final class ForgeResponses {

    /** The wait when a forge says "slow down" without saying for how long (GitHub's advice for secondary limits). */
    static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(60);
    /** Never ask the runtime to retry at once: a reset already past still needs the forge to catch up. */
    static final Duration MINIMUM_WAIT = Duration.ofSeconds(1);
    /** The longest piece of a non-JSON error body put in a message. */
    private static final int MAX_MESSAGE_CHARS = 200;

    static final CallGate.Observation NOTHING_OBSERVED = new CallGate.Observation(OptionalLong.empty(), null, null);

    private ForgeResponses() {
    }

    /** The budget headers of one answer; absent or unreadable headers stay empty. */
    static CallGate.Observation observation(HttpHeaders headers, Instant now) {
        return new CallGate.Observation(remaining(headers), resetAt(headers).orElse(null),
                retryAfter(headers, now).orElse(null));
    }

    /**
     * The budget headers of an answer that failed with {@code failure}: when it is a rate limit
     * without {@code Retry-After} and not the spent primary budget (which the reset already
     * covers), the pause it implies (GitHub's secondary limits: at least a minute) goes in
     * {@code retryAfter}, so the gate stops that credential's calls, not only the failed one.
     */
    static CallGate.Observation observation(HttpHeaders headers, Optional<ForgeCallException> failure, Instant now) {
        CallGate.Observation seen = observation(headers, now);
        if (failure.isEmpty() || failure.get().kind() != ForgeCallException.Kind.RATE_LIMITED
                || seen.retryAfter() != null || seen.remaining().orElse(-1) == 0) {
            return seen;
        }
        return new CallGate.Observation(seen.remaining(), seen.resetAt(),
                failure.get().retryAfter().orElse(DEFAULT_RETRY_AFTER));
    }

    /**
     * The failure an answer means, or empty for a 2xx.
     *
     * @param route        {@code METHOD /path}, used as the message's prefix
     * @param forgeMessage the forge's own explanation (see {@link #forgeMessage}), already free of secrets
     */
    static Optional<ForgeCallException> failure(String route, int status, HttpHeaders headers, String forgeMessage,
                                                Instant now) {
        if (status >= 200 && status < 300) {
            return Optional.empty();
        }
        String message = route + ": " + status + (forgeMessage.isEmpty() ? "" : " " + forgeMessage);
        if (status == 429) {
            return Optional.of(ForgeCallException.rateLimited(status, message, waitFor(headers, now)));
        }
        if (status == 403 && isRateLimit(headers, forgeMessage)) {
            return Optional.of(ForgeCallException.rateLimited(status, message, waitFor(headers, now)));
        }
        if (status >= 500) {
            return Optional.of(ForgeCallException.transientFailure(status, message));
        }
        // Other 4xx, and 1xx/3xx (redirects are not followed: they would carry the token elsewhere).
        return Optional.of(ForgeCallException.permanent(status, message));
    }

    /** A call that got no answer: connection refused or reset, timeout, TLS failure. Always transient. */
    static ForgeCallException noAnswer(String route, IOException cause) {
        String what = cause instanceof java.net.http.HttpTimeoutException ? "timed out"
                : cause instanceof java.net.ConnectException ? "could not connect"
                : "no answer";
        return ForgeCallException.transientFailure(0, route + ": " + what + " (" + cause.getClass().getSimpleName() + ")");
    }

    /**
     * The explanation in an error body: the {@code message} field both GitHub and Forgejo/Gitea
     * use, else the start of the body (a proxy's HTML page, say), on one line.
     */
    static String forgeMessage(String body) {
        if (body == null || body.isBlank()) {
            return "";
        }
        try {
            JsonNode json = Json.MAPPER.readTree(body);
            if (json != null && json.path("message").isTextual()) {
                return oneLine(json.path("message").asText());
            }
        } catch (IOException notJson) {
            // fall through to the raw body
        }
        return oneLine(body);
    }

    private static String oneLine(String text) {
        String flat = text.replaceAll("\\s+", " ").strip();
        return flat.length() <= MAX_MESSAGE_CHARS ? flat : flat.substring(0, MAX_MESSAGE_CHARS) + "...";
    }

    /**
     * GitHub answers an exhausted budget with 403 (primary: {@code x-ratelimit-remaining: 0};
     * secondary: {@code Retry-After}, or only the message saying so).
     */
    private static boolean isRateLimit(HttpHeaders headers, String forgeMessage) {
        return headers.firstValue("retry-after").isPresent()
                || remaining(headers).orElse(-1) == 0
                || forgeMessage.toLowerCase(Locale.ROOT).contains("rate limit");
    }

    /** {@code Retry-After} first, then the budget's reset when it is spent, else the default. */
    private static Duration waitFor(HttpHeaders headers, Instant now) {
        Optional<Duration> retryAfter = retryAfter(headers, now);
        if (retryAfter.isPresent()) {
            return atLeastMinimum(retryAfter.get());
        }
        Optional<Instant> reset = resetAt(headers);
        if (remaining(headers).orElse(-1) == 0 && reset.isPresent()) {
            return atLeastMinimum(Duration.between(now, reset.get()));
        }
        return DEFAULT_RETRY_AFTER;
    }

    private static Duration atLeastMinimum(Duration wait) {
        return wait.compareTo(MINIMUM_WAIT) < 0 ? MINIMUM_WAIT : wait;
    }

    private static OptionalLong remaining(HttpHeaders headers) {
        return headers.firstValue("x-ratelimit-remaining").map(ForgeResponses::parseLong)
                .orElse(OptionalLong.empty());
    }

    private static Optional<Instant> resetAt(HttpHeaders headers) {
        OptionalLong epochSeconds = headers.firstValue("x-ratelimit-reset").map(ForgeResponses::parseLong)
                .orElse(OptionalLong.empty());
        return epochSeconds.isPresent() ? Optional.of(Instant.ofEpochSecond(epochSeconds.getAsLong())) : Optional.empty();
    }

    /** {@code Retry-After} as delta-seconds or as an HTTP date (RFC 9110 10.2.3); a date in the past is zero. */
    static Optional<Duration> retryAfter(HttpHeaders headers, Instant now) {
        Optional<String> value = headers.firstValue("retry-after").map(String::strip);
        if (value.isEmpty() || value.get().isEmpty()) {
            return Optional.empty();
        }
        OptionalLong seconds = parseLong(value.get());
        if (seconds.isPresent()) {
            return Optional.of(Duration.ofSeconds(Math.max(0, seconds.getAsLong())));
        }
        try {
            Instant at = ZonedDateTime.parse(value.get(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            Duration wait = Duration.between(now, at);
            return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
        } catch (DateTimeParseException unreadable) {
            return Optional.empty();
        }
    }

    private static OptionalLong parseLong(String text) {
        try {
            return OptionalLong.of(Long.parseLong(text.strip()));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }
}
