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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.forgebus.common.config.ConfigLoader;
import dev.forgebus.common.config.ForgebusConfig;
import dev.forgebus.common.config.HealthProbe;
import dev.forgebus.fakeforge.FakeForge;
import dev.forgebus.forge.CallGate;
import dev.forgebus.forge.DefaultForgeClients;
import dev.forgebus.forge.ForgeTransport;

/** The github_issue sink against a fake GitHub through the real client: one issue per outage, found again without the progress store. */
class ProbeSinkDeliveryTest {
    private static final Instant AT = Instant.parse("2026-11-30T01:00:00Z");
    private static FakeForge github;
    private static HealthProbe probe;
    private static ProbeSinkDelivery delivery;
    private static final ByteArrayOutputStream stdout = new ByteArrayOutputStream();

    @BeforeAll
    static void start() throws Exception {
        github = FakeForge.start(FakeForge.Flavor.GITHUB);
        ForgebusConfig config = ConfigLoader.parse("""
                forges:
                  gh: { type: github, api_url: "${GH}", token: gh-token, insecure_no_signature: true }
                health_monitor:
                  - { name: api, url: "https://api.example.com/health", sinks: [stdout, { github_issue: MyOrg/ops }] }
                """, "forgebus.yml", Map.of("GH", github.apiUrl().toString())::get);
        probe = config.healthMonitor().get(0);
        DefaultForgeClients clients = new DefaultForgeClients(config, CallGate.OPEN,
                ForgeTransport.of(Duration.ofSeconds(2), Duration.ofSeconds(5), Clock.systemUTC()));
        delivery = new ProbeSinkDelivery(clients, HttpClient.newHttpClient(), new PrintStream(stdout, true, StandardCharsets.UTF_8));
    }

    @AfterAll
    static void stop() {
        github.close();
    }

    @BeforeEach
    void reset() {
        github.reset();
        github.createRepository("MyOrg", "ops");
        stdout.reset();
    }

    @Test
    void a_down_change_whose_issue_the_store_forgot_reuses_the_open_issue_with_the_marker_and_the_up_change_closes_it() throws Exception {
        // Given an outage issue already open (a restart lost the stored number)
        github.createIssue("MyOrg", "ops", 5, ProbeSinkDelivery.issueTitle("api"));

        // When the down change is delivered again without a remembered issue
        long issue = delivery.deliver(probe, new StateChange("api", true, "status 503, expected 200", AT), 0);

        // Then no second issue: the open one is the outage's
        assertThat(issue).isEqualTo(5);
        assertThat(github.requests(r -> r.method().equals("POST") && r.path().endsWith("/issues"))).isEmpty();
        assertThat(stdout.toString(StandardCharsets.UTF_8)).contains("health-monitor api down at 2026-11-30T01:00:00Z: status 503");

        // When it is up again, still without a remembered number
        long after = delivery.deliver(probe, new StateChange("api", false, "status 200", AT), 0);

        // Then that issue is commented and closed
        assertThat(after).isZero();
        assertThat(github.issueState("MyOrg", "ops", 5)).isEqualTo("closed");
        assertThat(github.comments("MyOrg", "ops", 5)).singleElement().satisfies(c -> assertThat(c).contains("up again"));
    }

    @Test
    void a_down_change_with_no_open_issue_opens_one_with_the_marker_and_the_failure() throws Exception {
        long issue = delivery.deliver(probe, new StateChange("api", true, "no answer within 5000 ms", AT), 0);

        assertThat(issue).isPositive();
        assertThat(github.issueTitle("MyOrg", "ops", issue)).isEqualTo("[health-monitor] api is down");
        assertThat(github.requests(r -> r.method().equals("POST") && r.path().endsWith("/issues"))).singleElement()
                .satisfies(r -> assertThat(r.body()).contains(ProbeSinkDelivery.marker("api")).contains("no answer within 5000 ms"));
    }
}
