package dev.forgebus.workers.runtime;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.forgebus.forge.CallGate.Observation;

/**
 * What the forge said about a credential's budget, as a time before which it gets no calls.
 *
 * <p>{@code Retry-After} stops the credential's calls until then; {@code x-ratelimit-remaining: 0}
 * stops them until {@code x-ratelimit-reset} (plus {@value #RESET_MARGIN_MS} ms for clock skew;
 * {@value #EXHAUSTED_PAUSE_S} s when no reset was sent). Pauses longer than {@link #MAX_PAUSE} are
 * cut to it: a broken header must not stop a credential for a day. A pause never shortens one
 * already in force.
 *
 * <p>Pauses are times of the injected {@link RateLimitedCallGate.Ticker}; {@code x-ratelimit-reset},
 * an epoch second, is read against the injected {@link Clock}.
 */
final class ForgePauses {
    /** The gate's logger: operators filter the gate's lines by its name. */
    private static final Logger LOG = LoggerFactory.getLogger(RateLimitedCallGate.class);

    static final Duration MAX_PAUSE = Duration.ofHours(1);
    static final long RESET_MARGIN_MS = 1000;
    static final long EXHAUSTED_PAUSE_S = 60;

    private final String credentialId;
    private final Clock clock;
    /** No call before this ticker time (what the forge asked for). */
    private final AtomicLong pausedUntil;

    /** Not paused: calls may go from {@code now} on. */
    ForgePauses(String credentialId, Clock clock, long now) {
        this.credentialId = Objects.requireNonNull(credentialId, "credentialId");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.pausedUntil = new AtomicLong(now);
    }

    /** The ticker time before which no call may go (in the past when not paused). */
    long pausedUntil() {
        return pausedUntil.get();
    }

    /** Whether calls must still wait at ticker time {@code now}. */
    boolean pausedAt(long now) {
        return now - pausedUntil.get() < 0;
    }

    /** Pauses as one answer, seen at ticker time {@code now}, asks. */
    void heed(Observation observation, long now) {
        if (observation.retryAfter() != null && !observation.retryAfter().isNegative()) {
            pauseUntil(now, observation.retryAfter(), "Retry-After");
        }
        if (observation.remaining() != null && observation.remaining().isPresent()
                && observation.remaining().getAsLong() <= 0) {
            Duration untilReset = observation.resetAt() == null
                    ? Duration.ofSeconds(EXHAUSTED_PAUSE_S)
                    : Duration.between(clock.instant(), observation.resetAt()).plusMillis(RESET_MARGIN_MS);
            if (!untilReset.isNegative()) {
                pauseUntil(now, untilReset, "x-ratelimit-remaining: 0");
            }
        }
    }

    private void pauseUntil(long now, Duration pause, String why) {
        Duration capped = pause.compareTo(MAX_PAUSE) > 0 ? MAX_PAUSE : pause;
        long until = now + capped.toNanos();
        long before = pausedUntil.getAndAccumulate(until, (a, b) -> b - a > 0 ? b : a);
        if (until - before > 0) {
            LOG.info("credential {}: the forge asked to wait ({}); no calls for {}", credentialId, why, capped);
        }
    }
}
