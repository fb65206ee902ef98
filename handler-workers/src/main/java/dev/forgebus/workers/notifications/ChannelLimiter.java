package dev.forgebus.workers.notifications;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

import dev.forgebus.common.config.ChannelType;
import dev.forgebus.common.config.Secret;

/**
 * Each channel's own pace, shared by every item of the process: keyed by the channel's webhook URL,
 * so two channels posting to one Slack webhook share its 1 message per second, and a receiver that
 * said "wait" (429, Discord's empty bucket) holds only its own channel.
 *
 * <ul>
 *   <li>Slack: one message per second per webhook (Slack's documented limit for incoming webhooks).
 *   <li>Discord and webhook channels: no pace of their own; they wait when the receiver says so.
 * </ul>
 *
 * <p>A caller asks for a {@link Turn}: {@link Go} after a wait of at most {@code longestWait} (the slot
 * is then taken), or {@link Later} when the channel is held longer than that, so a handler thread
 * never waits for long (the item is retried when the channel is free). Time is a {@code nanoTime}
 * supplier, so tests need no sleep.
 */
final class ChannelLimiter {

    /** Slack incoming webhooks: one message per second. */
    static final Duration SLACK_INTERVAL = Duration.ofSeconds(1);

    sealed interface Turn permits Go, Later {
    }

    /** Send after {@code delay}; the slot is taken. */
    record Go(Duration delay) implements Turn {
    }

    /** The channel is held for {@code retryAfter}; nothing was taken. */
    record Later(Duration retryAfter) implements Turn {
    }

    /** Per webhook URL: when the next message may go (nanoTime). */
    private final Map<Secret, Long> nextAllowed = new HashMap<>();
    private final LongSupplier nanoTime;

    ChannelLimiter(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
    }

    ChannelLimiter() {
        this(System::nanoTime);
    }

    synchronized Turn turn(ChannelType type, Secret url, Duration longestWait) {
        long now = nanoTime.getAsLong();
        long next = nextAllowed.getOrDefault(url, now);
        long wait = Math.max(0, next - now);
        if (wait > longestWait.toNanos()) {
            return new Later(Duration.ofNanos(wait));
        }
        long sendsAt = now + wait;
        long interval = type == ChannelType.SLACK ? SLACK_INTERVAL.toNanos() : 0;
        nextAllowed.put(url, sendsAt + interval);
        if (nextAllowed.size() > 10_000) {
            nextAllowed.values().removeIf(at -> at < now); // bounded: free channels need no entry
        }
        return new Go(Duration.ofNanos(wait));
    }

    /** The receiver asked us to wait {@code wait}: nothing goes to {@code url} before then. */
    synchronized void hold(Secret url, Duration wait) {
        long until = nanoTime.getAsLong() + wait.toNanos();
        nextAllowed.merge(url, until, Math::max);
    }
}
