package dev.forgebus.workers.notifications;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.forgebus.common.config.NotificationChannel;
import dev.forgebus.common.config.Secret;

/**
 * Posts one notification to one channel, within the channel's limiter, and says how it went.
 * A 429 whose wait is short ({@link #LONGEST_INLINE_WAIT}) is waited out and the post tried again,
 * at most {@link #MAX_TRIES} times in all; a longer wait, or more 429s, is a {@link Failed} that is
 * RATE_LIMITED, and the item comes back when the channel is free (the worker's retry). So a 429 storm
 * costs a bounded number of posts per attempt, and attempts are bounded by {@code workers.max_attempts}.
 *
 * <p>No message says where a channel posts: the URL (a credential) and the signing secret are scrubbed
 * from anything the receiver or the network says before it becomes a reason.
 */
final class ChannelDelivery {

    static final Duration LONGEST_INLINE_WAIT = Duration.ofSeconds(5);
    static final int MAX_TRIES = 3;
    private static final int MAX_REASON_CHARS = 200;

    /** How posting to a channel went. */
    sealed interface Outcome permits Delivered, Failed {
    }

    record Delivered(int tries) implements Outcome {
    }

    /**
     * @param kind       what the worker makes of it
     * @param retryAfter for {@link Kind#RATE_LIMITED}: when the channel is free again
     * @param reason     one line, without the channel's URL or secret
     */
    record Failed(Kind kind, Duration retryAfter, String reason) implements Outcome {
    }

    enum Kind { TRANSIENT, RATE_LIMITED, PERMANENT }

    /** Waits, replaceable in tests. */
    interface Sleeper {
        void sleep(Duration d) throws InterruptedException;

        Sleeper REAL = d -> Thread.sleep(d.toMillis(), d.toNanosPart() % 1_000_000);
    }

    private final ChannelPoster poster;
    private final ChannelLimiter limiter;
    private final Sleeper sleeper;
    private final Clock clock;

    ChannelDelivery(ChannelPoster poster, ChannelLimiter limiter, Sleeper sleeper, Clock clock) {
        this.poster = poster;
        this.limiter = limiter;
        this.sleeper = sleeper;
        this.clock = clock;
    }

    Outcome send(NotificationChannel channel, OutgoingNotification outgoing) throws InterruptedException {
        URI url = URI.create(channel.url().reveal());
        for (int attempt = 1; ; attempt++) {
            switch (limiter.turn(channel.type(), channel.url(), LONGEST_INLINE_WAIT)) {
                case ChannelLimiter.Later later -> {
                    return new Failed(Kind.RATE_LIMITED, later.retryAfter(), name(channel) + ": held by its rate limit for "
                            + later.retryAfter().toMillis() + " ms");
                }
                case ChannelLimiter.Go go -> {
                    if (!go.delay().isZero()) {
                        sleeper.sleep(go.delay());
                    }
                }
            }
            ReceiverAnswer answer;
            try {
                Map<String, String> headers = new LinkedHashMap<>();
                byte[] body = body(channel, outgoing, headers);
                answer = poster.post(url, headers, body);
            } catch (IOException | RuntimeException e) {
                return new Failed(Kind.TRANSIENT, Duration.ZERO, name(channel) + ": no answer ("
                        + scrub(channel, e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage())) + ")");
            }
            int status = answer.status();
            if (status >= 200 && status < 300) {
                RateLimitAnswer.bucketEmptyFor(answer).ifPresent(wait -> limiter.hold(channel.url(), wait));
                return new Delivered(attempt);
            }
            if (status == 429) {
                Duration wait = RateLimitAnswer.waitOf(answer, clock.instant());
                limiter.hold(channel.url(), wait);
                if (attempt < MAX_TRIES && wait.compareTo(LONGEST_INLINE_WAIT) <= 0) {
                    continue; // the limiter makes the next turn wait it out
                }
                return new Failed(Kind.RATE_LIMITED, wait, name(channel) + ": 429 rate limited" + said(channel, answer));
            }
            Kind kind = status >= 500 || status == 408 ? Kind.TRANSIENT : Kind.PERMANENT;
            return new Failed(kind, Duration.ZERO, name(channel) + ": HTTP " + status + said(channel, answer));
        }
    }

    /** The body for the channel's type; for a signed webhook channel, its signature headers too. */
    private byte[] body(NotificationChannel channel, OutgoingNotification outgoing, Map<String, String> headers) {
        return switch (channel.type()) {
            case SLACK -> ChannelPayloads.slack(outgoing);
            case DISCORD -> ChannelPayloads.discord(outgoing);
            case WEBHOOK -> {
                java.time.Instant now = clock.instant();
                byte[] body = ChannelPayloads.webhook(outgoing, now);
                String id = messageId(outgoing.id());
                headers.put(WebhookSignature.ID_HEADER, id);
                headers.put(WebhookSignature.TIMESTAMP_HEADER, Long.toString(now.getEpochSecond()));
                channel.secret().ifPresent(secret -> headers.put(WebhookSignature.SIGNATURE_HEADER,
                        WebhookSignature.sign(secret, id, now.getEpochSecond(), body)));
                yield body;
            }
        };
    }

    /** {@code msg_<hex>}: stable for the item across retries and replays, so receivers can drop a repeat. */
    static String messageId(String deliveryId) {
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(deliveryId.getBytes(StandardCharsets.UTF_8));
            return "msg_" + HexFormat.of().formatHex(digest, 0, 16);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    }

    private static String name(NotificationChannel channel) {
        return "channel " + channel.name() + " (" + channel.type().id() + ")";
    }

    /** The start of what the receiver said (Slack answers {@code no_service}), printable, scrubbed. */
    private static String said(NotificationChannel channel, ReceiverAnswer answer) {
        byte[] body = answer.body();
        String text = new String(body, 0, Math.min(body.length, MAX_REASON_CHARS * 2), StandardCharsets.UTF_8)
                .replaceAll("[\\p{Cntrl}\\p{Cf}]", " ").strip();
        if (text.isEmpty()) {
            return "";
        }
        String scrubbed = scrub(channel, text);
        return ": " + (scrubbed.length() > MAX_REASON_CHARS ? scrubbed.substring(0, MAX_REASON_CHARS) + "..." : scrubbed);
    }

    /**
     * {@code text} without the channel's URL, its path and query (a receiver may echo only those: the
     * token of a Slack or Discord webhook is its path) and its signing secret.
     */
    static String scrub(NotificationChannel channel, String text) {
        String result = channel.url().scrubFrom(text);
        URI url;
        try {
            url = URI.create(channel.url().reveal());
        } catch (IllegalArgumentException e) {
            url = null;
        }
        if (url != null) {
            for (String part : new String[] {url.getRawPath(), url.getRawQuery(), url.getPath()}) {
                if (part != null && part.length() > 1) {
                    result = Secret.of(part).scrubFrom(result);
                }
            }
        }
        for (Secret secret : channel.secret().stream().toList()) {
            result = secret.scrubFrom(result);
        }
        return result;
    }
}
