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
import dev.forgebus.fakeforge.FakeReceivers;

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
    private FakeReceivers receivers;
    private RunningForgebus forgebus;

    @BeforeAll
    void start() throws Exception {
        github = FakeForge.start(FakeForge.Flavor.GITHUB);
        forgejo = FakeForge.start(FakeForge.Flavor.FORGEJO);
        forgejo.nameToken("fj-token", "codeberg");
        receivers = FakeReceivers.start();
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
                          MyOrg-codeberg:
                            name: MyOrg
                            forge: codeberg
                            notifications: { channels: [ { name: ops, type: webhook, url: "%s" } ] }
                            repositories:
                              site:
                                mirror: { enabled: true, primary_forge: github, mirror: "codeberg:FjOrg/site", verify_on_push: true, max_drift_seconds: 1 }
                        """.formatted(forgejo.apiUrl(), receivers.url("hooks/codeberg-ops")))
                .replace("""
                              app: {}
                        """, """
                              app: {}
                              lib:
                                mirror: { enabled: true, primary_forge: github, mirror: "codeberg:FjOrg/lib", verify_on_push: true, max_drift_seconds: 1 }
                              docs:
                                mirror: { enabled: true, primary_forge: github, mirror: "codeberg:FjOrg/docs", verify_on_push: true, max_drift_seconds: 1 }
                              tagged:
                                mirror: { enabled: true, primary_forge: github, mirror: "codeberg:FjOrg/tagged", verify_on_push: true, max_drift_seconds: 1, tags: true }
                              www:
                                mirror: { enabled: true, primary_forge: github, mirror: "github:MyOrg/www-mirror", verify_on_push: true, max_drift_seconds: 1 }
                        """);
        forgebus = new RunningForgebus(yaml, dir.resolve("data"));
    }

    @AfterAll
    void stop() throws Exception {
        forgebus.close();
        github.close();
        forgejo.close();
        receivers.close();
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

    @Test
    void drift_of_a_mirror_configured_by_an_org_on_another_forge_is_notified_through_that_orgs_channels() throws Exception {
        // Given MyOrg/site's mirror block in the codeberg org MyOrg (with a notification channel), the GitHub MyOrg having none
        github.setBranch("MyOrg", "site", "main", A);
        forgejo.setBranch("FjOrg", "site", "main", B);
        String delivery = RunningForgebus.newDelivery();

        // When GitHub delivers the push of A and the mirror stays behind
        forgebus.postGithub("push", delivery, push("site", "refs/heads/main", A));

        // Then the drift reaches the configuring org's channel, with both SHAs
        await().atMost(WITHIN).until(() -> receivers.accepted("hooks/codeberg-ops").size() == 1);
        assertThat(receivers.accepted("hooks/codeberg-ops").getFirst().body()).contains("mirror_drift").contains(A).contains(B);
        assertThat(forgejo.mirrorSyncs("FjOrg", "site")).isEqualTo(1);
    }

    @Test
    void a_github_mirror_that_drifted_is_notified_without_a_sync_call_and_the_outcome_says_why() throws Exception {
        // Given a mirror on GitHub, which has no pull mirrors, behind its primary
        github.setBranch("MyOrg", "www", "main", A);
        github.setBranch("MyOrg", "www-mirror", "main", B);
        String delivery = RunningForgebus.newDelivery();

        // When GitHub delivers the push of A
        forgebus.postGithub("push", delivery, push("www", "refs/heads/main", A));

        // Then one drift notification, no sync request anywhere, and the outcome says why not
        String drift = EmittedEvents.deliveryId("mirror", delivery, "mirror_drift");
        await().atMost(WITHIN).until(() -> trace(drift).path("sightings").size() == 1);
        await().atMost(WITHIN).until(() -> trace(delivery).toString().contains("mirror drift: branch main"));
        assertThat(trace(delivery).toString()).contains("no sync: github has no pull mirrors");
        assertThat(github.requests(r -> r.path().contains("mirror-sync"))).isEmpty();
        assertThat(forgejo.requests(r -> r.path().contains("www"))).isEmpty();
    }

    @Test
    void a_tag_push_is_compared_as_a_tag_only_where_tags_is_true() throws Exception {
        // Given tag v1 equal on both copies of 'tagged' (tags: true) and of 'docs' (no tags key)
        github.setTag("MyOrg", "tagged", "v1", A);
        forgejo.setTag("FjOrg", "tagged", "v1", A);
        String tagged = RunningForgebus.newDelivery();
        String untagged = RunningForgebus.newDelivery();

        // When GitHub delivers the two tag pushes
        forgebus.postGithub("push", tagged, push("tagged", "refs/tags/v1", A));
        forgebus.postGithub("push", untagged, push("docs", "refs/tags/v1", A));

        // Then 'tagged' compared the tag heads and 'docs' read nothing
        await().atMost(WITHIN).until(() -> trace(tagged).toString().contains("mirror in sync: tag v1"));
        await().atMost(WITHIN).until(() -> trace(untagged).toString().contains("tags are not compared"));
        assertThat(github.requests(r -> r.is("GET", "/repos/MyOrg/tagged/tags.*"))).hasSize(1);
        assertThat(github.requests(r -> r.is("GET", "/repos/MyOrg/docs/tags.*"))).isEmpty();
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
