package dev.forgebus.workers.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class ProbeStateTest {
    private static final Instant AT = Instant.parse("2026-11-30T01:00:00Z");
    private static final ProbeOutcome FAIL = ProbeOutcome.down("status 503, expected 200");
    private static final ProbeOutcome OK = ProbeOutcome.up("status 200");

    @Test
    void one_failed_probe_is_a_blip_and_changes_nothing_the_sinks_hear() {
        ProbeState state = ProbeState.INITIAL.after(FAIL, 2, "api", AT);

        assertThat(state.down()).isFalse();
        assertThat(state.failures()).isEqualTo(1);
        assertThat(state.pending()).isEmpty();
        assertThat(state.after(OK, 2, "api", AT)).isEqualTo(ProbeState.INITIAL);
    }

    @Test
    void the_second_failure_in_a_row_is_down_once_and_the_third_is_no_new_change() {
        // Given one failure
        ProbeState once = ProbeState.INITIAL.after(FAIL, 2, "api", AT);

        // When a second one follows
        ProbeState down = once.after(FAIL, 2, "api", AT);

        // Then it is down with one pending change carrying the failure
        assertThat(down.down()).isTrue();
        assertThat(down.pending()).hasValueSatisfying(c -> {
            assertThat(c.down()).isTrue();
            assertThat(c.detail()).contains("status 503").contains("2 failed probe(s) in a row");
        });
        // and, once delivered, a third failure says nothing new
        ProbeState delivered = down.delivered(7);
        assertThat(delivered.after(FAIL, 2, "api", AT).pending()).isEmpty();
        assertThat(delivered.after(FAIL, 2, "api", AT).openIssue()).isEqualTo(7);
    }

    @Test
    void the_first_success_after_down_is_an_up_change_that_keeps_the_issue_number_for_closing() {
        ProbeState down = new ProbeState(true, 4, 12, Optional.empty());

        ProbeState up = down.after(OK, 2, "api", AT);

        assertThat(up.down()).isFalse();
        assertThat(up.failures()).isZero();
        assertThat(up.openIssue()).isEqualTo(12);
        assertThat(up.pending()).hasValueSatisfying(c -> assertThat(c.kind()).isEqualTo("health_up"));
    }

    @Test
    void the_stored_form_reads_back_the_same_state_with_its_pending_change() {
        ProbeState state = new ProbeState(true, 3, 42, Optional.of(new StateChange("api", true, "no answer within 5000 ms", AT)));

        assertThat(ProbeState.decode(state.encode())).isEqualTo(state);
        assertThat(ProbeState.decode(ProbeState.INITIAL.encode())).isEqualTo(ProbeState.INITIAL);
    }

    @Test
    void a_stored_value_that_cannot_be_read_starts_over_from_up() {
        assertThat(ProbeState.decode("{not json")).isEqualTo(ProbeState.INITIAL);
    }
}
