package dev.forgebus.workers.crondispatch;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class PollBackoffTest {

    private static final Duration HOUR = Duration.ofHours(1);

    @Test
    void the_first_looks_come_soon_after_the_dispatch() {
        assertThat(PollBackoff.next(Duration.ZERO, HOUR)).isEqualTo(Duration.ofSeconds(2));
        assertThat(PollBackoff.next(Duration.ofSeconds(3), HOUR)).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void the_wait_grows_with_half_the_time_waited_up_to_five_minutes() {
        assertThat(PollBackoff.next(Duration.ofMinutes(4), HOUR)).isEqualTo(Duration.ofMinutes(2));
        assertThat(PollBackoff.next(Duration.ofMinutes(40), HOUR)).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void the_last_look_falls_on_the_timeout() {
        assertThat(PollBackoff.next(Duration.ofMinutes(58), HOUR)).isEqualTo(Duration.ofMinutes(2));
    }

    @Test
    void a_ten_minute_run_costs_fewer_than_twenty_looks() {
        Duration waited = Duration.ZERO;
        int looks = 0;
        while (waited.compareTo(Duration.ofMinutes(10)) < 0) {
            waited = waited.plus(PollBackoff.next(waited, HOUR));
            looks++;
        }
        assertThat(looks).isLessThan(20);
    }
}
