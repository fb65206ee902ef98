package dev.forgebus.workers.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.forgebus.common.config.ConfigLoader;
import dev.forgebus.common.config.ForgebusConfig;
import dev.forgebus.common.config.RateLimit;
import dev.forgebus.forge.ForgeCallException;
import dev.forgebus.forge.CallGate.CallKind;
import dev.forgebus.forge.CallGate.Observation;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** GitHub's rules on top of the hourly pace: writes a minute, unbilled 304s, the budget gauge. On a fake ticker. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RateLimitedCallGateForgeRulesTest {
    private static final Observation NOTHING = new Observation(OptionalLong.empty(), null, null);
    private static final Instant EPOCH = Instant.parse("2026-05-01T12:00:00Z");

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final FakeTicker ticker = new FakeTicker(EPOCH);

    private RateLimitedCallGate gate(int requestsPerHour, OptionalInt writesPerMinute) {
        return new RateLimitedCallGate(id -> new RateLimit(requestsPerHour, 10), id -> writesPerMinute, registry,
                ticker.clock(), ticker, RateLimitedCallGate.DEFAULT_LEASE_TIMEOUT);
    }

    private long call(RateLimitedCallGate gate, String credential, CallKind kind) throws Exception {
        gate.acquire(credential, kind);
        long at = ticker.nanoTime();
        gate.observe(credential, NOTHING);
        return at;
    }

    @Test
    void writes_of_one_credential_are_paced_to_80_a_minute() throws Exception {
        // Given an hourly budget that would allow 1,000 calls a second
        var gate = gate(3_600_000, OptionalInt.of(RateLimitedCallGate.GITHUB_WRITES_PER_MINUTE));

        // When 161 writes go out
        List<Long> starts = new ArrayList<>();
        for (int i = 0; i < 161; i++) {
            starts.add(call(gate, "gh", CallKind.WRITE));
        }

        // Then no minute holds more than 80 of them, and they take two minutes
        long minute = TimeUnit.MINUTES.toNanos(1);
        for (int i = 0; i < starts.size(); i++) {
            long from = starts.get(i);
            assertThat(starts.stream().filter(s -> s >= from && s < from + minute).count())
                    .as("writes in the minute from write %d", i).isLessThanOrEqualTo(80);
        }
        assertThat(starts.get(160) - starts.get(0)).isGreaterThanOrEqualTo(2 * minute);
    }

    @Test
    void reads_and_other_credentials_do_not_wait_for_the_write_pace() throws Exception {
        var gate = gate(3_600_000, OptionalInt.of(80));
        long first = call(gate, "gh/A", CallKind.WRITE);
        call(gate, "gh/A", CallKind.WRITE);
        long afterWrites = ticker.nanoTime();
        assertThat(afterWrites - first).as("the second write waited its 750 ms")
                .isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(750));

        long read = call(gate, "gh/A", CallKind.READ);
        long otherWrite = call(gate, "gh/B", CallKind.WRITE);

        assertThat(read - afterWrites).as("a read only waits the hourly pace (1 ms)")
                .isLessThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(2));
        assertThat(otherWrite - afterWrites).as("gh/B has its own write pace")
                .isLessThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(2));
    }

    @Test
    void without_a_write_budget_writes_follow_the_hourly_pace_only() throws Exception {
        var gate = gate(3_600_000, OptionalInt.empty());
        long first = call(gate, "fj", CallKind.WRITE);
        long second = call(gate, "fj", CallKind.WRITE);
        assertThat(second - first).isLessThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(2));
    }

    @Test
    void an_unbilled_answer_gives_its_slot_back() throws Exception {
        // Given one call a second
        var gate = gate(3600, OptionalInt.empty());
        long period = TimeUnit.SECONDS.toNanos(1);

        // When the first answer was a 304 the forge did not bill
        gate.acquire("gh", CallKind.READ);
        long first = ticker.nanoTime();
        gate.observe("gh", NOTHING.unbilled());
        long second = call(gate, "gh", CallKind.READ);
        // and the second one was billed
        long third = call(gate, "gh", CallKind.READ);

        // Then the second call did not wait the full period the first would have cost, the third did
        assertThat(second - first).isLessThan(period).isGreaterThanOrEqualTo(period / 2);
        assertThat(third - second).isGreaterThanOrEqualTo(period);
        assertThat(registry.get(RateLimitedCallGate.UNBILLED).tag("credential", "gh").counter().count()).isEqualTo(1);
    }

    @Test
    void a_billed_answer_keeps_the_full_period() throws Exception {
        var gate = gate(3600, OptionalInt.empty());
        long first = call(gate, "gh", CallKind.READ);
        long second = call(gate, "gh", CallKind.READ);
        assertThat(second - first).isGreaterThanOrEqualTo(TimeUnit.SECONDS.toNanos(1));
    }

    @Test
    void the_budget_gauge_shows_what_the_forge_reported_per_forge_and_credential() throws Exception {
        var gate = gate(3_600_000, OptionalInt.empty());
        gate.acquire("gh/MyOrg");
        gate.observe("gh/MyOrg", new Observation(OptionalLong.of(4321), EPOCH.plusSeconds(3600), null));
        gate.acquire("gh");
        gate.observe("gh", new Observation(OptionalLong.of(17), EPOCH.plusSeconds(3600), null));

        assertThat(registry.get("forgebus.forge.budget.remaining").tag("forge", "gh").tag("credential", "gh/MyOrg")
                .gauge().value()).isEqualTo(4321);
        assertThat(registry.get("forgebus.forge.budget.remaining").tag("credential", "gh").gauge().value()).isEqualTo(17);
    }

    @Test
    void a_secondary_limit_pause_stops_reads_and_writes_of_that_credential_only() throws Exception {
        var gate = gate(3_600_000, OptionalInt.of(80));
        gate.acquire("gh/A", CallKind.WRITE);
        Instant asked = ticker.now();
        gate.observe("gh/A", new Observation(OptionalLong.of(4000), null, Duration.ofSeconds(60)));

        call(gate, "gh/B", CallKind.WRITE);
        assertThat(Duration.between(asked, ticker.now())).isLessThan(Duration.ofSeconds(1));

        // A's reads are refused during the pause (longer than the gate waits), and go once it ended
        assertThatThrownBy(() -> call(gate, "gh/A", CallKind.READ)).isInstanceOf(ForgeCallException.class);
        ticker.sleepUntil(ticker.nanoTime() + Duration.ofSeconds(60).toNanos());
        call(gate, "gh/A", CallKind.READ);
        assertThat(Duration.between(asked, ticker.now())).isGreaterThanOrEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void github_credentials_get_the_write_pace_from_the_config() throws Exception {
        ForgebusConfig config = ConfigLoader.parse("""
                forges:
                  gh: { type: github, api_url: "http://127.0.0.1:1", token: t }
                  fj: { type: forgejo, api_url: "http://127.0.0.1:2/api/v1", token: t }
                """, "forgebus.yml", Map.<String, String>of()::get);

        var paces = RateLimitedCallGate.writePacesOf(config);

        assertThat(paces.apply("gh")).isEqualTo(OptionalInt.of(80));
        assertThat(paces.apply("gh/MyOrg")).isEqualTo(OptionalInt.of(80));
        assertThat(paces.apply("fj")).isEmpty();
    }
}
