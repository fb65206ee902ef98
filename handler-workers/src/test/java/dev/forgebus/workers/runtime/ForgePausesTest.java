package dev.forgebus.workers.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.OptionalLong;

import org.junit.jupiter.api.Test;

import dev.forgebus.forge.CallGate.Observation;

/** The forge's pauses on their own: ticker time for the pause, the ticker's clock for x-ratelimit-reset. */
class ForgePausesTest {
    private static final Instant EPOCH = Instant.parse("2026-05-01T12:00:00Z");

    private final FakeTicker ticker = new FakeTicker(EPOCH);
    private final ForgePauses pauses = new ForgePauses("gh", ticker.clock(), ticker.nanoTime());

    private static long nanos(Duration d) {
        return d.toNanos();
    }

    @Test
    void a_new_credential_is_not_paused() {
        assertThat(pauses.pausedAt(ticker.nanoTime())).isFalse();
    }

    @Test
    void retry_after_pauses_the_credential_for_that_long() {
        pauses.heed(new Observation(OptionalLong.empty(), null, Duration.ofSeconds(30)), 0);

        assertThat(pauses.pausedUntil()).isEqualTo(nanos(Duration.ofSeconds(30)));
        assertThat(pauses.pausedAt(nanos(Duration.ofSeconds(30)) - 1)).isTrue();
        assertThat(pauses.pausedAt(nanos(Duration.ofSeconds(30)))).isFalse();
    }

    @Test
    void remaining_zero_pauses_until_the_reset_plus_the_margin_for_clock_skew() {
        pauses.heed(new Observation(OptionalLong.of(0), EPOCH.plusSeconds(120), null), 0);

        assertThat(pauses.pausedUntil()).isEqualTo(nanos(Duration.ofSeconds(120).plusMillis(ForgePauses.RESET_MARGIN_MS)));
    }

    @Test
    void remaining_zero_without_a_reset_pauses_a_minute() {
        pauses.heed(new Observation(OptionalLong.of(0), null, null), 0);

        assertThat(pauses.pausedUntil()).isEqualTo(nanos(Duration.ofSeconds(ForgePauses.EXHAUSTED_PAUSE_S)));
    }

    @Test
    void a_reset_just_past_still_waits_out_the_margin_one_well_past_does_not_pause() {
        pauses.heed(new Observation(OptionalLong.of(0), EPOCH.minusSeconds(5), null), 0);
        assertThat(pauses.pausedAt(0)).isFalse();

        pauses.heed(new Observation(OptionalLong.of(0), EPOCH.minusMillis(400), null), 0);
        assertThat(pauses.pausedUntil()).isEqualTo(nanos(Duration.ofMillis(600)));
    }

    @Test
    void pauses_are_cut_to_an_hour() {
        pauses.heed(new Observation(OptionalLong.empty(), null, Duration.ofDays(1)), 0);
        assertThat(pauses.pausedUntil()).isEqualTo(nanos(RateLimitedCallGate.MAX_FORGE_PAUSE)).isEqualTo(nanos(Duration.ofHours(1)));

        pauses.heed(new Observation(OptionalLong.of(0), EPOCH.plus(Duration.ofDays(2)), null), 0);
        assertThat(pauses.pausedUntil()).isEqualTo(nanos(Duration.ofHours(1)));
    }

    @Test
    void a_shorter_pause_does_not_shorten_a_longer_one() {
        pauses.heed(new Observation(OptionalLong.empty(), null, Duration.ofSeconds(60)), 0);
        pauses.heed(new Observation(OptionalLong.empty(), null, Duration.ofSeconds(5)), nanos(Duration.ofSeconds(10)));

        assertThat(pauses.pausedUntil()).isEqualTo(nanos(Duration.ofSeconds(60)));
    }

    @Test
    void budget_left_or_a_negative_retry_after_do_not_pause() {
        pauses.heed(new Observation(OptionalLong.of(1), EPOCH.plusSeconds(3600), Duration.ofSeconds(-1)), 0);

        assertThat(pauses.pausedAt(0)).isFalse();
    }
}
