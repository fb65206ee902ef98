package dev.forgebus.app.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.forgebus.fakeforge.FakeForge;

/** A repository's .ops.yaml read by the running workers: its triage rules replace the org's for that repository. */
class OpsFileEndToEndTest {
    private static final Duration WITHIN = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void a_rule_from_the_ops_file_labels_the_issue_of_that_repository_only() throws Exception {
        try (FakeForge forge = FakeForge.start(FakeForge.Flavor.GITHUB);
             RunningForgebus forgebus = new RunningForgebus(
                     RunningForgebus.config(forge.apiUrl().toString(), TriageEndToEndTest.freePort(), ""),
                     dir.resolve("data"))) {
            forge.putFile("MyOrg", "app", "main", ".ops.yaml", "auto_triage:\n  rules: [ { keywords: [crash], labels: [ops-bug] } ]\n");
            forge.createIssue("MyOrg", "app", 1, "crash on start");
            forge.createIssue("MyOrg", "other", 1, "crash on start");

            assertThat(forgebus.postGithub("issues", RunningForgebus.newDelivery(),
                    RunningForgebus.issueOpened("app", 1, "crash on start")).statusCode()).isEqualTo(202);
            assertThat(forgebus.postGithub("issues", RunningForgebus.newDelivery(),
                    RunningForgebus.issueOpened("other", 1, "crash on start")).statusCode()).isEqualTo(202);

            await().atMost(WITHIN).until(() -> !forge.labels("MyOrg", "app", 1).isEmpty()
                    && !forge.labels("MyOrg", "other", 1).isEmpty());
            assertThat(forge.labels("MyOrg", "app", 1)).containsExactly("ops-bug");
            assertThat(forge.labels("MyOrg", "other", 1)).containsExactly("bug");
        }
    }
}
