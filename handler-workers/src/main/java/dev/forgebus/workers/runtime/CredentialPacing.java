package dev.forgebus.workers.runtime;

import java.time.Duration;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;

/**
 * When a credential's next call may go: its share of the hourly budget, and of the write budget.
 *
 * <ul>
 *   <li><b>Pace.</b> A resilience4j {@link RateLimiter} with one permit per
 *       {@code 3600 s / requests_per_hour}: calls are spread evenly over the hour instead of
 *       spending the budget in a burst. resilience4j counts permits per refresh cycle, so a call
 *       late in one cycle and one early in the next could be closer than a period; the pacing
 *       therefore also keeps consecutive calls of a credential at least one period apart. Together:
 *       any window of length {@code W} sees at most {@code ceil(W / period)} calls.</li>
 *   <li><b>Writes.</b> Where the forge limits content-creating requests apart (GitHub: 80 a minute,
 *       its documented secondary limit), writes also take a slot of a second resilience4j limiter,
 *       paced the same way at {@code 60 s / writes_per_minute} ({@link #nextWriteSlot}).</li>
 *   <li><b>Unbilled calls.</b> An answer the forge did not bill (a {@code 304} to a conditional
 *       GET, free on GitHub) gives its slot back ({@link #refund}) when no later call has reserved
 *       one yet: the next call may go half a period after it instead of a full one (and skips its
 *       resilience4j permit). Billed calls thus stay a full period apart, and polling an unchanged
 *       resource at most doubles the request rate, never floods the forge (GitHub's secondary
 *       limits count every request).</li>
 * </ul>
 *
 * <p>Slots are times of the caller's {@link RateLimitedCallGate.Ticker}: the caller passes
 * {@code now} and waits until the slot itself. resilience4j 2.3's {@code AtomicRateLimiter} reads
 * {@code System.nanoTime()} and offers no clock hook; it only ever moves a slot later, and the
 * spacing kept here, on the caller's time, is what holds calls a period apart.
 */
final class CredentialPacing {
    private final Pace calls;
    /** Null when this credential's writes are not paced apart. */
    private final Pace writes;

    /**
     * @param requestsPerHour the credential's hourly budget, at least 1
     * @param writesPerMinute its write budget, empty where writes are not paced apart
     */
    CredentialPacing(String credentialId, int requestsPerHour, OptionalInt writesPerMinute) {
        if (requestsPerHour < 1) {
            throw new IllegalArgumentException("requests_per_hour of credential " + credentialId
                    + " must be at least 1, got " + requestsPerHour);
        }
        this.calls = new Pace("forge-credential-" + credentialId, TimeUnit.HOURS.toNanos(1) / requestsPerHour);
        if (writesPerMinute.isPresent() && writesPerMinute.getAsInt() < 1) {
            throw new IllegalArgumentException("write budget of credential " + credentialId + " must be at least 1 a minute");
        }
        this.writes = writesPerMinute.isEmpty() ? null
                : new Pace("forge-credential-writes-" + credentialId, TimeUnit.MINUTES.toNanos(1) / writesPerMinute.getAsInt());
    }

    /** The ticker time this call may go: a resilience4j permit, and one period after the last call. */
    long nextSlot(long now) {
        return calls.nextSlot(now);
    }

    /** Whether writes take a slot of their own pace too ({@link #nextWriteSlot}). */
    boolean pacesWrites() {
        return writes != null;
    }

    /** As {@link #nextSlot} on the write pace; only when {@link #pacesWrites()}. */
    long nextWriteSlot(long now) {
        if (writes == null) {
            throw new IllegalStateException("writes are not paced apart for this credential");
        }
        return writes.nextSlot(now);
    }

    /** The call of {@code slot} (from {@link #nextSlot}) was not billed: see {@link Pace#refund}. */
    void refund(long slot) {
        calls.refund(slot);
    }

    /**
     * One resilience4j limiter with one permit per period, plus the spacing that closes its
     * refresh-cycle gap (see the class comment): the ticker time each call may go.
     */
    private static final class Pace {
        final long periodNanos;
        final RateLimiter limiter;
        /** Earliest ticker time of the next call (one period after the last one). */
        long earliestNext;
        /** The latest slot handed out. */
        long lastSlot;
        boolean anyCall;
        /** The latest slot was given back: the next call needs no resilience4j permit. */
        boolean refunded;

        Pace(String name, long periodNanos) {
            this.periodNanos = Math.max(1, periodNanos);
            this.limiter = RateLimiter.of(name, RateLimiterConfig.custom()
                    .limitForPeriod(1)
                    .limitRefreshPeriod(Duration.ofNanos(this.periodNanos))
                    // Waiting is done by the gate (interruptibly, on its ticker); reservations may
                    // reach as far ahead as the callers queued for this credential need.
                    .timeoutDuration(Duration.ofDays(1))
                    .build());
        }

        synchronized long nextSlot(long now) {
            long slot;
            if (refunded) {
                refunded = false;
                slot = now;
            } else {
                long reserved = limiter.reservePermission();
                slot = now + Math.max(0, reserved < 0 ? periodNanos : reserved);
            }
            if (anyCall && slot - earliestNext < 0) {
                slot = earliestNext;
            }
            anyCall = true;
            lastSlot = slot;
            earliestNext = slot + periodNanos;
            return slot;
        }

        /**
         * The call of {@code slot} was not billed: when no later call has a slot yet, the next one
         * may go half a period after it. With later slots reserved nothing is given back: moving
         * them is not possible, and a refund there would let two billed calls come closer than a period.
         */
        synchronized void refund(long slot) {
            if (anyCall && slot == lastSlot && !refunded) {
                earliestNext = slot + periodNanos / 2;
                refunded = true;
            }
        }
    }
}
