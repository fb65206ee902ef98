package dev.forgebus.app.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

/** The per-address limit on failed admin token attempts, on a hand-moved clock. */
class FailedTokenAttemptsTest {
    private final AtomicLong nanos = new AtomicLong(1_000);
    private final FailedTokenAttempts attempts = new FailedTokenAttempts(3, Duration.ofMinutes(1), Duration.ofMinutes(5), 2, nanos::get);

    private void advance(Duration d) {
        nanos.addAndGet(d.toNanos());
    }

    @Test
    void an_address_is_refused_after_the_limit_of_failures_within_the_window_until_the_cooldown_ends() {
        attempts.failed("10.0.0.1");
        attempts.failed("10.0.0.1");
        assertThat(attempts.refusedFor("10.0.0.1")).isEmpty();

        attempts.failed("10.0.0.1");

        assertThat(attempts.refusedFor("10.0.0.1")).contains(Duration.ofMinutes(5));
        assertThat(attempts.refusedFor("10.0.0.2")).as("another address").isEmpty();
        advance(Duration.ofMinutes(4));
        assertThat(attempts.refusedFor("10.0.0.1")).contains(Duration.ofMinutes(1));
        advance(Duration.ofMinutes(1));
        assertThat(attempts.refusedFor("10.0.0.1")).isEmpty();
    }

    @Test
    void failures_spread_wider_than_the_window_do_not_add_up() {
        attempts.failed("10.0.0.1");
        attempts.failed("10.0.0.1");
        advance(Duration.ofSeconds(61));

        attempts.failed("10.0.0.1");

        assertThat(attempts.refusedFor("10.0.0.1")).isEmpty();
    }

    @Test
    void memory_stays_bounded_by_forgetting_the_least_recently_seen_address() {
        for (int i = 0; i < 100; i++) {
            attempts.failed("10.0.1." + i);
        }

        assertThat(attempts.trackedAddresses()).isEqualTo(2);
    }
}
