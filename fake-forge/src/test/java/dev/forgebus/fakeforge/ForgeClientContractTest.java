package dev.forgebus.fakeforge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import dev.forgebus.common.config.RepoRef;
import dev.forgebus.common.config.Secret;
import dev.forgebus.common.forge.CallGate;
import dev.forgebus.common.forge.ForgeCallException;
import dev.forgebus.common.forge.ForgeCallException.Kind;
import dev.forgebus.common.forge.ForgeClient;
import dev.forgebus.common.forge.ForgeCredential;
import dev.forgebus.common.forge.ForgeTransport;
import dev.forgebus.common.forge.GitHubClient;
import dev.forgebus.common.forge.GiteaClient;

/**
 * What every {@link ForgeClient} must do, run against its forge's fake: {@link GitHubClient} on
 * a GitHub fake ({@link GitHubClientContractTest}), {@link GiteaClient} on a Forgejo fake
 * ({@link GiteaClientContractTest}). Forge-specific rules are in those subclasses. The transport's clock is fixed, so waits computed from dates are exact.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ForgeClientContractTest {
    static final String TOKEN = "contract-test-token-0123456789";
    static final String CREDENTIAL = "forge/MyOrg";
    static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    static final RepoRef REPO = new RepoRef("forge", "MyOrg", "app");

    FakeForge forge;
    ForgeTransport transport;
    RecordingGate gate;
    ForgeClient client;

    abstract FakeForge.Flavor flavor();

    abstract ForgeClient client(URI apiUrl, ForgeCredential credential, CallGate gate, ForgeTransport transport);

    /** {@code Bearer} on GitHub, {@code token} on Forgejo/Gitea. */
    abstract String authorizationScheme();

    @BeforeAll
    void startForge() {
        forge = FakeForge.start(flavor());
        transport = ForgeTransport.of(Duration.ofSeconds(2), Duration.ofSeconds(5), Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @AfterAll
    void stopForge() {
        transport.close();
        forge.close();
    }

    @BeforeEach
    void freshForge() {
        forge.reset();
        forge.requireToken(TOKEN);
        gate = new RecordingGate();
        client = client(forge.apiUrl(), credential(TOKEN), gate, transport);
    }

    static ForgeCredential credential(String token) {
        return new ForgeCredential(CREDENTIAL, Optional.ofNullable(token).map(Secret::of));
    }

    // ---- reading and writing labels ----

    @Test
    void lists_the_labels_of_an_issue() throws Exception {
        // Given
        forge.createIssue("MyOrg", "app", 7, "App crash on start");
        forge.labelIssue("MyOrg", "app", 7, "bug", "ui");

        // When
        List<String> labels = client.labels(REPO, 7);

        // Then
        assertThat(labels).containsExactly("bug", "ui");
    }

    @Test
    void lists_no_labels_of_an_unlabelled_issue() throws Exception {
        forge.createIssue("MyOrg", "app", 7, "Question");

        assertThat(client.labels(REPO, 7)).isEmpty();
    }

    @Test
    void adds_labels_creating_those_the_repository_lacks() throws Exception {
        // Given "bug" exists in the repository, "crash" does not
        forge.createLabel("MyOrg", "app", "bug", "d73a4a");
        forge.createIssue("MyOrg", "app", 7, "App crash on start");

        // When
        client.addLabels(REPO, 7, List.of("bug", "crash"));

        // Then
        assertThat(forge.labels("MyOrg", "app", 7)).containsExactly("bug", "crash");
        assertThat(forge.repositoryLabels("MyOrg", "app")).containsExactly("bug", "crash");
        assertThat(forge.labelChanges("MyOrg", "app", 7)).isEqualTo(1);
    }

    @Test
    void adding_no_labels_makes_no_request() throws Exception {
        forge.createIssue("MyOrg", "app", 7, "App crash on start");

        client.addLabels(REPO, 7, List.of());

        assertThat(forge.requests()).isEmpty();
        assertThat(gate.events()).isEmpty();
    }

    @Test
    void matches_owner_and_repository_case_insensitively_as_forges_do() throws Exception {
        forge.createIssue("myorg", "App", 7, "Crash");

        client.addLabels(new RepoRef("forge", "MYORG", "app"), 7, List.of("bug"));

        assertThat(client.labels(REPO, 7)).containsExactly("bug");
    }

    @Test
    void sends_the_token_in_the_forges_scheme() throws Exception {
        // Given the fake refuses any other token (set in freshForge)
        forge.createIssue("MyOrg", "app", 7, "Crash");

        // When
        client.labels(REPO, 7);

        // Then the recording shows the scheme and masks the credential
        RecordedRequest request = forge.requests().get(0);
        assertThat(request.header("Authorization")).contains(authorizationScheme() + " *****");
        assertThat(request.header("User-Agent")).hasValueSatisfying(ua -> assertThat(ua).startsWith("forgebus/"));
    }

    @Test
    void without_a_token_sends_no_authorization_and_fails_permanently() {
        // Given
        forge.createIssue("MyOrg", "app", 7, "Crash");
        ForgeClient anonymous = client(forge.apiUrl(), credential(null), gate, transport);

        // When
        ForgeCallException failure = catchThrowableOfType(ForgeCallException.class, () -> anonymous.labels(REPO, 7));

        // Then
        assertThat(forge.requests().get(0).header("Authorization")).isEmpty();
        assertThat(failure.kind()).isEqualTo(Kind.PERMANENT);
        assertThat(failure.status()).isEqualTo(401);
    }

    // ---- failures ----

    @Test
    void unknown_issue_is_permanent_with_the_forges_message_and_route() {
        // When
        ForgeCallException failure = catchThrowableOfType(ForgeCallException.class, () -> client.labels(REPO, 404));

        // Then
        assertThat(failure.kind()).isEqualTo(Kind.PERMANENT);
        assertThat(failure.status()).isEqualTo(404);
        assertThat(failure.getMessage())
                .startsWith("GET " + forge.apiUrl().getPath() + "/repos/MyOrg/app/issues/404/labels: 404 ")
                .contains(flavor() == FakeForge.Flavor.GITHUB ? "Not Found" : "The target couldn't be found.")
                .doesNotContain(TOKEN);
    }

    @Test
    void a_token_echoed_by_the_forge_never_reaches_the_message() {
        // Given a forge (or proxy) that repeats the credential in its error
        forge.failNext(1, 400, Map.of(), "{\"message\":\"bad header: Bearer " + TOKEN + "\"}");

        // When
        ForgeCallException failure = catchThrowableOfType(ForgeCallException.class, () -> client.labels(REPO, 7));

        // Then
        assertThat(failure.kind()).isEqualTo(Kind.PERMANENT);
        assertThat(failure.getMessage()).doesNotContain(TOKEN).contains("*****");
    }

    @Test
    void a_5xx_is_transient() {
        forge.failNext(1, 502, Map.of(), "<html><body>502 Bad Gateway</body></html>");

        ForgeCallException failure = catchThrowableOfType(ForgeCallException.class, () -> client.labels(REPO, 7));

        assertThat(failure.kind()).isEqualTo(Kind.TRANSIENT);
        assertThat(failure.status()).isEqualTo(502);
        assertThat(failure.getMessage()).contains("502 Bad Gateway");
    }

    @Test
    void a_429_with_retry_after_is_rate_limited_for_that_long() {
        forge.failNext(1, 429, Map.of("Retry-After", "17"), null);

        ForgeCallException failure = catchThrowableOfType(ForgeCallException.class, () -> client.labels(REPO, 7));

        assertThat(failure.kind()).isEqualTo(Kind.RATE_LIMITED);
        assertThat(failure.retryAfter()).contains(Duration.ofSeconds(17));
    }

    @Test
    void a_429_with_an_http_date_waits_until_that_date() {
        forge.failNext(1, 429, Map.of("Retry-After", "Sun, 01 Mar 2026 12:02:00 GMT"), null);

        ForgeCallException failure = catchThrowableOfType(ForgeCallException.class, () -> client.labels(REPO, 7));

        assertThat(failure.retryAfter()).contains(Duration.ofMinutes(2));
    }

    @Test
    void a_403_with_an_empty_budget_is_rate_limited_until_the_reset() {
        // Given
        long reset = NOW.plusSeconds(120).getEpochSecond();
        forge.failNext(1, 403, Map.of("x-ratelimit-remaining", "0", "x-ratelimit-reset", Long.toString(reset)), null);

        // When
        ForgeCallException failure = catchThrowableOfType(ForgeCallException.class, () -> client.labels(REPO, 7));

        // Then
        assertThat(failure.kind()).isEqualTo(Kind.RATE_LIMITED);
        assertThat(failure.status()).isEqualTo(403);
        assertThat(failure.retryAfter()).contains(Duration.ofSeconds(120));
    }

    @Test
    void a_403_with_retry_after_is_rate_limited() {
        forge.failNext(1, 403, Map.of("Retry-After", "30"), null);

        ForgeCallException failure = catchThrowableOfType(ForgeCallException.class, () -> client.labels(REPO, 7));

        assertThat(failure.kind()).isEqualTo(Kind.RATE_LIMITED);
        assertThat(failure.retryAfter()).contains(Duration.ofSeconds(30));
    }

    @Test
    void a_plain_403_is_permanent() {
        forge.failNext(1, 403, Map.of(), "{\"message\":\"Resource not accessible by integration\"}");

        ForgeCallException failure = catchThrowableOfType(ForgeCallException.class, () -> client.labels(REPO, 7));

        assertThat(failure.kind()).isEqualTo(Kind.PERMANENT);
        assertThat(failure.getMessage()).endsWith("403 Resource not accessible by integration");
    }

    @Test
    void a_422_when_adding_is_permanent() {
        forge.createIssue("MyOrg", "app", 7, "Crash");
        forge.failNextMatching(r -> r.is("POST", ".*/issues/7/labels"), 1, 422, Map.of(), null);

        ForgeCallException failure = catchThrowableOfType(ForgeCallException.class,
                () -> client.addLabels(REPO, 7, List.of("bug")));

        assertThat(failure.kind()).isEqualTo(Kind.PERMANENT);
        assertThat(failure.status()).isEqualTo(422);
        assertThat(failure.getMessage()).startsWith("POST ");
    }

    @Test
    void a_slow_answer_times_out_as_transient() {
        // Given a client that waits 200 ms, and a forge that answers after 1 s
        forge.delayNext(Duration.ofSeconds(1));
        try (ForgeTransport impatient = ForgeTransport.of(Duration.ofSeconds(1), Duration.ofMillis(200), Clock.systemUTC())) {
            ForgeClient hurried = client(forge.apiUrl(), credential(TOKEN), gate, impatient);

            // When
            ForgeCallException failure = catchThrowableOfType(ForgeCallException.class, () -> hurried.labels(REPO, 7));

            // Then
            assertThat(failure.kind()).isEqualTo(Kind.TRANSIENT);
            assertThat(failure.status()).isZero();
            assertThat(failure.getMessage()).contains("timed out");
        }
        assertThat(gate.sequence()).containsExactly("acquire:" + CREDENTIAL, "observe:" + CREDENTIAL);
    }

    @Test
    void a_refused_connection_is_transient_and_still_observed() throws IOException {
        // Given a port nobody listens on
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        URI nowhere = URI.create("http://127.0.0.1:" + port + forge.apiUrl().getPath());
        ForgeClient unreachable = client(nowhere, credential(TOKEN), gate, transport);

        // When
        ForgeCallException failure = catchThrowableOfType(ForgeCallException.class, () -> unreachable.labels(REPO, 7));

        // Then: the gate got its observe (it may hold a concurrency permit), with nothing in it
        assertThat(failure.kind()).isEqualTo(Kind.TRANSIENT);
        assertThat(failure.status()).isZero();
        assertThat(gate.sequence()).containsExactly("acquire:" + CREDENTIAL, "observe:" + CREDENTIAL);
        CallGate.Observation observed = gate.observations().get(0);
        assertThat(observed.remaining()).isEmpty();
        assertThat(observed.resetAt()).isNull();
        assertThat(observed.retryAfter()).isNull();
    }

    // ---- the call gate ----

    @Test
    void every_request_passes_the_gate_once_acquire_before_observe() throws Exception {
        // Given
        forge.createLabel("MyOrg", "app", "bug", "d73a4a");
        forge.createIssue("MyOrg", "app", 7, "Crash");
        forge.failNextMatching(r -> r.is("GET", ".*/issues/7/labels"), 1, 502, Map.of(), null);

        // When: a failed call, then a read and a write
        catchThrowableOfType(ForgeCallException.class, () -> client.labels(REPO, 7));
        client.labels(REPO, 7);
        client.addLabels(REPO, 7, List.of("bug", "new-label"));

        // Then
        int requests = forge.requests().size();
        assertThat(requests).isGreaterThanOrEqualTo(3);
        List<String> expected = Collections.nCopies(requests, List.of("acquire:" + CREDENTIAL, "observe:" + CREDENTIAL))
                .stream().flatMap(List::stream).toList();
        assertThat(gate.sequence()).isEqualTo(expected);
    }

    @Test
    void the_gate_observes_the_forges_retry_after() {
        forge.failNext(1, 429, Map.of("Retry-After", "5"), null);

        catchThrowableOfType(ForgeCallException.class, () -> client.labels(REPO, 7));

        assertThat(gate.observations()).singleElement()
                .satisfies(o -> assertThat(o.retryAfter()).isEqualTo(Duration.ofSeconds(5)));
    }
}
