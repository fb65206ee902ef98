package dev.forgebus.workers.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * The pace on its own, on ticker times the test passes in. Periods are long (an hour, a second)
 * so that resilience4j, which reads the system's time, only ever reserves within the spacing.
 */
class CredentialPacingTest {
    private static final long HOUR = TimeUnit.HOURS.toNanos(1);
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    @Test
    void calls_asked_at_once_get_slots_one_period_apart() {
        // Given one call an hour
        var pacing = new CredentialPacing("gh", 1, OptionalInt.empty());

        // When three calls ask at the same time
        long first = pacing.nextSlot(0);
        long second = pacing.nextSlot(0);
        long third = pacing.nextSlot(0);

        // Then the first goes at once and each next one a full period later
        assertThat(first).isZero();
        assertThat(second).isEqualTo(HOUR);
        assertThat(third).isEqualTo(2 * HOUR);
    }

    @Test
    void an_unbilled_slot_lets_the_next_call_go_half_a_period_after_it_and_the_one_after_a_full_period() {
        var pacing = new CredentialPacing("gh", 1, OptionalInt.empty());
        long first = pacing.nextSlot(0);

        pacing.refund(first);
        long second = pacing.nextSlot(0);
        long third = pacing.nextSlot(0);

        assertThat(second - first).isEqualTo(HOUR / 2);
        assertThat(third - second).isEqualTo(HOUR);
    }

    @Test
    void a_refund_after_a_later_slot_was_handed_out_gives_nothing_back() {
        var pacing = new CredentialPacing("gh", 1, OptionalInt.empty());
        long first = pacing.nextSlot(0);
        long second = pacing.nextSlot(0);

        pacing.refund(first);
        long third = pacing.nextSlot(0);

        assertThat(third - second).as("billed calls stay a full period apart").isEqualTo(HOUR);
    }

    @Test
    void writes_have_a_pace_of_their_own_that_reads_do_not_wait_for() {
        // Given 1,000 calls a second, of them 60 writes a minute
        var pacing = new CredentialPacing("gh", 3_600_000, OptionalInt.of(60));

        long firstWrite = pacing.nextWriteSlot(0);
        long secondWrite = pacing.nextWriteSlot(0);
        long read = pacing.nextSlot(0);

        assertThat(pacing.pacesWrites()).isTrue();
        assertThat(secondWrite - firstWrite).isEqualTo(SECOND);
        assertThat(read).isZero();
    }

    @Test
    void without_a_write_budget_writes_are_not_paced_apart() {
        var pacing = new CredentialPacing("fj", 3600, OptionalInt.empty());

        assertThat(pacing.pacesWrites()).isFalse();
        assertThatThrownBy(() -> pacing.nextWriteSlot(0)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void budgets_below_one_are_refused() {
        assertThatThrownBy(() -> new CredentialPacing("gh", 3600, OptionalInt.of(0)))
                .hasMessage("write budget of credential gh must be at least 1 a minute");
        assertThatThrownBy(() -> new CredentialPacing("gh", 0, OptionalInt.empty()))
                .hasMessageContaining("requests_per_hour of credential gh");
    }
}
