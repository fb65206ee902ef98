package dev.forgebus.workers.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.forgebus.common.config.ConfigLoader;
import dev.forgebus.common.config.RateLimit;
import dev.forgebus.forge.CallGate.Observation;
import dev.forgebus.forge.ForgeCallException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RateLimitedCallGateTest {
    private static final Observation NOTHING = new Observation(OptionalLong.empty(), null, null);
    private static final Instant EPOCH = Instant.parse("2026-05-01T12:00:00Z");

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    /**
     * 12 calls from 3 threads on a budget of 36,000 an hour (one per 100 ms). The gate decides when
     * each call may start (the deadline it waits for, recorded by the ticker); in every half-open
     * window of k periods there are at most k of them. Windows starting at a call are the worst
     * case: any window can slide right to its first call without losing one.
     */
    @Test
    void calls_of_one_credential_never_exceed_the_budget_in_any_window() throws Exception {
        long period = TimeUnit.MILLISECONDS.toNanos(100);
        RecordingTicker ticker = new RecordingTicker();
        var gate = new RateLimitedCallGate(id -> new RateLimit(36_000, 10), registry, java.time.Clock.systemUTC(), ticker,
                RateLimitedCallGate.DEFAULT_LEASE_TIMEOUT);
        List<Long> starts = Collections.synchronizedList(new ArrayList<>());
        long began = System.nanoTime();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 3; t++) {
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    for (int i = 0; i < 4; i++) {
                        gate.acquire("gh");
                        starts.add(ticker.lastDeadline.get());
                        gate.observe("gh", NOTHING);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (ForgeCallException e) {
                    throw new AssertionError("no pause here", e);
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        long elapsed = System.nanoTime() - began;

        List<Long> sorted = new ArrayList<>(starts);
        Collections.sort(sorted);
        assertThat(sorted).hasSize(12);
        for (int i = 0; i < sorted.size(); i++) {
            for (int k = 1; k <= sorted.size(); k++) {
                long from = sorted.get(i);
                long to = from + k * period;
                long inWindow = sorted.stream().filter(s -> s >= from && s < to).count();
                assertThat(inWindow).as("calls in [%d, %d)", from, to).isLessThanOrEqualTo(k);
            }
        }
        assertThat(elapsed).as("12 calls take at least 11 periods").isGreaterThanOrEqualTo(11 * period);
        assertThat(registry.get("forgebus.ratelimiter.waits").tag("credential", "gh").counter().count()).isGreaterThan(0);
    }

    @Test
    void retry_after_pauses_only_that_credential() throws Exception {
        FakeTicker ticker = new FakeTicker(EPOCH);
        var gate = new RateLimitedCallGate(id -> new RateLimit(3_600_000, 10), registry, ticker.clock(), ticker,
                RateLimitedCallGate.DEFAULT_LEASE_TIMEOUT);
        gate.acquire("gh/A");
        gate.observe("gh/A", new Observation(OptionalLong.empty(), null, Duration.ofSeconds(30)));
        Instant asked = ticker.now();

        gate.acquire("gh/B");
        gate.observe("gh/B", NOTHING);
        assertThat(Duration.between(asked, ticker.now())).as("B does not wait for A's Retry-After").isLessThan(Duration.ofSeconds(1));

        // A 30 s pause is not waited out in the gate: A is refused with the time left, until it ends
        assertThatThrownBy(() -> gate.acquire("gh/A")).isInstanceOfSatisfying(ForgeCallException.class,
                refused -> assertThat(refused.retryAfter()).contains(Duration.ofSeconds(30)));
        assertThat(registry.get("forgebus.ratelimiter.refused").tag("credential", "gh/A").counter().count()).isEqualTo(1);
        ticker.sleepUntil(ticker.nanoTime() + Duration.ofSeconds(30).toNanos());
        gate.acquire("gh/A");
        assertThat(Duration.between(asked, ticker.now())).isGreaterThanOrEqualTo(Duration.ofSeconds(30));
        gate.observe("gh/A", NOTHING);
        assertThat(registry.get("forgebus.ratelimiter.waits").tag("credential", "gh/B").counter().count()).isZero();
    }

    @Test
    void a_pause_no_longer_than_the_longest_pause_wait_is_waited_out_in_the_gate() throws Exception {
        FakeTicker ticker = new FakeTicker(EPOCH);
        var gate = new RateLimitedCallGate(id -> new RateLimit(3_600_000, 10), registry, ticker.clock(), ticker,
                RateLimitedCallGate.DEFAULT_LEASE_TIMEOUT);
        gate.acquire("gh");
        gate.observe("gh", new Observation(OptionalLong.empty(), null, RateLimitedCallGate.LONGEST_PAUSE_WAIT));
        Instant asked = ticker.now();

        gate.acquire("gh");

        assertThat(Duration.between(asked, ticker.now())).isGreaterThanOrEqualTo(RateLimitedCallGate.LONGEST_PAUSE_WAIT);
        assertThat(registry.get("forgebus.ratelimiter.waits").tag("credential", "gh").counter().count()).isEqualTo(1);
    }

    @Test
    void remaining_zero_waits_until_the_reset() throws Exception {
        FakeTicker ticker = new FakeTicker(EPOCH);
        var gate = new RateLimitedCallGate(id -> new RateLimit(3_600_000, 10), registry, ticker.clock(), ticker,
                RateLimitedCallGate.DEFAULT_LEASE_TIMEOUT);
        gate.acquire("gh");
        gate.observe("gh", new Observation(OptionalLong.of(1), EPOCH.plusSeconds(3600), null));
        gate.acquire("gh");
        assertThat(Duration.between(EPOCH, ticker.now())).as("budget left: no pause").isLessThan(Duration.ofSeconds(1));
        assertThat(registry.get("forgebus.ratelimiter.remaining").tag("credential", "gh").gauge().value()).isEqualTo(1);

        Instant reset = ticker.now().plusSeconds(120);
        gate.observe("gh", new Observation(OptionalLong.of(0), reset, null));
        assertThatThrownBy(() -> gate.acquire("gh")).isInstanceOf(ForgeCallException.class);
        ticker.sleepUntil(ticker.nanoTime() + Duration.between(ticker.now(), reset).toNanos());
        gate.acquire("gh"); // the reset margin (1 s) is waited out in the gate
        assertThat(ticker.now()).isAfterOrEqualTo(reset);
        gate.observe("gh", new Observation(OptionalLong.of(4999), reset.plusSeconds(3600), null));
        assertThat(registry.get("forgebus.ratelimiter.remaining").tag("credential", "gh").gauge().value()).isEqualTo(4999);
    }

    @Test
    void remaining_zero_with_a_reset_in_the_past_does_not_pause() throws Exception {
        FakeTicker ticker = new FakeTicker(EPOCH);
        var gate = new RateLimitedCallGate(id -> new RateLimit(3_600_000, 10), registry, ticker.clock(), ticker,
                RateLimitedCallGate.DEFAULT_LEASE_TIMEOUT);
        gate.acquire("gh");
        gate.observe("gh", new Observation(OptionalLong.of(0), EPOCH.minusSeconds(5), null));
        gate.acquire("gh");
        assertThat(Duration.between(EPOCH, ticker.now())).isLessThan(Duration.ofSeconds(1));
    }

    @Test
    void max_concurrent_bounds_calls_between_acquire_and_observe() throws Exception {
        var gate = new RateLimitedCallGate(id -> new RateLimit(3_600_000, 2), registry);
        gate.acquire("gh");
        gate.acquire("gh");
        AtomicBoolean third = new AtomicBoolean();
        Thread waiting = Thread.ofPlatform().start(() -> {
            try {
                gate.acquire("gh");
                third.set(true);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ForgeCallException e) {
                throw new AssertionError("no pause here", e);
            }
        });
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> !third.get());

        gate.observe("gh", NOTHING);
        await().atMost(Duration.ofSeconds(5)).untilTrue(third);
        waiting.join();
    }

    @Test
    void a_permit_whose_thread_ended_without_observe_is_reclaimed() throws Exception {
        var gate = new RateLimitedCallGate(id -> new RateLimit(3_600_000, 1), registry);
        Thread leaker = Thread.ofPlatform().start(() -> {
            try {
                gate.acquire("gh"); // and never observes
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ForgeCallException e) {
                throw new AssertionError("no pause here", e);
            }
        });
        leaker.join();
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> gate.acquire("gh"));
    }

    @Test
    void a_permit_held_past_the_lease_timeout_is_reclaimed() throws Exception {
        FakeTicker ticker = new FakeTicker(EPOCH);
        var gate = new RateLimitedCallGate(id -> new RateLimit(3_600_000, 1), registry, ticker.clock(), ticker, Duration.ofMinutes(1));
        gate.acquire("gh"); // never observed
        ticker.sleepUntil(ticker.nanoTime() + Duration.ofMinutes(2).toNanos());
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> gate.acquire("gh"));
    }

    @Test
    void a_permit_is_given_back_once_whether_observed_closed_or_both() throws Exception {
        var gate = new RateLimitedCallGate(id -> new RateLimit(3_600_000, 1), registry);
        assertThatThrownBy(() -> {
            try (var permit = gate.enter("gh")) {
                throw new java.io.IOException("connection reset");
            }
        }).isInstanceOf(java.io.IOException.class);
        try (var permit = gate.enter("gh")) {
            permit.observe(NOTHING);
        } // close after observe: no second release

        gate.acquire("gh");
        AtomicBoolean second = new AtomicBoolean();
        Thread waiting = Thread.ofPlatform().start(() -> {
            try {
                gate.acquire("gh");
                second.set(true);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ForgeCallException e) {
                throw new AssertionError("no pause here", e);
            }
        });
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> !second.get());
        gate.observe("gh", NOTHING);
        await().atMost(Duration.ofSeconds(5)).untilTrue(second);
        waiting.join();
    }

    @Test
    void budgets_come_from_the_forge_of_the_credential() throws Exception {
        var config = ConfigLoader.parse("""
                forges:
                  gh:
                    type: github
                    api_url: https://api.github.com
                    insecure_no_signature: true
                    rate_limit: { requests_per_hour: 1200, max_concurrent: 3 }
                """, "test.yml", name -> null);
        var budgets = RateLimitedCallGate.budgetsOf(config);
        assertThat(budgets.apply("gh")).isEqualTo(new RateLimit(1200, 3, RateLimit.GITHUB_WRITES_PER_MINUTE));
        assertThat(RateLimitedCallGate.writePacesOf(config).apply("gh/MyOrg")).hasValue(RateLimit.GITHUB_WRITES_PER_MINUTE);
        assertThat(budgets.apply("gh/MyOrg")).isEqualTo(new RateLimit(1200, 3, RateLimit.GITHUB_WRITES_PER_MINUTE));
        assertThatThrownBy(() -> budgets.apply("gitlab")).hasMessageContaining("names no configured forge");
    }

    /** The system's time, remembering on each thread the last deadline the gate waited for. */
    private static final class RecordingTicker implements RateLimitedCallGate.Ticker {
        final ThreadLocal<Long> lastDeadline = new ThreadLocal<>();

        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public void sleepUntil(long deadline) throws InterruptedException {
            lastDeadline.set(deadline);
            RateLimitedCallGate.Ticker.SYSTEM.sleepUntil(deadline);
        }
    }
}
