package dev.forgebus.fakeforge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.forgebus.common.config.ConfigLoader;
import dev.forgebus.common.config.ForgebusConfig;
import dev.forgebus.common.config.RepoRef;
import dev.forgebus.forge.DefaultForgeClients;
import dev.forgebus.forge.ForgeCallException;
import dev.forgebus.forge.ForgeClient;
import dev.forgebus.forge.ForgeTransport;
import dev.forgebus.forge.GitHubClient;
import dev.forgebus.forge.GiteaClient;

/** Which credential and which client {@link DefaultForgeClients} hands out, checked on the wire. */
class DefaultForgeClientsTest {
    private static FakeForge github;
    private static FakeForge forgejo;
    private static ForgeTransport transport;
    private static ForgebusConfig config;

    private RecordingGate gate;
    private DefaultForgeClients clients;

    @BeforeAll
    static void start() throws Exception {
        github = FakeForge.start(FakeForge.Flavor.GITHUB);
        forgejo = FakeForge.start(FakeForge.Flavor.FORGEJO);
        transport = ForgeTransport.of(Duration.ofSeconds(2), Duration.ofSeconds(5), Clock.systemUTC());
        config = ConfigLoader.parse("""
                forges:
                  gh: { type: github, api_url: "${GH}", token: forge-token }
                  fj: { type: forgejo, api_url: "${FJ}" }
                  gt: { type: gitea, api_url: "${FJ}", token: gitea-token }
                orgs:
                  TokenOrg: { forge: gh, token: org-token }
                  PlainOrg: { forge: gh }
                """, "forgebus.yml", Map.of("GH", github.apiUrl().toString(), "FJ", forgejo.apiUrl().toString())::get);
    }

    @AfterAll
    static void stop() {
        transport.close();
        github.close();
        forgejo.close();
    }

    @BeforeEach
    void fresh() {
        github.reset();
        forgejo.reset();
        gate = new RecordingGate();
        clients = new DefaultForgeClients(config, gate, transport);
    }

    @Test
    void an_org_with_a_token_uses_it_under_its_own_credential_id() throws Exception {
        // Given the fake accepts only the org's token
        github.createIssue("tokenorg", "app", 1, "t");
        github.requireToken("org-token");

        // When: the owner is spelled as the webhook spells it
        ForgeClient client = clients.forOwner("gh", "tokenorg");
        client.labels(new RepoRef("gh", "tokenorg", "app"), 1);

        // Then
        assertThat(clients.credentialId("gh", "tokenorg")).isEqualTo("gh/TokenOrg");
        assertThat(gate.sequence()).containsExactly("acquire:gh/TokenOrg", "observe:gh/TokenOrg");
    }

    @Test
    void other_owners_use_the_forges_token() throws Exception {
        github.createIssue("PlainOrg", "app", 1, "t");
        github.createIssue("someone", "app", 1, "t");
        github.requireToken("forge-token");

        clients.forOwner("gh", "PlainOrg").labels(new RepoRef("gh", "PlainOrg", "app"), 1);
        clients.forOwner("gh", "someone").labels(new RepoRef("gh", "someone", "app"), 1);

        assertThat(clients.credentialId("gh", "PlainOrg")).isEqualTo("gh");
        assertThat(clients.credentialId("gh", "someone")).isEqualTo("gh");
        assertThat(gate.sequence()).containsOnly("acquire:gh", "observe:gh");
    }

    @Test
    void one_client_per_credential() {
        assertThat(clients.forOwner("gh", "PlainOrg")).isSameAs(clients.forOwner("gh", "someone"));
        assertThat(clients.forOwner("gh", "TokenOrg")).isSameAs(clients.forOwner("gh", "TOKENORG"));
        assertThat(clients.forOwner("gh", "TokenOrg")).isNotSameAs(clients.forOwner("gh", "PlainOrg"));
    }

    @Test
    void the_forge_type_picks_the_client() {
        assertThat(clients.forOwner("gh", "x")).isInstanceOf(GitHubClient.class);
        assertThat(clients.forOwner("fj", "x")).isInstanceOf(GiteaClient.class);
        assertThat(clients.forOwner("gt", "x")).isInstanceOf(GiteaClient.class);
    }

    @Test
    void a_forge_without_a_token_calls_without_authorization_and_fails_permanently() {
        // Given
        forgejo.createIssue("x", "app", 1, "t");
        forgejo.requireToken("anything");

        // When
        ForgeCallException failure = catchThrowableOfType(ForgeCallException.class,
                () -> clients.forOwner("fj", "x").labels(new RepoRef("fj", "x", "app"), 1));

        // Then
        assertThat(forgejo.requests().get(0).header("Authorization")).isEmpty();
        assertThat(failure.kind()).isEqualTo(ForgeCallException.Kind.PERMANENT);
        assertThat(failure.status()).isEqualTo(401);
    }

    @Test
    void an_unknown_forge_is_refused() {
        assertThatThrownBy(() -> clients.forOwner("nope", "x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nope");
    }
}
