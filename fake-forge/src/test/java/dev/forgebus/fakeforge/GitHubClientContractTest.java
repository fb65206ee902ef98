package dev.forgebus.fakeforge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.net.URI;
import java.util.List;
import java.util.OptionalLong;

import org.junit.jupiter.api.Test;

import dev.forgebus.common.forge.CallGate;
import dev.forgebus.common.forge.ForgeCallException;
import dev.forgebus.common.forge.ForgeCallException.Kind;
import dev.forgebus.common.forge.ForgeClient;
import dev.forgebus.common.forge.ForgeCredential;
import dev.forgebus.common.forge.ForgeTransport;
import dev.forgebus.common.forge.GitHubClient;

/** {@link GitHubClient} on a GitHub fake: the shared contract plus GitHub's own rules. */
class GitHubClientContractTest extends ForgeClientContractTest {

    @Override
    FakeForge.Flavor flavor() {
        return FakeForge.Flavor.GITHUB;
    }

    @Override
    ForgeClient client(URI apiUrl, ForgeCredential credential, CallGate gate, ForgeTransport transport) {
        return new GitHubClient(apiUrl, credential, gate, transport);
    }

    @Override
    String authorizationScheme() {
        return "Bearer";
    }

    @Test
    void sends_githubs_api_headers() throws Exception {
        forge.createIssue("MyOrg", "app", 7, "Crash");

        client.labels(REPO, 7);

        RecordedRequest request = forge.requests().get(0);
        assertThat(request.header("Accept")).contains("application/vnd.github+json");
        assertThat(request.header("X-GitHub-Api-Version")).contains("2022-11-28");
        assertThat(request.query()).isEqualTo("per_page=100");
    }

    @Test
    void follows_the_link_header_through_every_page() throws Exception {
        // Given five labels and pages of two
        forge.createIssue("MyOrg", "app", 7, "Crash");
        forge.labelIssue("MyOrg", "app", 7, "a", "b", "c", "d", "e");
        forge.maxPageSize(2);

        // When
        List<String> labels = client.labels(REPO, 7);

        // Then
        assertThat(labels).containsExactly("a", "b", "c", "d", "e");
        assertThat(forge.requests()).extracting(RecordedRequest::query)
                .containsExactly("per_page=100", "per_page=2&page=2", "per_page=2&page=3");
    }

    @Test
    void adds_labels_by_name_in_one_request() throws Exception {
        forge.createIssue("MyOrg", "app", 7, "Crash");

        client.addLabels(REPO, 7, List.of("bug", "crash", "bug"));

        assertThat(forge.requests()).singleElement().satisfies(request -> {
            assertThat(request.is("POST", "/repos/MyOrg/app/issues/7/labels")).isTrue();
            assertThat(request.json().toString()).isEqualTo("{\"labels\":[\"bug\",\"crash\"]}");
        });
    }

    @Test
    void the_gate_observes_the_remaining_budget() throws Exception {
        // Given
        forge.createIssue("MyOrg", "app", 7, "Crash");
        forge.rateLimit(10);

        // When
        client.labels(REPO, 7);

        // Then
        CallGate.Observation observed = gate.observations().get(0);
        assertThat(observed.remaining()).isEqualTo(OptionalLong.of(9));
        assertThat(observed.resetAt()).isNotNull();
    }

    @Test
    void a_spent_budget_is_rate_limited() throws Exception {
        // Given one request left
        forge.createIssue("MyOrg", "app", 7, "Crash");
        forge.rateLimit(1);
        client.labels(REPO, 7);

        // When
        ForgeCallException failure = catchThrowableOfType(ForgeCallException.class, () -> client.labels(REPO, 7));

        // Then: GitHub's primary limit, 403 with x-ratelimit-remaining 0
        assertThat(failure.kind()).isEqualTo(Kind.RATE_LIMITED);
        assertThat(failure.status()).isEqualTo(403);
        assertThat(failure.getMessage()).contains("API rate limit exceeded");
        assertThat(failure.retryAfter()).isPresent();
    }

    @Test
    void a_secondary_rate_limit_without_headers_waits_a_minute() {
        forge.failNext(1, 403, java.util.Map.of("x-ratelimit-remaining", "4000"),
                "{\"message\":\"You have exceeded a secondary rate limit. Please wait a few minutes before you try again.\"}");

        ForgeCallException failure = catchThrowableOfType(ForgeCallException.class, () -> client.labels(REPO, 7));

        assertThat(failure.kind()).isEqualTo(Kind.RATE_LIMITED);
        assertThat(failure.retryAfter()).contains(java.time.Duration.ofSeconds(60));
    }
}
