package dev.forgebus.workers.automerge;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.forgebus.forge.CheckResult;
import dev.forgebus.forge.CheckResult.State;

/** The "every required check green on the head" decision, without a forge. */
class RequiredChecksTest {

    private static CheckResult check(String name, State state) {
        return new CheckResult(name, state);
    }

    @Test
    void every_required_check_green_is_green_and_other_checks_do_not_matter() {
        RequiredChecks.Verdict verdict = RequiredChecks.evaluate(List.of("test", "lint"),
                List.of(check("lint", State.SUCCESS), check("test", State.SUCCESS), check("coverage", State.FAILURE)));

        assertThat(verdict.green()).isTrue();
        assertThat(verdict.why()).isEmpty();
    }

    @Test
    void a_required_check_that_was_never_reported_is_missing_and_not_green() {
        RequiredChecks.Verdict verdict = RequiredChecks.evaluate(List.of("test", "lint"), List.of(check("test", State.SUCCESS)));

        assertThat(verdict.green()).isFalse();
        assertThat(verdict.missing()).containsExactly("lint");
        assertThat(verdict.why()).isEqualTo("missing: lint");
    }

    @Test
    void a_failing_required_check_is_not_green_and_named_first() {
        RequiredChecks.Verdict verdict = RequiredChecks.evaluate(List.of("test", "lint", "build"),
                List.of(check("test", State.FAILURE), check("lint", State.PENDING)));

        assertThat(verdict.green()).isFalse();
        assertThat(verdict.failing()).containsExactly("test");
        assertThat(verdict.pending()).containsExactly("lint");
        assertThat(verdict.missing()).containsExactly("build");
        assertThat(verdict.why()).isEqualTo("failing: test; pending: lint; missing: build");
    }

    @Test
    void a_pending_required_check_waits() {
        RequiredChecks.Verdict verdict = RequiredChecks.evaluate(List.of("test"), List.of(check("test", State.PENDING)));

        assertThat(verdict.green()).isFalse();
        assertThat(verdict.onlyWaiting()).isTrue();
    }

    @Test
    void a_name_reported_twice_is_green_only_when_no_report_of_it_is_red_or_pending() {
        // A check run "test" and a commit status "test" (or two apps' runs of one name): either may be the gate.
        RequiredChecks.Verdict red = RequiredChecks.evaluate(List.of("test"),
                List.of(check("test", State.SUCCESS), check("test", State.FAILURE)));
        RequiredChecks.Verdict waiting = RequiredChecks.evaluate(List.of("test"),
                List.of(check("test", State.PENDING), check("test", State.SUCCESS)));

        assertThat(red.failing()).containsExactly("test");
        assertThat(waiting.pending()).containsExactly("test");
    }

    @Test
    void names_match_exactly_so_a_lookalike_does_not_count() {
        RequiredChecks.Verdict verdict = RequiredChecks.evaluate(List.of("test"),
                List.of(check("Test", State.SUCCESS), check("test ", State.SUCCESS), check("test (fork)", State.SUCCESS)));

        assertThat(verdict.missing()).containsExactly("test");
    }

    @Test
    void with_no_required_checks_every_reported_check_must_be_green() {
        assertThat(RequiredChecks.evaluate(List.of(), List.of()).green()).as("nothing reported").isTrue();
        assertThat(RequiredChecks.evaluate(List.of(), List.of(check("a", State.SUCCESS))).green()).isTrue();
        RequiredChecks.Verdict red = RequiredChecks.evaluate(List.of(), List.of(check("a", State.SUCCESS), check("b", State.FAILURE)));
        assertThat(red.failing()).containsExactly("b");
        assertThat(RequiredChecks.evaluate(List.of(), List.of(check("c", State.PENDING))).pending()).containsExactly("c");
    }
}
