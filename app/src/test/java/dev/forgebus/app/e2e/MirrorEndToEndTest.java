package dev.forgebus.app.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forgebus.common.emit.EmittedEvents;
import dev.forgebus.common.event.Json;
import dev.forgebus.fakeforge.FakeForge;

/**
 * Mirror verification end to end (issue 12.4): a GitHub primary and a Forgejo pull mirror, each on
 * its own fake forge with its own credential. A real GitHub push delivery to {@code run}: a mirror
 * behind is re-checked once after {@code max_drift_seconds}, then synced once with one
 * {@code mirror_drift} notification; a later push it follows reports {@code mirror_recovered}; a
 * mirror already equal is neither re-checked nor synced.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MirrorEndToEndTest {
    private static final Duration WITHIN = Duration.ofSeconds(30);
    private static final String A = "a".repeat(40);
    private static final String B = "b".repeat(40);

    @TempDir
    static Path dir;
    private FakeForge github;
    private FakeForge forgejo;
    private RunningForgebus forgebus;

    @BeforeAll
    void start() throws Exception {
        github = FakeForge.start(FakeForge.Flavor.GITHUB);
        forgejo = FakeForge.start(FakeForge.Flavor.FORGEJO);
        forgejo.nameToken("fj-token", "codeberg");
        String yaml = RunningForgebus.config(github.apiUrl().toString(), TriageEndToEndTest.freePort(), "")
                .replace("""
                        orgs:
                        """, """
                          codeberg:
                            type: forgejo
                            api_url: "%s"
                            token: fj-token
                            webhook_secret: fj-secret
                        orgs:
                          FjOrg: { forge: codeberg }
                        """.formatted(forgejo.apiUrl()))
                .replace("""
                              app: {}
                        """, """
                              app: {}
                              lib:
                                mirror: { enabled: true, primary_forge: github, mirror: "codeberg:FjOrg/lib", verify_on_push: true, max_drift_seconds: 1 }
                              docs:
                                mirror: { enabled: true, primary_forge: github, mirror: "codeberg:FjOrg/docs", verify_on_push: true, max_drift_seconds: 1 }
                        """);
        forgebus = new RunningForgebus(yaml, dir.resolve("data"));
    }

    @AfterAll
    void stop() throws Exception {
        forgebus.close();
        github.close();
        forgejo.close();
    }

    @Test
    void a_mirror_behind_is_rechecked_once_then_synced_once_with_one_drift_notification_and_later_recovers() throws Exception {
        // Given the primary's main at A and the mirror's still at B
        github.setBranch("MyOrg", "lib", "main", A);
        forgejo.setBranch("FjOrg", "lib", "main", B);
        String delivery = RunningForgebus.newDelivery();

        // When GitHub delivers the push of A
        assertThat(forgebus.postGithub("push", delivery, push("lib", "refs/heads/main", A)).statusCode()).isEqualTo(202);

        // Then after one re-check the mirror is asked to sync once and one mirror_drift item is emitted
        await().atMost(WITHIN).until(() -> trace(delivery).toString().contains("mirror drift: branch main"));
        String drift = EmittedEvents.deliveryId("mirror", delivery, "mirror_drift");
        await().atMost(WITHIN).until(() -> trace(drift).path("sightings").size() == 1);
        assertThat(forgejo.mirrorSyncs("FjOrg", "lib")).isEqualTo(1);
        assertThat(forgejo.requests(r -> r.is("POST", ".*/mirror-sync")).get(0).header("Authorization"))
                .hasValueSatisfying(h -> assertThat(h).contains("(codeberg)"));
        assertThat(branchReads(github, "lib")).as("the first comparison and one re-check").isEqualTo(2);
        String traced = trace(delivery).toString();
        assertThat(traced).contains("primary " + A + ", mirror " + B);
        assertThat(trace(drift).toString()).contains("notifications");

        // When the mirror catches up and the next push to the primary arrives
        forgejo.setBranch("FjOrg", "lib", "main", A);
        String next = RunningForgebus.newDelivery();
        forgebus.postGithub("push", next, push("lib", "refs/heads/main", A));

        // Then the recovery is notified once, with no further sync
        String recovered = EmittedEvents.deliveryId("mirror", next, "mirror_recovered");
        await().atMost(WITHIN).until(() -> trace(recovered).path("sightings").size() == 1);
        assertThat(trace(next).toString()).contains("mirror recovered");
        assertThat(forgejo.mirrorSyncs("FjOrg", "lib")).isEqualTo(1);
    }

    @Test
    void a_mirror_already_equal_is_not_rechecked_synced_or_notified() throws Exception {
        // Given primary and mirror both at A
        github.setBranch("MyOrg", "docs", "main", A);
        forgejo.setBranch("FjOrg", "docs", "main", A);
        String delivery = RunningForgebus.newDelivery();

        // When GitHub delivers the push of A
        forgebus.postGithub("push", delivery, push("docs", "refs/heads/main", A));

        // Then the item is done at once: in sync, no re-check, no sync, no notification
        await().atMost(WITHIN).until(() -> trace(delivery).toString().contains("mirror in sync"));
        assertThat(branchReads(github, "docs")).as("one comparison, no re-check").isEqualTo(1);
        assertThat(forgejo.mirrorSyncs("FjOrg", "docs")).isZero();
        assertThat(trace(EmittedEvents.deliveryId("mirror", delivery, "mirror_drift")).path("sightings").size()).isZero();
    }

    /** go-scm's GitHub push delivery, moved to MyOrg/{@code repo} with {@code ref} at {@code after}. */
    private static byte[] push(String repo, String ref, String after) throws Exception {
        try (InputStream in = MirrorEndToEndTest.class.getResourceAsStream("/payloads/github/push.json")) {
            ObjectNode payload = (ObjectNode) Json.MAPPER.readTree(in);
            payload.put("ref", ref).put("after", after);
            ObjectNode repository = (ObjectNode) payload.path("repository");
            repository.put("name", repo).put("full_name", "MyOrg/" + repo);
            ((ObjectNode) repository.path("owner")).put("login", "MyOrg").put("name", "MyOrg");
            return Json.MAPPER.writeValueAsBytes(payload);
        }
    }

    /** Reads of MyOrg/{@code repo}'s branch heads on the primary: one per comparison. */
    private static long branchReads(FakeForge forge, String repo) {
        return forge.requests(r -> r.is("GET", "/repos/MyOrg/" + repo + "/branches.*")).size();
    }

    private JsonNode trace(String delivery) throws Exception {
        return forgebus.adminJson("GET", "/admin/deliveries/" + delivery, null);
    }
}
