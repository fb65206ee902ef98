package dev.forgebus.workers.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.forgebus.forge.ForgeCallException;

class RetryPolicyTest {
    private final RetryPolicy policy = new RetryPolicy(4, List.of(Duration.ofSeconds(1), Duration.ofSeconds(5)));

    @Test
    void a_transient_failure_is_retried_after_the_backoff_of_its_attempt_and_the_last_entry_repeats() {
        var e = ForgeCallException.transientFailure(502, "502 Bad Gateway");
        assertThat(policy.afterFailure(e, 1)).isEqualTo(new Decision.RetryAfter(Duration.ofSeconds(1), new Failure("TRANSIENT", "502 Bad Gateway")));
        assertThat(policy.afterFailure(e, 2)).isEqualTo(new Decision.RetryAfter(Duration.ofSeconds(5), new Failure("TRANSIENT", "502 Bad Gateway")));
        assertThat(policy.afterFailure(e, 3)).isEqualTo(new Decision.RetryAfter(Duration.ofSeconds(5), new Failure("TRANSIENT", "502 Bad Gateway")));
    }

    @Test
    void the_failure_of_the_last_attempt_is_a_dead_letter() {
        assertThat(policy.afterFailure(ForgeCallException.transientFailure(503, "down"), 4))
                .isEqualTo(new Decision.DeadLetter(new Failure("TRANSIENT", "down")));
    }

    @Test
    void a_permanent_failure_is_a_dead_letter_at_once() {
        assertThat(policy.afterFailure(ForgeCallException.permanent(422, "422 Validation Failed"), 1))
                .isEqualTo(new Decision.DeadLetter(new Failure("PERMANENT", "422 Validation Failed")));
    }

    @Test
    void an_invalid_payload_or_invalid_settings_is_a_dead_letter_at_once_saying_so() {
        // Before: an unknown RuntimeException, hence retried as transient until attempts were spent
        assertThat(policy.afterFailure(dev.forgebus.workers.InvalidInputException.payload("no issue number"), 1))
                .isEqualTo(new Decision.DeadLetter(new Failure("INVALID_PAYLOAD", "no issue number")));
        assertThat(policy.afterFailure(dev.forgebus.workers.InvalidInputException.settings("tag_pattern is empty"), 1))
                .isEqualTo(new Decision.DeadLetter(new Failure("INVALID_SETTINGS", "tag_pattern is empty")));
    }

    @Test
    void rate_limited_waits_what_the_forge_asked_else_the_backoff() {
        assertThat(policy.afterFailure(ForgeCallException.rateLimited(429, "slow down", Duration.ofSeconds(42)), 1))
                .isEqualTo(new Decision.RetryAfter(Duration.ofSeconds(42), new Failure("RATE_LIMITED", "slow down")));
        assertThat(policy.afterFailure(ForgeCallException.rateLimited(403, "secondary rate limit", null), 2))
                .isEqualTo(new Decision.RetryAfter(Duration.ofSeconds(5), new Failure("RATE_LIMITED", "secondary rate limit")));
    }

    @Test
    void a_call_the_gate_refused_during_a_forge_pause_parks_the_item_until_the_pause_ends_without_spending_an_attempt() {
        var refused = ForgeCallException.refusedByGate("github/OrgA", Duration.ofMinutes(10));
        Failure why = Failure.of(refused);

        // Even on the last attempt, a refusal is no failure of the item: it waits for the pause's end
        assertThat(policy.afterFailure(refused, 4, 0)).isEqualTo(new Decision.Parked(Duration.ofMinutes(10), why));
        assertThat(policy.afterFailure(refused, 1, RetryPolicy.MAX_PARKINGS - 1))
                .isEqualTo(new Decision.Parked(Duration.ofMinutes(10), why));
        // but after MAX_PARKINGS it counts as a RATE_LIMITED attempt, so an item cannot circulate for ever
        assertThat(policy.afterFailure(refused, 1, RetryPolicy.MAX_PARKINGS))
                .isEqualTo(new Decision.RetryAfter(Duration.ofMinutes(10), why));
        assertThat(policy.afterFailure(refused, 4, RetryPolicy.MAX_PARKINGS)).isEqualTo(new Decision.DeadLetter(why));
        // and a rate limit the forge answered spends an attempt as before
        assertThat(policy.afterFailure(ForgeCallException.rateLimited(429, "slow down", Duration.ofSeconds(42)), 1, 0))
                .isEqualTo(new Decision.RetryAfter(Duration.ofSeconds(42), new Failure("RATE_LIMITED", "slow down")));
    }

    @Test
    void any_other_exception_is_transient_and_named_by_its_class() {
        assertThat(policy.afterFailure(new NullPointerException("label was null"), 1))
                .isEqualTo(new Decision.RetryAfter(Duration.ofSeconds(1), new Failure("NullPointerException", "label was null")));
    }

    @Test
    void long_messages_are_cut() {
        Failure failure = Failure.of(new IllegalStateException("x".repeat(5000)));
        assertThat(failure.message()).hasSize(1000).endsWith("...");
    }

    @Test
    void settings_are_checked_at_construction() {
        assertThatThrownBy(() -> new RetryPolicy(0, List.of())).hasMessageContaining("maxAttempts must be at least 1");
        assertThatThrownBy(() -> new RetryPolicy(1, List.of(Duration.ofSeconds(-1)))).hasMessageContaining("must not be negative");
        assertThat(new RetryPolicy(2, List.of()).backoffBefore(1)).isZero();
    }
}
