package dev.forgebus.workers.runtime;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.forgebus.common.config.ForgeConfig;
import dev.forgebus.common.config.ForgebusConfig;
import dev.forgebus.common.config.RateLimit;
import dev.forgebus.forge.CallGate;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The {@link CallGate} of SPEC 7.1: each forge credential gets its own budget, so one org's
 * busy hour never starves another's.
 *
 * <h2>Per credential</h2>
 * <ul>
 *   <li><b>Pace.</b> A resilience4j {@link RateLimiter} with one permit per
 *       {@code 3600 s / requests_per_hour}: calls are spread evenly over the hour instead of
 *       spending the budget in a burst. resilience4j counts permits per refresh cycle, so a call
 *       late in one cycle and one early in the next could be closer than a period; the gate
 *       therefore also keeps consecutive calls of a credential at least one period apart. Together:
 *       any window of length {@code W} sees at most {@code ceil(W / period)} calls.</li>
 *   <li><b>Writes.</b> Where the forge limits content-creating requests apart (GitHub: 80 a minute,
 *       its documented secondary limit), calls announced as {@link CallKind#WRITE} also take a slot
 *       of a second resilience4j limiter, paced the same way at {@code 60 s / writes_per_minute}.</li>
 *   <li><b>Unbilled calls.</b> An answer the forge did not bill ({@link Observation#billed()} false:
 *       a {@code 304} to a conditional GET, free on GitHub) gives its slot back when no later call
 *       has reserved one yet: the next call may go half a period after it instead of a full one
 *       (and skips its resilience4j permit). Billed calls thus stay a full period apart, and
 *       polling an unchanged resource at most doubles the request rate, never floods the forge
 *       (GitHub's secondary limits count every request). Counted in {@value #UNBILLED}.</li>
 *   <li><b>Concurrency.</b> At most {@code max_concurrent} calls between {@link #acquire} and
 *       {@link #observe}.</li>
 *   <li><b>What the forge says.</b> {@code Retry-After} stops the credential's calls until then;
 *       {@code x-ratelimit-remaining: 0} stops them until {@code x-ratelimit-reset} (plus
 *       {@value #RESET_MARGIN_MS} ms for clock skew; {@value #EXHAUSTED_PAUSE_S} s when no reset was
 *       sent). Pauses longer than {@link #MAX_FORGE_PAUSE} are cut to it: a broken header must not
 *       stop a credential for a day.</li>
 * </ul>
 *
 * <h2>Release of the concurrency permit</h2>
 * {@link CallGate} is fixed, so {@link #observe} is the release hook: <b>a client must call
 * {@code observe} exactly once after every {@code acquire}, also when the call failed before an
 * answer (pass an empty {@link CallGate.Observation})</b>. {@code observe} releases the permit
 * taken by the calling thread (or, when it holds none, the oldest one: clients that observe on
 * another thread). A permit is never released twice, and a permit whose holder thread died or that
 * is older than the lease timeout (default {@link #DEFAULT_LEASE_TIMEOUT}) is reclaimed with a
 * warning the next time a caller would otherwise wait, so a forgotten {@code observe} slows a
 * credential down but never blocks it for good. Code in this module can use {@link #enter}, whose
 * {@link Permit} is {@link AutoCloseable}.
 *
 * <h2>Time</h2>
 * resilience4j 2.3's {@code AtomicRateLimiter} reads {@code System.nanoTime()} and offers no clock
 * hook; everything the gate decides itself (spacing, pauses, leases) reads the injected
 * {@link Ticker}, and {@code x-ratelimit-reset}, an epoch second, is read against the injected
 * {@link Clock}.
 */
public final class RateLimitedCallGate implements CallGate {
    private static final Logger LOG = LoggerFactory.getLogger(RateLimitedCallGate.class);

    public static final Duration DEFAULT_LEASE_TIMEOUT = Duration.ofMinutes(10);
    public static final Duration MAX_FORGE_PAUSE = Duration.ofHours(1);
    static final long RESET_MARGIN_MS = 1000;
    static final long EXHAUSTED_PAUSE_S = 60;
    static final String WAITS = "forgebus.ratelimiter.waits";
    static final String REMAINING = "forgebus.ratelimiter.remaining";
    /** The forge's remaining budget per forge and credential (Prometheus {@code forgebus_forge_budget_remaining}). */
    static final String BUDGET_REMAINING = "forgebus.forge.budget.remaining";
    static final String UNBILLED = "forgebus.ratelimiter.unbilled";
    /** GitHub's documented secondary limit on content-creating requests, per credential. */
    public static final int GITHUB_WRITES_PER_MINUTE = RateLimit.GITHUB_WRITES_PER_MINUTE;
    private static final long RECLAIM_CHECK_MS = 100;

    /** Monotonic time and waiting, injectable so that tests need not sleep. */
    public interface Ticker {
        long nanoTime();

        /** Returns once {@link #nanoTime()} reached {@code deadline} (at once when it already has). */
        void sleepUntil(long deadline) throws InterruptedException;

        Ticker SYSTEM = new Ticker() {
            @Override
            public long nanoTime() {
                return System.nanoTime();
            }

            @Override
            public void sleepUntil(long deadline) throws InterruptedException {
                long left;
                while ((left = deadline - System.nanoTime()) > 0) {
                    TimeUnit.NANOSECONDS.sleep(left);
                }
            }
        };
    }

    private final Function<String, RateLimit> budgets;
    private final Function<String, OptionalInt> writesPerMinute;
    private final MeterRegistry registry;
    private final Clock clock;
    private final Ticker ticker;
    private final long leaseTimeoutNanos;
    private final Map<String, Credential> credentials = new ConcurrentHashMap<>();

    /** A gate on the system clock. */
    public RateLimitedCallGate(Function<String, RateLimit> budgets, MeterRegistry registry) {
        this(budgets, registry, Clock.systemUTC(), Ticker.SYSTEM, DEFAULT_LEASE_TIMEOUT);
    }

    /**
     * @param budgets      the budget of a credential id ({@link #budgetsOf(ForgebusConfig)} reads the config)
     * @param clock        reads {@code x-ratelimit-reset}
     * @param ticker       spacing, pauses and lease ages
     * @param leaseTimeout after this a permit not given back by {@link #observe} is reclaimed
     */
    public RateLimitedCallGate(Function<String, RateLimit> budgets, MeterRegistry registry, Clock clock, Ticker ticker,
                               Duration leaseTimeout) {
        this(budgets, id -> OptionalInt.empty(), registry, clock, ticker, leaseTimeout);
    }

    /**
     * @param writesPerMinute the write budget of a credential id, empty where writes are not paced
     *                        apart ({@link #writePacesOf(ForgebusConfig)} reads the config)
     */
    public RateLimitedCallGate(Function<String, RateLimit> budgets, Function<String, OptionalInt> writesPerMinute,
                               MeterRegistry registry, Clock clock, Ticker ticker, Duration leaseTimeout) {
        this.budgets = Objects.requireNonNull(budgets, "budgets");
        this.writesPerMinute = Objects.requireNonNull(writesPerMinute, "writesPerMinute");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.ticker = Objects.requireNonNull(ticker, "ticker");
        if (leaseTimeout.isNegative() || leaseTimeout.isZero()) {
            throw new IllegalArgumentException("leaseTimeout must be positive, got " + leaseTimeout);
        }
        this.leaseTimeoutNanos = leaseTimeout.toNanos();
    }

    /**
     * Budgets from the config: credential {@code forgeId} or {@code forgeId/Org} (an org's own
     * token or GitHub App installation, {@code forgeId/app:<id>} for the App itself, see
     * {@code ForgeClients.credentialId}) gets the forge's {@code rate_limit}. Each
     * credential has a budget of its own at the forge, so each gets its own limiter.
     */
    public static Function<String, RateLimit> budgetsOf(ForgebusConfig config) {
        return budgetsOf(() -> config);
    }

    /**
     * As above from the config in force when a credential's limiter is first made (a forge added by
     * a reload gets its budget); a limiter, once made, keeps its budget and state until a restart.
     */
    public static Function<String, RateLimit> budgetsOf(Supplier<ForgebusConfig> configs) {
        return credentialId -> {
            ForgebusConfig config = configs.get();
            String forgeId = credentialId.split("/", 2)[0];
            return config.forge(forgeId).map(ForgeConfig::rateLimit).orElseThrow(() ->
                    new IllegalArgumentException("credential '" + credentialId + "' names no configured forge"));
        };
    }

    /**
     * The gate production uses: budgets from the config ({@link #budgetsOf}), GitHub writes paced
     * to {@value #GITHUB_WRITES_PER_MINUTE} a minute ({@link #writePacesOf}), system time.
     */
    public static RateLimitedCallGate forConfig(ForgebusConfig config, MeterRegistry registry) {
        return forConfig(() -> config, registry);
    }

    /** As above, reading the config in force when a credential is first seen. */
    public static RateLimitedCallGate forConfig(Supplier<ForgebusConfig> configs, MeterRegistry registry) {
        return new RateLimitedCallGate(budgetsOf(configs), writePacesOf(configs), registry, Clock.systemUTC(), Ticker.SYSTEM,
                DEFAULT_LEASE_TIMEOUT);
    }

    /**
     * Write budgets from the config ({@code rate_limit.writes_per_minute}): by default credentials
     * of a github forge get GitHub's secondary limit on content-creating requests
     * ({@value #GITHUB_WRITES_PER_MINUTE} a minute); Forgejo and Gitea publish none, so by default
     * their writes share the one budget.
     */
    public static Function<String, OptionalInt> writePacesOf(ForgebusConfig config) {
        return writePacesOf(() -> config);
    }

    /** As above from the config in force when a credential is first seen. */
    public static Function<String, OptionalInt> writePacesOf(Supplier<ForgebusConfig> configs) {
        return credentialId -> configs.get().forge(forgeOf(credentialId))
                .map(forge -> forge.rateLimit().writesPerMinute())
                .filter(perMinute -> perMinute > 0)
                .map(OptionalInt::of)
                .orElse(OptionalInt.empty());
    }

    private static String forgeOf(String credentialId) {
        return credentialId.split("/", 2)[0];
    }

    @Override
    public void acquire(String credentialId) throws InterruptedException {
        enter(credentialId, CallKind.READ);
    }

    @Override
    public void acquire(String credentialId, CallKind kind) throws InterruptedException {
        enter(credentialId, kind);
    }

    /** {@link #enter(String, CallKind)} for a read. */
    public Permit enter(String credentialId) throws InterruptedException {
        return enter(credentialId, CallKind.READ);
    }

    /**
     * Like {@link #acquire}, returning the permit: {@code try (var permit = gate.enter(id, kind)) { ...;
     * permit.observe(observation); }} gives it back even when the call throws.
     */
    public Permit enter(String credentialId, CallKind kind) throws InterruptedException {
        Objects.requireNonNull(kind, "kind");
        Credential credential = credential(credentialId);
        boolean waited = credential.takeSlotOfConcurrency();
        Permit permit = credential.lease();
        try {
            waited |= awaitTurn(credential, kind, permit);
        } catch (InterruptedException | RuntimeException e) {
            permit.close();
            throw e;
        }
        if (waited) {
            credential.waits.increment();
        }
        return permit;
    }

    @Override
    public void observe(String credentialId, Observation observation) {
        Credential credential = credential(credentialId);
        Permit released = credential.releaseForCurrentThread();
        credential.heed(observation, released);
    }

    /** One call's permit: give it back with {@link #observe} or {@link #close}. */
    public final class Permit implements AutoCloseable {
        private final Credential credential;
        private final Thread holder;
        private final long since;
        /** The {@link Ticker} time this call's pace slot was, once it has one. */
        private volatile long slot;
        private volatile boolean slotted;

        private Permit(Credential credential, Thread holder, long since) {
            this.credential = credential;
            this.holder = holder;
            this.since = since;
        }

        /** Gives the permit back and heeds what the answer said about the budget. */
        public void observe(Observation observation) {
            credential.release(this);
            credential.heed(observation, this);
        }

        /** Gives the permit back if {@link #observe} did not. */
        @Override
        public void close() {
            credential.release(this);
        }
    }

    /** Waits out the forge's pause, then the write pace (for a write), then the pace. Returns whether it waited. */
    private boolean awaitTurn(Credential credential, CallKind kind, Permit permit) throws InterruptedException {
        boolean waited = false;
        while (true) {
            long pausedUntil = credential.pausedUntil.get();
            if (ticker.nanoTime() - pausedUntil < 0) {
                waited = true;
                ticker.sleepUntil(pausedUntil);
                continue;
            }
            if (kind == CallKind.WRITE && credential.writes != null) {
                long writeSlot = credential.writes.nextSlot(ticker.nanoTime());
                if (writeSlot - ticker.nanoTime() > 0) {
                    waited = true;
                }
                ticker.sleepUntil(writeSlot);
                if (ticker.nanoTime() - credential.pausedUntil.get() < 0) {
                    continue;
                }
            }
            long slot = credential.pace.nextSlot(ticker.nanoTime());
            permit.slot = slot;
            permit.slotted = true;
            if (slot - ticker.nanoTime() > 0) {
                waited = true;
            }
            ticker.sleepUntil(slot);
            if (ticker.nanoTime() - credential.pausedUntil.get() >= 0) {
                return waited;
            }
            // The forge asked for a pause while we waited for our slot: honour it, then take a new slot.
        }
    }

    private Credential credential(String credentialId) {
        Objects.requireNonNull(credentialId, "credentialId");
        return credentials.computeIfAbsent(credentialId, id -> new Credential(id, budgets.apply(id)));
    }

    /** The state of one credential. */
    private final class Credential {
        final String id;
        final Pace pace;
        /** Null when this credential's writes are not paced apart. */
        final Pace writes;
        final Semaphore concurrency;
        final Counter waits;
        final Counter unbilled;
        /** Permits handed out and not given back, oldest first. */
        final Deque<Permit> permits = new ArrayDeque<>();
        /** No call before this {@link Ticker} time (what the forge asked for). */
        final AtomicLong pausedUntil;
        /** Last {@code x-ratelimit-remaining}; the gauge exists from the first report on. */
        final AtomicLong remaining = new AtomicLong(-1);
        volatile boolean remainingGaugeRegistered;

        Credential(String id, RateLimit budget) {
            Objects.requireNonNull(budget, () -> "no rate limit for credential " + id);
            if (budget.requestsPerHour() < 1 || budget.maxConcurrent() < 1) {
                throw new IllegalArgumentException("rate limit of credential " + id
                        + " needs requests_per_hour and max_concurrent of at least 1, got " + budget);
            }
            this.id = id;
            this.pace = new Pace("forge-credential-" + id, TimeUnit.HOURS.toNanos(1) / budget.requestsPerHour());
            OptionalInt writesPerMinute = RateLimitedCallGate.this.writesPerMinute.apply(id);
            if (writesPerMinute.isPresent() && writesPerMinute.getAsInt() < 1) {
                throw new IllegalArgumentException("write budget of credential " + id + " must be at least 1 a minute");
            }
            this.writes = writesPerMinute.isEmpty() ? null
                    : new Pace("forge-credential-writes-" + id, TimeUnit.MINUTES.toNanos(1) / writesPerMinute.getAsInt());
            this.unbilled = Counter.builder(UNBILLED).tag("credential", id)
                    .description("forge answers the forge did not bill (304 Not Modified); their slot was given back")
                    .register(registry);
            this.concurrency = new Semaphore(budget.maxConcurrent(), true);
            this.waits = Counter.builder(WAITS).tag("credential", id)
                    .description("forge calls that had to wait for their credential's budget").register(registry);
            this.pausedUntil = new AtomicLong(ticker.nanoTime());
        }

        /** Takes a concurrency permit, reclaiming abandoned ones while it waits. Returns whether it waited. */
        boolean takeSlotOfConcurrency() throws InterruptedException {
            if (concurrency.tryAcquire()) {
                return false;
            }
            reclaimAbandoned();
            while (!concurrency.tryAcquire(RECLAIM_CHECK_MS, TimeUnit.MILLISECONDS)) {
                reclaimAbandoned();
            }
            return true;
        }

        Permit lease() {
            Permit permit = new Permit(this, Thread.currentThread(), ticker.nanoTime());
            synchronized (permits) {
                permits.addLast(permit);
            }
            return permit;
        }

        void release(Permit permit) {
            synchronized (permits) {
                if (permits.remove(permit)) {
                    concurrency.release();
                }
            }
        }

        /** Releases the calling thread's permit (or the oldest) and returns it; null when none was out. */
        Permit releaseForCurrentThread() {
            Thread me = Thread.currentThread();
            synchronized (permits) {
                Permit chosen = null;
                for (Permit p : permits) {
                    if (p.holder == me) {
                        chosen = p;
                        break;
                    }
                }
                if (chosen == null) {
                    chosen = permits.peekFirst();
                }
                if (chosen != null) {
                    permits.remove(chosen);
                    concurrency.release();
                }
                return chosen;
            }
        }

        void reclaimAbandoned() {
            long now = ticker.nanoTime();
            synchronized (permits) {
                for (Iterator<Permit> it = permits.iterator(); it.hasNext(); ) {
                    Permit p = it.next();
                    boolean dead = !p.holder.isAlive();
                    if (dead || now - p.since > leaseTimeoutNanos) {
                        it.remove();
                        concurrency.release();
                        LOG.warn("credential {}: a forge call's permit was not given back ({}); reclaimed. "
                                + "Every acquire needs an observe.", id, dead ? "its thread ended" : "lease timed out");
                    }
                }
            }
        }

        /** Applies what one answer said; {@code permit} is the call's, when known. */
        void heed(Observation observation, Permit permit) {
            if (observation == null) {
                return;
            }
            long now = ticker.nanoTime();
            if (!observation.billed()) {
                unbilled.increment();
                if (permit != null && permit.slotted) {
                    pace.refund(permit.slot);
                }
            }
            if (observation.retryAfter() != null && !observation.retryAfter().isNegative()) {
                pauseUntil(now, observation.retryAfter(), "Retry-After");
            }
            if (observation.remaining() != null && observation.remaining().isPresent()) {
                long left = observation.remaining().getAsLong();
                remaining.set(left);
                registerRemainingGauge();
                if (left <= 0) {
                    Duration untilReset = observation.resetAt() == null
                            ? Duration.ofSeconds(EXHAUSTED_PAUSE_S)
                            : Duration.between(clock.instant(), observation.resetAt()).plusMillis(RESET_MARGIN_MS);
                    if (!untilReset.isNegative()) {
                        pauseUntil(now, untilReset, "x-ratelimit-remaining: 0");
                    }
                }
            }
        }

        private void pauseUntil(long now, Duration pause, String why) {
            Duration capped = pause.compareTo(MAX_FORGE_PAUSE) > 0 ? MAX_FORGE_PAUSE : pause;
            long until = now + capped.toNanos();
            long before = pausedUntil.getAndAccumulate(until, (a, b) -> b - a > 0 ? b : a);
            if (until - before > 0) {
                LOG.info("credential {}: the forge asked to wait ({}); no calls for {}", id, why, capped);
            }
        }

        private void registerRemainingGauge() {
            if (!remainingGaugeRegistered) {
                synchronized (this) {
                    if (!remainingGaugeRegistered) {
                        Gauge.builder(REMAINING, remaining, AtomicLong::get).tag("credential", id).strongReference(true)
                                .description("API calls left in the credential's window, as the forge last reported")
                                .register(registry);
                        // Tags are config ids (forge id, credential id), never a token.
                        Gauge.builder(BUDGET_REMAINING, remaining, AtomicLong::get)
                                .tag("forge", forgeOf(id)).tag("credential", id).strongReference(true)
                                .description("x-ratelimit-remaining the forge last reported for this credential")
                                .register(registry);
                        remainingGaugeRegistered = true;
                    }
                }
            }
        }
    }

    /**
     * One resilience4j limiter with one permit per period, plus the spacing that closes its
     * refresh-cycle gap (see the class comment): the ticker time each call may go.
     */
    private static final class Pace {
        final long periodNanos;
        final RateLimiter limiter;
        /** Earliest {@link Ticker} time of the next call (one period after the last one). */
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

        /** The ticker time this call may go: a resilience4j permit, and one period after the last call. */
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
