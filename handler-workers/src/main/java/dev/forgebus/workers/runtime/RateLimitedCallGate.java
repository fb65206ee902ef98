package dev.forgebus.workers.runtime;

import dev.forgebus.common.metrics.Latencies;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;

import dev.forgebus.common.config.ForgeConfig;
import dev.forgebus.common.config.ForgebusConfig;
import dev.forgebus.common.config.RateLimit;
import dev.forgebus.forge.CallGate;
import dev.forgebus.forge.ForgeCallException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The {@link CallGate} of SPEC 7.1: each forge credential gets its own budget, so one org's
 * busy hour never starves another's. Per credential it composes three parts:
 * <ul>
 *   <li>{@link CallPermits}: at most {@code max_concurrent} calls between {@link #acquire} and
 *       {@link #observe};</li>
 *   <li>{@link ForgePauses}: the pauses the forge asks for ({@code Retry-After},
 *       {@code x-ratelimit-remaining: 0}), cut to {@link #MAX_FORGE_PAUSE};</li>
 *   <li>{@link CredentialPacing}: calls spread evenly over the hour, writes over the minute where
 *       the forge limits them apart ({@link CallKind#WRITE}), and the slot of an answer the forge
 *       did not bill ({@link Observation#billed()} false) given back, counted in {@value #UNBILLED}.</li>
 * </ul>
 * A call first takes its concurrency permit, then waits out the forge's pause, then its write slot
 * (for a write), then its slot of the hourly pace; a pause asked for meanwhile is honoured before
 * the call goes, with a new slot.
 *
 * <h2>Long pauses are not waited out</h2>
 * A call whose credential the forge paused for more than {@link #LONGEST_PAUSE_WAIT} from now is
 * refused at once, before and instead of any forge call, with
 * {@link ForgeCallException#refusedByGate} (RATE_LIMITED, retry after the time left of the pause;
 * counted in {@value #REFUSED}). The worker runtime then parks the item in a retry tier due when the
 * pause ends, and the handler thread and the item's partition go on with other work: a paused
 * credential holds back only its own items, never the other repositories (and credentials) that
 * share its partition. Shorter pauses, and the pacing and concurrency bounds, are waited out here
 * as before: parking costs a write to Kafka and a re-read, more than a second's wait.
 *
 * <h2>Release of the concurrency permit</h2>
 * {@link CallGate} is fixed, so {@link #observe} is the release hook: <b>a client must call
 * {@code observe} exactly once after every {@code acquire}, also when the call failed before an
 * answer (pass an empty {@link CallGate.Observation})</b>. {@code observe} releases the permit
 * taken by the calling thread (or, when it holds none, the oldest one: clients that observe on
 * another thread). A permit is never released twice, and one whose holder thread died or that is
 * older than the lease timeout (default {@link #DEFAULT_LEASE_TIMEOUT}) is reclaimed
 * ({@link CallPermits}). Code in this module can use {@link #enter}, whose {@link Permit} is
 * {@link AutoCloseable}.
 *
 * <h2>Time</h2>
 * Everything the gate decides itself (spacing, pauses, leases) reads the injected {@link Ticker},
 * and {@code x-ratelimit-reset}, an epoch second, is read against the injected {@link Clock}
 * (resilience4j's own limiter reads the system's time: see {@link CredentialPacing}).
 */
public final class RateLimitedCallGate implements CallGate {
    public static final Duration DEFAULT_LEASE_TIMEOUT = Duration.ofMinutes(10);
    /** The longest pause a forge's answer can impose ({@link ForgePauses}). */
    public static final Duration MAX_FORGE_PAUSE = ForgePauses.MAX_PAUSE;
    static final String CALL_LATENCY = "forgebus.forge.call.latency";
    static final String WAITS = "forgebus.ratelimiter.waits";
    static final String REMAINING = "forgebus.ratelimiter.remaining";
    /** The forge's remaining budget per forge and credential (Prometheus {@code forgebus_forge_budget_remaining}). */
    static final String BUDGET_REMAINING = "forgebus.forge.budget.remaining";
    static final String UNBILLED = "forgebus.ratelimiter.unbilled";
    static final String REFUSED = "forgebus.ratelimiter.refused";
    /**
     * The longest forge pause a call waits out in the gate; a call facing a longer one is refused
     * ({@link ForgeCallException#refusedByGate}). One second: far below what forges ask for when
     * they pause (GitHub: a minute for a secondary limit, up to an hour for a spent budget), and about
     * what parking the item and reading it back costs.
     */
    public static final Duration LONGEST_PAUSE_WAIT = Duration.ofSeconds(1);
    /** GitHub's documented secondary limit on content-creating requests, per credential. */
    public static final int GITHUB_WRITES_PER_MINUTE = RateLimit.GITHUB_WRITES_PER_MINUTE;

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
    private final CallTimes callTimes;

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
        this.callTimes = new CallTimes(registry);
    }

    /**
     * {@code forgebus_forge_call_latency_seconds{forge,kind}}: from the moment a call's turn came
     * (after any wait for the budget) to its answer, so it measures the forge, not our pacing.
     * Per forge id and kind ({@code read}, {@code write}); credentials are not a label here (the
     * budget gauges have them).
     */
    private final class CallTimes {
        private final MeterRegistry registry;
        private final Map<String, io.micrometer.core.instrument.Timer> timers = new ConcurrentHashMap<>();

        CallTimes(MeterRegistry registry) {
            this.registry = registry;
        }

        void preRegister(String forge) {
            for (CallKind kind : CallKind.values()) {
                timer(forge, kind);
            }
        }

        void record(Permit permit) {
            CallKind kind = permit.kind;
            if (kind != null) {
                timer(forgeOf(permit.credential.id), kind).record(ticker.nanoTime() - permit.sentAt, TimeUnit.NANOSECONDS);
                permit.kind = null; // observe and close may both reach here: count the call once
            }
        }

        private io.micrometer.core.instrument.Timer timer(String forge, CallKind kind) {
            return timers.computeIfAbsent(forge + "\n" + kind, k -> Latencies.histogram(CALL_LATENCY,
                            "forge API call latency, from the call's turn at the gate to the answer")
                    .tag("forge", forge).tag("kind", kind.name().toLowerCase(java.util.Locale.ROOT)).register(registry));
        }
    }

    /** Registers the call latency series of {@code forges} (zero until their first call). */
    public RateLimitedCallGate preRegister(java.util.Collection<String> forges) {
        forges.forEach(callTimes::preRegister);
        return this;
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
                DEFAULT_LEASE_TIMEOUT).preRegister(configs.get().forges().keySet());
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

    /** @throws ForgeCallException refused: see "Long pauses are not waited out" above */
    @Override
    public void acquire(String credentialId) throws InterruptedException, ForgeCallException {
        enter(credentialId, CallKind.READ);
    }

    /** @throws ForgeCallException refused: see "Long pauses are not waited out" above */
    @Override
    public void acquire(String credentialId, CallKind kind) throws InterruptedException, ForgeCallException {
        enter(credentialId, kind);
    }

    /** {@link #enter(String, CallKind)} for a read. */
    public Permit enter(String credentialId) throws InterruptedException, ForgeCallException {
        return enter(credentialId, CallKind.READ);
    }

    /**
     * Like {@link #acquire}, returning the permit: {@code try (var permit = gate.enter(id, kind)) { ...;
     * permit.observe(observation); }} gives it back even when the call throws.
     */
    public Permit enter(String credentialId, CallKind kind) throws InterruptedException, ForgeCallException {
        Objects.requireNonNull(kind, "kind");
        Credential credential = credential(credentialId);
        refuseDuringLongPause(credential); // before queueing for a permit behind calls that will wait
        Permit permit = new Permit(credential);
        boolean waited = credential.permits.take(permit);
        try {
            waited |= awaitTurn(credential, kind, permit);
        } catch (InterruptedException | ForgeCallException | RuntimeException e) {
            permit.close();
            throw e;
        }
        if (waited) {
            credential.waits.increment();
        }
        permit.kind = kind;
        permit.sentAt = ticker.nanoTime();
        return permit;
    }

    @Override
    public void observe(String credentialId, Observation observation) {
        Credential credential = credential(credentialId);
        Permit released = credential.permits.releaseForCurrentThread();
        credential.heed(observation, released);
        if (released != null) {
            callTimes.record(released);
        }
    }

    /** One call's permit: give it back with {@link #observe} or {@link #close}. */
    public final class Permit implements AutoCloseable {
        private final Credential credential;
        /** The {@link Ticker} time this call's pace slot was, once it has one. */
        private volatile long slot;
        private volatile boolean slotted;
        /** When the call left the gate (its turn came), and its kind: the forge call latency runs from here to observe. */
        private volatile long sentAt;
        private volatile CallKind kind;

        private Permit(Credential credential) {
            this.credential = credential;
        }

        /** Gives the permit back and heeds what the answer said about the budget. */
        public void observe(Observation observation) {
            credential.permits.release(this);
            credential.heed(observation, this);
            callTimes.record(this);
        }

        /** Gives the permit back if {@link #observe} did not. */
        @Override
        public void close() {
            credential.permits.release(this);
        }
    }

    /** Waits out the forge's pause, then the write pace (for a write), then the pace. Returns whether it waited. */
    private boolean awaitTurn(Credential credential, CallKind kind, Permit permit)
            throws InterruptedException, ForgeCallException {
        boolean waited = false;
        while (true) {
            refuseDuringLongPause(credential);
            long pausedUntil = credential.pauses.pausedUntil();
            if (ticker.nanoTime() - pausedUntil < 0) {
                waited = true;
                ticker.sleepUntil(pausedUntil);
                continue;
            }
            if (kind == CallKind.WRITE && credential.pacing.pacesWrites()) {
                long writeSlot = credential.pacing.nextWriteSlot(ticker.nanoTime());
                if (writeSlot - ticker.nanoTime() > 0) {
                    waited = true;
                }
                ticker.sleepUntil(writeSlot);
                if (credential.pauses.pausedAt(ticker.nanoTime())) {
                    continue;
                }
            }
            long slot = credential.pacing.nextSlot(ticker.nanoTime());
            permit.slot = slot;
            permit.slotted = true;
            if (slot - ticker.nanoTime() > 0) {
                waited = true;
            }
            ticker.sleepUntil(slot);
            if (!credential.pauses.pausedAt(ticker.nanoTime())) {
                return waited;
            }
            // The forge asked for a pause while we waited for our slot: honour it, then take a new slot.
        }
    }

    /** Throws when the forge paused the credential for more than {@link #LONGEST_PAUSE_WAIT} from now. */
    private void refuseDuringLongPause(Credential credential) throws ForgeCallException {
        long left = credential.pauses.pausedUntil() - ticker.nanoTime();
        if (left > LONGEST_PAUSE_WAIT.toNanos()) {
            credential.refused.increment();
            throw ForgeCallException.refusedByGate(credential.id, Duration.ofNanos(left));
        }
    }

    private Credential credential(String credentialId) {
        Objects.requireNonNull(credentialId, "credentialId");
        return credentials.computeIfAbsent(credentialId, id -> new Credential(id, budgets.apply(id)));
    }

    /** The parts and meters of one credential. */
    private final class Credential {
        final String id;
        final CredentialPacing pacing;
        final CallPermits<Permit> permits;
        final ForgePauses pauses;
        final Counter waits;
        final Counter unbilled;
        final Counter refused;
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
            this.pacing = new CredentialPacing(id, budget.requestsPerHour(), writesPerMinute.apply(id));
            this.unbilled = Counter.builder(UNBILLED).tag("credential", id)
                    .description("forge answers the forge did not bill (304 Not Modified); their slot was given back")
                    .register(registry);
            this.refused = Counter.builder(REFUSED).tag("credential", id)
                    .description("forge calls refused without being sent: the forge had paused the credential for longer "
                            + "than the gate waits").register(registry);
            this.permits = new CallPermits<>(id, budget.maxConcurrent(), ticker, leaseTimeoutNanos);
            this.waits = Counter.builder(WAITS).tag("credential", id)
                    .description("forge calls that had to wait for their credential's budget").register(registry);
            this.pauses = new ForgePauses(id, clock, ticker.nanoTime());
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
                    pacing.refund(permit.slot);
                }
            }
            pauses.heed(observation, now);
            if (observation.remaining() != null && observation.remaining().isPresent()) {
                remaining.set(observation.remaining().getAsLong());
                registerRemainingGauge();
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
}
