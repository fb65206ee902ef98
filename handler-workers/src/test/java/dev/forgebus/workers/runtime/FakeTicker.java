package dev.forgebus.workers.runtime;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Time that moves only when someone waits: {@link #sleepUntil} jumps to the deadline at once. The
 * {@link #clock()} view shows the same time as wall-clock instants.
 */
final class FakeTicker implements RateLimitedCallGate.Ticker {
    private final Instant epoch;
    private final AtomicLong nanos = new AtomicLong();

    FakeTicker(Instant epoch) {
        this.epoch = epoch;
    }

    @Override
    public long nanoTime() {
        return nanos.get();
    }

    @Override
    public void sleepUntil(long deadline) {
        nanos.accumulateAndGet(deadline, Math::max);
    }

    Instant now() {
        return epoch.plusNanos(nanos.get());
    }

    Clock clock() {
        return new Clock() {
            @Override
            public Instant instant() {
                return now();
            }

            @Override
            public ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                return this;
            }
        };
    }
}
