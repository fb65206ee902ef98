package dev.forgebus.workers.health;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.forgebus.common.config.ConfigLoader;
import dev.forgebus.common.config.ForgebusConfig;
import dev.forgebus.common.config.HealthProbe;
import dev.forgebus.fakeforge.FakeForge;
import dev.forgebus.forge.CallGate;
import dev.forgebus.forge.DefaultForgeClients;
import dev.forgebus.forge.ForgeTransport;

/** The issue sink on a Forgejo repository ({@code issue: fj:MyOrg/ops}) through the real Forgejo client and the fake forge's Forgejo routes. */
class ForgejoIssueSinkTest {
    private static final Instant AT = Instant.parse("2026-11-30T01:00:00Z");
    private static FakeForge github;
    private static FakeForge forgejo;

    @BeforeAll
    static void start() {
        github = FakeForge.start(FakeForge.Flavor.GITHUB);
        forgejo = FakeForge.start(FakeForge.Flavor.FORGEJO);
        forgejo.createRepository("MyOrg", "ops");
    }

    @AfterAll
    static void stop() {
        github.close();
        forgejo.close();
    }

    @Test
    void down_opens_one_forgejo_issue_with_the_marker_a_repeat_reuses_it_and_up_comments_and_closes_it() throws Exception {
        // Given a probe whose issue sink names a repository on the Forgejo forge (a GitHub forge is declared too)
        ForgebusConfig config = ConfigLoader.parse("""
                forges:
                  gh: { type: github, api_url: "${GH}", token: gh-token, insecure_no_signature: true }
                  fj: { type: forgejo, api_url: "${FJ}", token: fj-token, insecure_no_signature: true }
                health_monitor:
                  - { name: api, url: "https://api.example.com/health", sinks: [{ issue: "fj:MyOrg/ops" }] }
                """, "forgebus.yml", Map.of("GH", github.apiUrl().toString(), "FJ", forgejo.apiUrl().toString())::get);
        HealthProbe probe = config.healthMonitor().get(0);
        DefaultForgeClients clients = new DefaultForgeClients(config, CallGate.OPEN,
                ForgeTransport.of(Duration.ofSeconds(2), Duration.ofSeconds(5), Clock.systemUTC()));
        ProbeSinkDelivery delivery = new ProbeSinkDelivery(clients, HttpClient.newHttpClient(),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));

        // When it goes down, and the change is delivered again after the stored number was lost
        long issue = delivery.deliver(probe, new StateChange("api", true, "status 503, expected 200", AT), 0);
        long again = delivery.deliver(probe, new StateChange("api", true, "status 503, expected 200", AT), 0);

        // Then one issue on Forgejo, titled and marked for the probe, none on GitHub
        assertThat(again).isEqualTo(issue).isPositive();
        assertThat(forgejo.issueTitle("MyOrg", "ops", issue)).isEqualTo("[health-monitor] api is down");
        assertThat(forgejo.requests(r -> r.method().equals("POST") && r.path().endsWith("/repos/MyOrg/ops/issues")))
                .singleElement().satisfies(r -> assertThat(r.body()).contains(ProbeSinkDelivery.marker("api")).contains("status 503"));
        assertThat(github.requests(r -> true)).isEmpty();

        // When it is up again
        long after = delivery.deliver(probe, new StateChange("api", false, "status 200", AT), issue);

        // Then that issue is commented and closed
        assertThat(after).isZero();
        assertThat(forgejo.comments("MyOrg", "ops", issue)).singleElement().satisfies(c -> assertThat(c).contains("up again"));
        assertThat(forgejo.issueState("MyOrg", "ops", issue)).isEqualTo("closed");
    }
}
