package dev.forgebus.workers.runtime;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.Objects;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * At most {@code max_concurrent} calls of a credential at once, each holding a lease {@code L}
 * from {@link #take} until it is given back.
 *
 * <p>A lease is given back once: {@link #release} of a lease no longer held does nothing.
 * {@link #releaseForCurrentThread} gives back the calling thread's lease (or, when it holds none,
 * the oldest one: clients that give back on another thread). A lease whose holder thread died or
 * that is older than the lease timeout is reclaimed with a warning the next time a caller would
 * otherwise wait, so a forgotten release slows a credential down but never blocks it for good.
 * Lease ages are read on the injected {@link RateLimitedCallGate.Ticker}.
 *
 * @param <L> what a caller holds while it calls; compared by identity
 */
final class CallPermits<L> {
    /** The gate's logger: operators filter the gate's lines by its name. */
    private static final Logger LOG = LoggerFactory.getLogger(RateLimitedCallGate.class);
    private static final long RECLAIM_CHECK_MS = 100;

    private final String credentialId;
    private final RateLimitedCallGate.Ticker ticker;
    private final long leaseTimeoutNanos;
    private final Semaphore concurrency;
    /** Leases handed out and not given back, oldest first. */
    private final Deque<Held<L>> held = new ArrayDeque<>();

    private record Held<L>(L lease, Thread holder, long since) {
    }

    CallPermits(String credentialId, int maxConcurrent, RateLimitedCallGate.Ticker ticker, long leaseTimeoutNanos) {
        if (maxConcurrent < 1) {
            throw new IllegalArgumentException("max_concurrent of credential " + credentialId
                    + " must be at least 1, got " + maxConcurrent);
        }
        this.credentialId = Objects.requireNonNull(credentialId, "credentialId");
        this.ticker = Objects.requireNonNull(ticker, "ticker");
        this.leaseTimeoutNanos = leaseTimeoutNanos;
        this.concurrency = new Semaphore(maxConcurrent, true);
    }

    /**
     * Waits for a permit (reclaiming abandoned ones while it waits), then holds it for the calling
     * thread as {@code lease}, from now. Returns whether it waited.
     */
    boolean take(L lease) throws InterruptedException {
        Objects.requireNonNull(lease, "lease");
        boolean waited = false;
        if (!concurrency.tryAcquire()) {
            reclaimAbandoned();
            while (!concurrency.tryAcquire(RECLAIM_CHECK_MS, TimeUnit.MILLISECONDS)) {
                reclaimAbandoned();
            }
            waited = true;
        }
        Held<L> h = new Held<>(lease, Thread.currentThread(), ticker.nanoTime());
        synchronized (held) {
            held.addLast(h);
        }
        return waited;
    }

    /** Gives {@code lease}'s permit back if it is still held. */
    void release(L lease) {
        synchronized (held) {
            for (Iterator<Held<L>> it = held.iterator(); it.hasNext(); ) {
                if (it.next().lease() == lease) {
                    it.remove();
                    concurrency.release();
                    return;
                }
            }
        }
    }

    /** Gives back the calling thread's lease (or the oldest) and returns it; null when none was out. */
    L releaseForCurrentThread() {
        Thread me = Thread.currentThread();
        synchronized (held) {
            Held<L> chosen = null;
            for (Held<L> h : held) {
                if (h.holder() == me) {
                    chosen = h;
                    break;
                }
            }
            if (chosen == null) {
                chosen = held.peekFirst();
            }
            if (chosen == null) {
                return null;
            }
            held.remove(chosen);
            concurrency.release();
            return chosen.lease();
        }
    }

    private void reclaimAbandoned() {
        long now = ticker.nanoTime();
        synchronized (held) {
            for (Iterator<Held<L>> it = held.iterator(); it.hasNext(); ) {
                Held<L> h = it.next();
                boolean dead = !h.holder().isAlive();
                if (dead || now - h.since() > leaseTimeoutNanos) {
                    it.remove();
                    concurrency.release();
                    LOG.warn("credential {}: a forge call's permit was not given back ({}); reclaimed. "
                            + "Every acquire needs an observe.", credentialId, dead ? "its thread ended" : "lease timed out");
                }
            }
        }
    }
}
