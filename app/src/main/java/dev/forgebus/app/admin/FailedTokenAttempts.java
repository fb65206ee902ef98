package dev.forgebus.app.admin;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Counts failed admin token attempts per client address, so that guessing the token costs
 * time: after {@code maxFailures} failures within {@code window} an address is refused (429)
 * for {@code cooldown}, without its token being compared. Successful requests neither count nor
 * reset anything. At most {@code maxAddresses} addresses are tracked, the least recently seen
 * forgotten first, so a flood from many addresses cannot grow memory.
 *
 * <p>The address is the TCP peer, never {@code X-Forwarded-For} (anyone can write that header).
 * Behind a reverse proxy every client shares the proxy's address and one guesser locks them all
 * out for the cooldown: the price of not trusting a spoofable header.
 */
final class FailedTokenAttempts {
    static final int DEFAULT_MAX_FAILURES = 10;
    static final Duration DEFAULT_WINDOW = Duration.ofMinutes(1);
    static final Duration DEFAULT_COOLDOWN = Duration.ofMinutes(5);
    static final int DEFAULT_MAX_ADDRESSES = 10_000;

    private final int maxFailures;
    private final long windowNanos;
    private final long cooldownNanos;
    private final LongSupplier nanoTime;
    /** Key: client address / Value: its failures in the current window, and its block. */
    private final Map<String, Record> byAddress;

    /** One address' state: failures since {@code windowStart}; refused until {@code blockedUntil} when blocked. */
    private static final class Record {
        long windowStart;
        int failures;
        long blockedUntil;
        boolean blocked;
    }

    FailedTokenAttempts(int maxFailures, Duration window, Duration cooldown, int maxAddresses, LongSupplier nanoTime) {
        if (maxFailures < 1 || window.isNegative() || window.isZero() || cooldown.isNegative() || cooldown.isZero() || maxAddresses < 1) {
            throw new IllegalArgumentException("maxFailures and maxAddresses must be at least 1, window and cooldown positive");
        }
        this.maxFailures = maxFailures;
        this.windowNanos = window.toNanos();
        this.cooldownNanos = cooldown.toNanos();
        this.nanoTime = nanoTime;
        this.byAddress = new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Record> eldest) {
                return size() > maxAddresses;
            }
        };
    }

    /** 10 failures a minute, then 5 minutes refused; 10,000 addresses tracked. */
    static FailedTokenAttempts withDefaults() {
        return new FailedTokenAttempts(DEFAULT_MAX_FAILURES, DEFAULT_WINDOW, DEFAULT_COOLDOWN, DEFAULT_MAX_ADDRESSES, System::nanoTime);
    }

    /** How long {@code address} is still refused; empty when it may try. */
    synchronized Optional<Duration> refusedFor(String address) {
        Record r = byAddress.get(address);
        if (r == null || !r.blocked) {
            return Optional.empty();
        }
        long left = r.blockedUntil - nanoTime.getAsLong();
        if (left <= 0) {
            byAddress.remove(address); // the cooldown is over: a fresh start
            return Optional.empty();
        }
        return Optional.of(Duration.ofNanos(left));
    }

    /** Records a failed attempt from {@code address}. */
    synchronized void failed(String address) {
        long now = nanoTime.getAsLong();
        Record r = byAddress.computeIfAbsent(address, a -> new Record());
        if (r.failures == 0 || now - r.windowStart > windowNanos) {
            r.windowStart = now;
            r.failures = 0;
        }
        r.failures++;
        if (r.failures >= maxFailures) {
            r.blocked = true;
            r.blockedUntil = now + cooldownNanos;
        }
    }

    synchronized int trackedAddresses() {
        return byAddress.size();
    }
}
