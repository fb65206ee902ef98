package dev.forgebus.app.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Predicate;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.forgebus.fakeforge.FakeForge;
import dev.forgebus.fakeforge.RecordedRequest;

/**
 * Two orgs on one forge with tokens of their own, so two credentials, and one partition for every
 * topic, so their items queue behind each other. The forge pauses org A's credential: A's items
 * wait in a retry tier until the pause ends, and B's item behind them does not wait at all.
 */
class PausedCredentialEndToEndTest {
    private static final Predicate<RecordedRequest> OF_A = r -> r.path().startsWith("/repos/OrgA/");
    private static final Predicate<RecordedRequest> OF_B = r -> r.path().startsWith("/repos/OrgB/");

    @TempDir
    Path dir;
    private FakeForge forge;
    private RunningForgebus forgebus;

    @BeforeEach
    void start() throws Exception {
        forge = FakeForge.start(FakeForge.Flavor.GITHUB);
        forgebus = new RunningForgebus(config(forge.apiUrl().toString(), TriageEndToEndTest.freePort()), dir.resolve("data"));
        for (String org : List.of("OrgA", "OrgB")) {
            for (int issue = 1; issue <= 2; issue++) {
                forge.createIssue(org, "app", issue, "crash " + issue);
            }
        }
    }

    @AfterEach
    void stop() throws Exception {
        forgebus.close();
        forge.close();
    }

    @Test
    void an_item_of_another_credential_behind_items_of_a_paused_one_is_handled_while_the_pause_lasts() throws Exception {
        // Given the forge answers A's next call with a secondary rate limit of a minute
        forge.secondaryRateLimitNext(OF_A, 1, 60);

        // When two items of A, then one of B, arrive on the one partition
        post("OrgA", 1);
        post("OrgA", 2);
        post("OrgB", 1);

        // Then B's item is handled long before A's pause ends
        await().atMost(Duration.ofSeconds(20)).until(() -> forge.labels("OrgB", "app", 1).contains("bug"));
        // and A's credential made no call after the refused one (A#1 reading its .ops.yaml): A#2 did not reach the forge
        assertThat(forge.requests(OF_A)).hasSize(1);
    }

    @Test
    void items_of_a_paused_credential_are_handled_once_after_the_pause_ends() throws Exception {
        // Given the forge answers A's next call with a secondary rate limit of 6 s
        forge.secondaryRateLimitNext(OF_A, 1, 6);

        // When two items of A, then one of B, arrive on the one partition
        post("OrgA", 1);
        post("OrgA", 2);
        post("OrgB", 1);

        // Then all three get their label
        await().atMost(Duration.ofSeconds(60)).until(() -> forge.labels("OrgA", "app", 1).contains("bug")
                && forge.labels("OrgA", "app", 2).contains("bug") && forge.labels("OrgB", "app", 1).contains("bug"));
        List<RecordedRequest> all = forge.requests();
        RecordedRequest refused = forge.requests(OF_A).get(0);
        Instant pauseEnds = refused.arrivedAt().plusSeconds(6);
        List<RecordedRequest> laterOfA = forge.requests(OF_A).subList(1, forge.requests(OF_A).size());
        // A's credential made no call while paused
        assertThat(laterOfA).isNotEmpty().allSatisfy(r -> assertThat(r.arrivedAt()).isAfterOrEqualTo(pauseEnds));
        // B went first: its calls came before A's next one
        int firstOfB = all.indexOf(forge.requests(OF_B).get(0));
        int secondOfA = all.indexOf(laterOfA.get(0));
        assertThat(firstOfB).as("B's first call comes before A's calls after the pause").isLessThan(secondOfA);
        // and each item of A was handled once: it read its labels once and added the missing one once
        assertThat(calls("GET", "/repos/OrgA/app/issues/1/labels")).isEqualTo(1);
        assertThat(calls("GET", "/repos/OrgA/app/issues/2/labels")).isEqualTo(1);
        assertThat(forge.labelChanges("OrgA", "app", 1)).isEqualTo(1);
        assertThat(forge.labelChanges("OrgA", "app", 2)).isEqualTo(1);
        await().atMost(Duration.ofSeconds(20)).until(() -> parked() >= 1);
    }

    private long calls(String method, String path) {
        return forge.requests(r -> r.method().equals(method) && r.path().equals(path)).size();
    }

    /** Items moved to a retry tier because their credential was paused (no attempt spent). */
    private double parked() throws Exception {
        return forgebus.metrics().lines()
                .filter(l -> l.startsWith("forgebus_worker_parked_total") && l.contains("module=\"triage\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum();
    }

    private void post(String org, int issue) throws Exception {
        byte[] body = ("{\"action\":\"opened\",\"issue\":{\"number\":" + issue + ",\"title\":\"crash " + issue + "\",\"labels\":[]},"
                + "\"repository\":{\"name\":\"app\",\"full_name\":\"" + org + "/app\",\"owner\":{\"login\":\"" + org + "\"}},"
                + "\"sender\":{\"login\":\"octocat\"}}").getBytes(StandardCharsets.UTF_8);
        assertThat(forgebus.postGithub("issues", RunningForgebus.newDelivery(), body).statusCode()).isEqualTo(202);
    }

    /** One forge, two orgs with their own tokens (two credentials), one partition per topic. */
    private static String config(String apiUrl, int kafkaPort) {
        return """
                server: { port: 0 }
                management: { port: 0 }
                admin: { token: %s }
                kafka: { bootstrap_servers: "", embedded: { port: %d }, partitions: 1 }
                workers: { max_attempts: 3, backoff: [200ms, 300ms] }
                forges:
                  github:
                    type: github
                    api_url: "%s"
                    token: e2e-forge-token
                    webhook_secret: %s
                    rate_limit: { requests_per_hour: 360000, max_concurrent: 4, writes_per_minute: 60000 }
                orgs:
                  OrgA:
                    forge: github
                    token: token-of-org-a
                    auto_triage:
                      rules:
                        - { keywords: [crash], labels: [bug] }
                    repositories:
                      app: {}
                  OrgB:
                    forge: github
                    token: token-of-org-b
                    auto_triage:
                      rules:
                        - { keywords: [crash], labels: [bug] }
                    repositories:
                      app: {}
                """.formatted(RunningForgebus.ADMIN_TOKEN, kafkaPort, apiUrl, RunningForgebus.SECRET);
    }
}
