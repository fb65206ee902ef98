package dev.forgebus.app.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import dev.forgebus.fakeforge.FakeForge;

/**
 * Issue 9.1 end to end: a delivery signed with the forge's secret cannot be acted on as an org
 * with its own secret and token (SecureOrg) by spelling the owner with a Unicode look-alike or by
 * naming it twice; a real delivery is acted on, and traced, as the owner the gateway derived.
 */
class OwnerFactsEndToEndTest {
    private static final Duration WITHIN = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void look_alike_and_duplicate_owners_are_refused_and_the_trace_names_the_owner_that_was_acted_for() throws Exception {
        try (FakeForge forge = FakeForge.start(FakeForge.Flavor.GITHUB);
             RunningForgebus forgebus = new RunningForgebus(RunningForgebus.config(forge.apiUrl().toString(),
                     TriageEndToEndTest.freePort(), """
                       SecureOrg:
                         forge: github
                         token: secure-org-token
                         webhook_secret: secure-org-secret
                         auto_triage: { rules: [ { keywords: [crash], labels: [bug] } ] }
                     """), dir.resolve("data"))) {
            forge.createIssue("SecureOrg", "vault", 1, "crash");
            forge.createIssue("MyOrg", "app", 2, "crash on start");

            // When deliveries signed with the forge's secret name SecureOrg in disguise
            String lookAlike = "{\"action\":\"opened\",\"issue\":{\"number\":1,\"title\":\"crash\"},"
                    + "\"repository\":{\"name\":\"vault\",\"owner\":{\"login\":\"\u017FecureOrg\"}}}";
            String twice = "{\"action\":\"opened\",\"issue\":{\"number\":1,\"title\":\"crash\"},"
                    + "\"repository\":{\"name\":\"vault\",\"owner\":{\"login\":\"MyOrg\"}},"
                    + "\"repository\":{\"name\":\"vault\",\"owner\":{\"login\":\"SecureOrg\"}}}";
            var first = forgebus.postGithub("issues", RunningForgebus.newDelivery(), lookAlike.getBytes(StandardCharsets.UTF_8));
            var second = forgebus.postGithub("issues", RunningForgebus.newDelivery(), twice.getBytes(StandardCharsets.UTF_8));

            // Then both are refused with their reason
            assertThat(first.statusCode()).isEqualTo(400);
            assertThat(first.body()).contains("invalid_owner");
            assertThat(second.statusCode()).isEqualTo(400);
            assertThat(second.body()).contains("malformed_body");

            // And a genuine MyOrg delivery is acted on and traced as MyOrg
            String delivery = RunningForgebus.newDelivery();
            assertThat(forgebus.postGithub("issues", delivery, RunningForgebus.issueOpened("app", 2, "crash on start")).statusCode())
                    .isEqualTo(202);
            await().atMost(WITHIN).until(() -> !forge.labels("MyOrg", "app", 2).isEmpty());
            JsonNode trace = forgebus.adminJson("GET", "/admin/deliveries/" + delivery, null);
            assertThat(trace.path("sightings").path(0).path("owner").asText()).isEqualTo("MyOrg");
            assertThat(forge.requests(r -> r.path().contains("SecureOrg"))).as("nothing was done as SecureOrg").isEmpty();
            assertThat(forge.labels("SecureOrg", "vault", 1)).isEmpty();
        }
    }
}
