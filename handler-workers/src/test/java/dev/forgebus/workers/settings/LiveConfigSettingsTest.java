package dev.forgebus.workers.settings;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.forgebus.common.config.ConfigLoader;
import dev.forgebus.common.config.ConfigSource;
import dev.forgebus.common.config.ForgebusConfig;
import dev.forgebus.common.event.EventEnvelope;
import dev.forgebus.common.event.Json;
import dev.forgebus.forge.CallGate;
import dev.forgebus.forge.DefaultForgeClients;
import dev.forgebus.forge.ForgeTransport;
import dev.forgebus.fakeforge.FakeForge;
import dev.forgebus.fakeforge.SettableClock;
import dev.forgebus.workers.HandlerServices;
import dev.forgebus.workers.Handling;
import dev.forgebus.workers.triage.TriageHandler;

/**
 * Handlers read the main config in force once per item (issue 10): a reloaded file changes
 * module settings and org tokens for the next item, also while a cached {@code .ops.yaml} entry
 * is fresh, and without a restart.
 */
class LiveConfigSettingsTest {
    private static FakeForge github;
    private static ForgeTransport transport;

    private ConfigSource config;
    private DefaultForgeClients clients;
    private final TriageHandler triage = new TriageHandler();
    private HandlerServices services;
    private int nextIssue = 1;

    @BeforeAll
    static void startForge() {
        github = FakeForge.start(FakeForge.Flavor.GITHUB);
        transport = ForgeTransport.of(Duration.ofSeconds(2), Duration.ofSeconds(5), Clock.systemUTC());
    }

    @AfterAll
    static void stopForge() {
        transport.close();
        github.close();
    }

    @BeforeEach
    void start() throws Exception {
        github.reset();
        config = new ConfigSource(config("org-token-a", "crash"));
        clients = new DefaultForgeClients(config, CallGate.OPEN, transport);
        RepoSettingsSource settings = new RepoSettingsSource(config, clients,
                new SettableClock(Instant.parse("2026-03-01T12:00:00Z")), Duration.ofMinutes(5));
        services = new HandlerServices(clients, settings);
    }

    @AfterEach
    void stop() {
        github.requireToken(null);
        clients.close();
    }

    private static ForgebusConfig config(String orgToken, String keyword) throws Exception {
        return ConfigLoader.parse("""
                forges:
                  gh: { type: github, api_url: "${GH}", token: forge-token }
                orgs:
                  MyOrg:
                    forge: gh
                    token: %s
                    auto_triage: { rules: [ { keywords: [%s], labels: [bug] } ] }
                """.formatted(orgToken, keyword), "forgebus.yml", Map.of("GH", github.apiUrl().toString())::get);
    }

    private int opened(String title) throws Exception {
        int number = nextIssue++;
        github.createIssue("MyOrg", "app", number, title);
        JsonNode payload = Json.MAPPER.valueToTree(Map.of("action", "opened",
                "issue", Map.of("number", number, "title", title, "labels", List.of()),
                "repository", Map.of("name", "app", "full_name", "MyOrg/app")));
        Handling.handle(triage, services, new EventEnvelope("gh", "github", "d-" + number, "issues", "opened", "MyOrg", "app", "alice",
                Instant.now(), List.of(), payload));
        return number;
    }

    @Test
    void a_keyword_added_by_a_reload_labels_the_next_issue_although_the_cached_settings_are_fresh() throws Exception {
        int before = opened("boom on start");
        assertThat(github.labels("MyOrg", "app", before)).isEmpty();

        config.replace(config("org-token-a", "boom"));
        int after = opened("boom on start");

        assertThat(github.labels("MyOrg", "app", after)).containsExactly("bug");
    }

    @Test
    void a_rotated_org_token_is_sent_with_the_next_call() throws Exception {
        github.requireToken("org-token-a");
        int before = opened("crash");
        assertThat(github.labels("MyOrg", "app", before)).containsExactly("bug");

        github.requireToken("org-token-b");
        config.replace(config("org-token-b", "crash"));
        int after = opened("crash");

        assertThat(github.labels("MyOrg", "app", after)).containsExactly("bug");
    }
}
