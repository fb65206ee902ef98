package dev.forgebus.workers.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.forgebus.common.config.RateLimit;
import dev.forgebus.common.config.RepoRef;
import dev.forgebus.common.config.Secret;
import dev.forgebus.forge.ForgeCallException;
import dev.forgebus.forge.ForgeClient;
import dev.forgebus.forge.ForgeCredential;
import dev.forgebus.forge.ForgeTransport;
import dev.forgebus.forge.GitHubClient;
import dev.forgebus.fakeforge.FakeForge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * The gate and a GitHub client against the fake, on a fake ticker: what GitHub's answers do to
 * the credential's budget (304s, secondary limits, the reported remaining).
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ForgeBudgetEndToEndTest {
    private static final Instant EPOCH = Instant.parse("2026-05-01T12:00:00Z");
    private static final String SECONDARY = "{\"message\":\"You have exceeded a secondary rate limit. Please wait a few"
            + " minutes before you try again.\",\"documentation_url\":\"https://docs.github.com/rest\"}";
    private static final RepoRef REPO_A = new RepoRef("gh", "A", "app");
    private static final RepoRef REPO_B = new RepoRef("gh", "B", "app");

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final FakeTicker ticker = new FakeTicker(EPOCH);
    private FakeForge github;
    private ForgeTransport transport;
    private RateLimitedCallGate gate;
    private ForgeClient clientA;
    private ForgeClient clientB;

    @BeforeEach
    void start() {
        github = FakeForge.start(FakeForge.Flavor.GITHUB, ticker.clock());
        transport = ForgeTransport.of(Duration.ofSeconds(2), Duration.ofSeconds(5), ticker.clock());
        // One call a second per credential, GitHub's 80 writes a minute.
        gate = new RateLimitedCallGate(id -> new RateLimit(3600, 10), id -> OptionalInt.of(80), registry,
                ticker.clock(), ticker, RateLimitedCallGate.DEFAULT_LEASE_TIMEOUT);
        clientA = new GitHubClient(github.apiUrl(), new ForgeCredential("gh/A", Optional.of(Secret.of("ta"))), gate, transport);
        clientB = new GitHubClient(github.apiUrl(), new ForgeCredential("gh/B", Optional.of(Secret.of("tb"))), gate, transport);
        github.createIssue("A", "app", 1, "t");
        github.createIssue("B", "app", 1, "t");
        github.labelIssue("A", "app", 1, "bug");
    }

    @AfterEach
    void stop() {
        transport.close();
        github.close();
    }

    private double budgetGauge(String credential) {
        return registry.get("forgebus.forge.budget.remaining").tag("forge", "gh").tag("credential", credential)
                .gauge().value();
    }

    @Test
    void a_304_counts_against_neither_the_forges_budget_nor_the_local_limiter() throws Exception {
        // Given one answered GET
        clientA.labels(REPO_A, 1);
        long afterFirst = ticker.nanoTime();
        int remaining = github.rateLimitRemaining();

        // When the same GET is answered 304
        assertThat(clientA.labels(REPO_A, 1)).containsExactly("bug");
        long afterSecond = ticker.nanoTime();
        // and the next call follows
        clientA.labels(REPO_A, 1);
        long afterThird = ticker.nanoTime();

        // Then GitHub's budget is untouched, and the call after a 304 did not wait the period a billed call costs
        assertThat(github.rateLimitRemaining()).isEqualTo(remaining);
        assertThat(afterSecond - afterFirst).as("second call after a billed one: a full period")
                .isGreaterThanOrEqualTo(TimeUnit.SECONDS.toNanos(1));
        assertThat(afterThird - afterSecond).as("third call after a 304: half a period")
                .isLessThan(TimeUnit.SECONDS.toNanos(1));
        assertThat(registry.get(RateLimitedCallGate.UNBILLED).tag("credential", "gh/A").counter().count()).isEqualTo(2);
        assertThat(budgetGauge("gh/A")).isEqualTo(remaining);
    }

    @Test
    void a_secondary_limit_with_retry_after_pauses_that_credential_and_nothing_else() throws Exception {
        // Given A's next call is refused with a secondary limit and Retry-After
        github.failNextMatching(r -> r.path().startsWith("/repos/A/"), 1, 403, Map.of("Retry-After", "30"), SECONDARY);

        // When
        ForgeCallException refused = catchThrowableOfType(ForgeCallException.class, () -> clientA.labels(REPO_A, 1));
        Instant asked = ticker.now();

        // Then the call is RATE_LIMITED with the wait, B goes on at once, and A waits until Retry-After
        assertThat(refused.kind()).isEqualTo(ForgeCallException.Kind.RATE_LIMITED);
        assertThat(refused.retryAfter()).contains(Duration.ofSeconds(30));
        clientB.labels(REPO_B, 1);
        clientB.addLabels(REPO_B, 1, java.util.List.of("x"));
        assertThat(Duration.between(asked, ticker.now())).as("B does not wait").isLessThan(Duration.ofSeconds(2));
        assertThat(catchThrowableOfType(ForgeCallException.class, () -> clientA.labels(REPO_A, 1)).refusedByGate()).isTrue();
        ticker.sleepUntil(ticker.nanoTime() + Duration.ofSeconds(30).toNanos());
        clientA.labels(REPO_A, 1);
        assertThat(Duration.between(asked, ticker.now())).isGreaterThanOrEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void a_secondary_limit_without_retry_after_pauses_that_credential_a_minute() throws Exception {
        github.failNextMatching(r -> r.path().startsWith("/repos/A/"), 1, 403, Map.of(), SECONDARY);

        ForgeCallException refused = catchThrowableOfType(ForgeCallException.class,
                () -> clientA.addLabels(REPO_A, 1, java.util.List.of("x")));
        Instant asked = ticker.now();

        assertThat(refused.kind()).isEqualTo(ForgeCallException.Kind.RATE_LIMITED);
        clientB.labels(REPO_B, 1);
        assertThat(Duration.between(asked, ticker.now())).isLessThan(Duration.ofSeconds(2));
        assertThat(catchThrowableOfType(ForgeCallException.class, () -> clientA.labels(REPO_A, 1)).retryAfter())
                .hasValueSatisfying(left -> assertThat(left).isGreaterThan(Duration.ofSeconds(58)));
        ticker.sleepUntil(ticker.nanoTime() + Duration.ofSeconds(60).toNanos());
        clientA.labels(REPO_A, 1);
        assertThat(Duration.between(asked, ticker.now())).isGreaterThanOrEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void a_credential_paused_ten_minutes_is_refused_at_once_without_a_forge_call_and_other_credentials_go_on()
            throws Exception {
        // Given the forge paused A's credential for ten minutes
        github.secondaryRateLimitNext(r -> r.path().startsWith("/repos/A/"), 1, 600);
        catchThrowableOfType(ForgeCallException.class, () -> clientA.labels(REPO_A, 1));
        Instant asked = ticker.now();
        Instant pauseEnds = asked.plusSeconds(600);
        int callsOfA = github.requests(r -> r.path().startsWith("/repos/A/")).size();

        // When A calls again
        ForgeCallException refused = catchThrowableOfType(ForgeCallException.class, () -> clientA.labels(REPO_A, 1));

        // Then the gate answers at once: RATE_LIMITED, due when the pause ends, and no request reached the forge
        assertThat(refused).as("the gate refuses instead of waiting ten minutes").isNotNull();
        assertThat(refused.kind()).isEqualTo(ForgeCallException.Kind.RATE_LIMITED);
        assertThat(refused.retryAfter()).contains(Duration.between(ticker.now(), pauseEnds));
        assertThat(refused.refusedByGate()).isTrue();
        assertThat(ticker.now()).as("no waiting").isEqualTo(asked);
        assertThat(github.requests(r -> r.path().startsWith("/repos/A/"))).hasSize(callsOfA);
        // and B's call goes through
        assertThat(clientB.labels(REPO_B, 1)).isEmpty();
        assertThat(Duration.between(asked, ticker.now())).as("B does not wait").isLessThan(Duration.ofSeconds(2));
        assertThat(github.requests(r -> r.path().startsWith("/repos/B/"))).hasSize(1);
    }

    @Test
    void the_budget_gauge_shows_the_remaining_the_forge_reported() throws Exception {
        github.rateLimit(1000);
        clientA.labels(REPO_A, 1);
        clientA.addLabels(REPO_A, 1, java.util.List.of("x"));

        assertThat(budgetGauge("gh/A")).isEqualTo(github.rateLimitRemaining()).isEqualTo(998);
    }
}
