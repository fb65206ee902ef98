package dev.forgebus.fakeforge;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.forgebus.common.config.RepoRef;
import dev.forgebus.common.config.Secret;
import dev.forgebus.forge.CallGate.Observation;
import dev.forgebus.forge.ForgeClient;
import dev.forgebus.forge.ForgeCredential;
import dev.forgebus.forge.ForgeTransport;
import dev.forgebus.forge.GitHubClient;
import dev.forgebus.forge.GiteaClient;

/** ETags: a repeated GET goes out conditional, and a 304 is answered from the client's cache at no budget. */
class ConditionalGetTest {
    private static final RepoRef REPO = new RepoRef("gh", "MyOrg", "app");
    private static final ForgeCredential CREDENTIAL = new ForgeCredential("gh/MyOrg", Optional.of(Secret.of("t0ken")));

    private final ForgeTransport transport = ForgeTransport.of(Duration.ofSeconds(2), Duration.ofSeconds(5),
            Clock.systemUTC());
    private final RecordingGate gate = new RecordingGate();
    private FakeForge forge;

    @AfterEach
    void stop() {
        transport.close();
        if (forge != null) {
            forge.close();
        }
    }

    private ForgeClient github() {
        forge = FakeForge.start(FakeForge.Flavor.GITHUB);
        forge.requireToken("t0ken");
        forge.createIssue("MyOrg", "app", 7, "t");
        forge.labelIssue("MyOrg", "app", 7, "bug");
        return new GitHubClient(forge.apiUrl(), CREDENTIAL, gate, transport);
    }

    private Observation lastObservation() {
        var observations = gate.observations();
        return observations.get(observations.size() - 1);
    }

    @Test
    void a_304_is_served_from_the_cache_and_spends_no_budget() throws Exception {
        // Given one answered GET
        ForgeClient client = github();
        assertThat(client.labels(REPO, 7)).containsExactly("bug");
        int remaining = forge.rateLimitRemaining();
        assertThat(lastObservation().billed()).isTrue();

        // When the same GET again
        assertThat(client.labels(REPO, 7)).containsExactly("bug");

        // Then it was conditional, answered 304, free at the forge and reported unbilled to the gate
        var gets = forge.requests(r -> r.method().equals("GET"));
        assertThat(gets.get(0).header("If-None-Match")).isEmpty();
        assertThat(gets.get(1).header("If-None-Match")).isPresent();
        assertThat(forge.rateLimitRemaining()).isEqualTo(remaining);
        assertThat(lastObservation().billed()).isFalse();
        assertThat(lastObservation().remaining()).hasValue(remaining);
    }

    @Test
    void a_changed_resource_is_fetched_and_billed() throws Exception {
        ForgeClient client = github();
        client.labels(REPO, 7);
        int remaining = forge.rateLimitRemaining();

        forge.labelIssue("MyOrg", "app", 7, "ui");

        assertThat(client.labels(REPO, 7)).containsExactly("bug", "ui");
        assertThat(forge.rateLimitRemaining()).isEqualTo(remaining - 1);
        assertThat(lastObservation().billed()).isTrue();
    }

    @Test
    void writes_are_not_conditional() throws Exception {
        ForgeClient client = github();
        client.addLabels(REPO, 7, java.util.List.of("ui"));
        client.addLabels(REPO, 7, java.util.List.of("ui"));

        assertThat(forge.requests(r -> !r.method().equals("GET")))
                .allSatisfy(r -> assertThat(r.header("If-None-Match")).isEmpty());
    }

    @Test
    void forgejo_answers_are_cached_too() throws Exception {
        forge = FakeForge.start(FakeForge.Flavor.FORGEJO);
        forge.createIssue("MyOrg", "app", 7, "t");
        forge.labelIssue("MyOrg", "app", 7, "bug");
        ForgeClient client = new GiteaClient(forge.apiUrl(), CREDENTIAL, gate, transport);

        client.labels(REPO, 7);
        assertThat(client.labels(REPO, 7)).containsExactly("bug");

        assertThat(lastObservation().billed()).isFalse();
    }
}
