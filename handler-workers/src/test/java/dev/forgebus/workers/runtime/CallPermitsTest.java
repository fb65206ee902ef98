package dev.forgebus.workers.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Concurrency permits on their own: leases are plain strings, lease ages read on a fake ticker. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class CallPermitsTest {
    private final FakeTicker ticker = new FakeTicker(Instant.parse("2026-05-01T12:00:00Z"));

    private CallPermits<String> permits(int maxConcurrent) {
        return new CallPermits<>("gh", maxConcurrent, ticker, Duration.ofMinutes(1).toNanos());
    }

    /** Starts {@code take(lease)} on another thread; the reference is set to whether it waited once it got the permit. */
    private static AtomicReference<Boolean> takeInBackground(CallPermits<String> permits, String lease) {
        AtomicReference<Boolean> waited = new AtomicReference<>();
        Thread.ofPlatform().start(() -> {
            try {
                waited.set(permits.take(lease));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        return waited;
    }

    @Test
    void at_most_max_concurrent_leases_are_out_at_once() throws Exception {
        var permits = permits(2);
        assertThat(permits.take("a")).isFalse();
        assertThat(permits.take("b")).isFalse();

        var third = takeInBackground(permits, "c");
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> third.get() == null);

        permits.release("a");
        await().atMost(Duration.ofSeconds(5)).until(() -> Boolean.TRUE.equals(third.get()));
    }

    @Test
    void a_lease_is_given_back_once() throws Exception {
        var permits = permits(1);
        permits.take("a");
        permits.release("a");
        permits.release("a");
        permits.take("b");

        var third = takeInBackground(permits, "c");
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> third.get() == null);
        permits.release("b");
        await().atMost(Duration.ofSeconds(5)).until(() -> third.get() != null);
    }

    @Test
    void the_calling_threads_lease_is_given_back_first_then_the_oldest() throws Exception {
        var permits = permits(3);
        Thread other = Thread.ofPlatform().start(() -> {
            try {
                permits.take("theirs");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        other.join();
        permits.take("mine");

        assertThat(permits.releaseForCurrentThread()).isEqualTo("mine");
        assertThat(permits.releaseForCurrentThread()).isEqualTo("theirs");
        assertThat(permits.releaseForCurrentThread()).isNull();
    }

    @Test
    void a_lease_past_the_timeout_is_reclaimed_when_a_caller_would_wait() throws Exception {
        var permits = permits(1);
        permits.take("forgotten");
        ticker.sleepUntil(ticker.nanoTime() + Duration.ofMinutes(2).toNanos());

        boolean waited = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> permits.take("next"));

        assertThat(waited).isTrue();
        permits.release("forgotten"); // already reclaimed: gives nothing back
        assertThat(permits.releaseForCurrentThread()).isEqualTo("next");
        assertThat(permits.releaseForCurrentThread()).isNull();
    }

    @Test
    void max_concurrent_below_one_is_refused() {
        assertThatThrownBy(() -> permits(0)).hasMessageContaining("max_concurrent of credential gh");
    }
}
