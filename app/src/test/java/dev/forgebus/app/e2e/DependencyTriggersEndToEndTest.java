package dev.forgebus.app.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

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
import dev.forgebus.fakeforge.RecordedRequest;

/**
 * Dependency triggers end to end (issue 11.3): a real GitHub "release published" delivery, posted
 * twice to {@code run}, fans out one work item per downstream; each dispatches once, with its own
 * org's credential and forge; a downstream that does not exist is a dead letter of its own, replayed
 * alone once it exists.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DependencyTriggersEndToEndTest {
    private static final Duration WITHIN = Duration.ofSeconds(60);
    private static final String MODULE = "dependency-triggers";

    @TempDir
    static Path dir;
    private FakeForge github;
    private FakeForge forgejo;
    private RunningForgebus forgebus;

    @BeforeAll
    void start() throws Exception {
        github = FakeForge.start(FakeForge.Flavor.GITHUB);
        forgejo = FakeForge.start(FakeForge.Flavor.FORGEJO);
        github.nameToken("e2e-forge-token", "forge");
        github.nameToken("other-org-token", "OtherOrg");
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
                          OtherOrg: { forge: github, token: other-org-token }
                          FjOrg: { forge: codeberg }
                        """.formatted(forgejo.apiUrl()))
                .replace("""
                              app: {}
                        """, """
                              app: {}
                              lib:
                                dependency_triggers:
                                  on: release
                                  event_type: lib_released
                                  downstream: [ MyOrg/app, OtherOrg/tool, "codeberg:FjOrg/site", MyOrg/gone ]
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
    void a_release_published_twice_dispatches_once_per_downstream_with_each_orgs_credential_and_a_missing_one_dead_letters_alone()
            throws Exception {
        // Given three downstreams that exist and one that does not
        github.createRepository("MyOrg", "app");
        github.createRepository("OtherOrg", "tool");
        forgejo.createRepository("FjOrg", "site");
        String delivery = RunningForgebus.newDelivery();
        byte[] body = releasePublished("MyOrg", "lib");

        // When GitHub delivers "release published" twice (a redelivery)
        assertThat(forgebus.postGithub("release", delivery, body).statusCode()).isEqualTo(202);
        assertThat(forgebus.postGithub("release", delivery, body).statusCode()).isEqualTo(202);

        // Then the missing downstream is a dead letter of its own work item
        String goneId = EmittedEvents.workDeliveryId(MODULE, delivery, "github:MyOrg/gone");
        JsonNode letter = awaitDeadLetter(goneId);
        assertThat(letter.toString()).contains("404");
        // And the others fired, each once (from the fake forge's request log)
        await().atMost(WITHIN).until(() -> dispatchPosts(github, "/repos/MyOrg/app/dispatches").size() == 1
                && dispatchPosts(github, "/repos/OtherOrg/tool/dispatches").size() == 1
                && dispatchPosts(forgejo, "/api/v1/repos/FjOrg/site/actions/workflows/lib_released.yml/dispatches").size() == 1);
        await().atMost(WITHIN).until(() -> trace(delivery).path("sightings").size() == 2);
        for (String key : List.of("github:MyOrg/app", "github:OtherOrg/tool", "codeberg:FjOrg/site")) {
            String id = EmittedEvents.workDeliveryId(MODULE, delivery, key);
            await().atMost(WITHIN).until(() -> trace(id).toString().contains("DONE"));
            assertThat(trace(id).toString()).contains("work for dependency-triggers (" + key + ")");
        }
        assertThat(trace(delivery).path("sightings").get(1).path("duplicate").asBoolean()).isTrue();

        // The GitHub dispatch carries the upstream, tag, release URL and forge; the other org's with that org's token
        assertThat(github.dispatches("MyOrg", "app")).singleElement().satisfies(d -> {
            assertThat(d.eventType()).isEqualTo("lib_released");
            assertThat(Json.MAPPER.readTree(d.clientPayload())).isEqualTo(Json.MAPPER.readTree("""
                    {"upstream":"MyOrg/lib","forge":"github","tag":"v1.0.0",
                     "release_url":"https://github.com/vcalasansh/harness-ngtriggers-test/releases/tag/v1.0.0"}
                    """));
        });
        assertThat(dispatchPosts(github, "/repos/MyOrg/app/dispatches").get(0).header("Authorization"))
                .contains("Bearer ***** (forge)");
        assertThat(dispatchPosts(github, "/repos/OtherOrg/tool/dispatches").get(0).header("Authorization"))
                .contains("Bearer ***** (OtherOrg)");
        assertThat(forgejo.workflowDispatches("FjOrg", "site")).singleElement()
                .satisfies(d -> assertThat(d.inputs()).containsEntry("tag", "v1.0.0").containsEntry("upstream", "MyOrg/lib"));

        // When the missing downstream is created and its dead letter replayed
        github.createRepository("MyOrg", "gone");
        JsonNode replay = forgebus.adminJson("POST", "/admin/dlq/replay",
                "{\"module\":\"" + MODULE + "\",\"ids\":[\"" + letter.path("id").asText() + "\"]}");
        assertThat(replay.toString()).as(replay.toString()).contains(letter.path("id").asText());

        // Then it fires once, and nothing else fires again
        await().atMost(WITHIN).until(() -> dispatchPosts(github, "/repos/MyOrg/gone/dispatches").size() >= 1);
        await().atMost(WITHIN).until(() -> trace(goneId).toString().contains("DONE"));
        assertThat(dispatchPosts(github, "/repos/MyOrg/app/dispatches")).hasSize(1);
        assertThat(dispatchPosts(github, "/repos/OtherOrg/tool/dispatches")).hasSize(1);
        assertThat(forgejo.workflowDispatches("FjOrg", "site")).hasSize(1);
        assertThat(github.dispatches("MyOrg", "gone")).hasSize(1);
    }

    /** The go-scm "release published" delivery, moved to owner/repo. */
    private static byte[] releasePublished(String owner, String repo) throws Exception {
        try (InputStream in = DependencyTriggersEndToEndTest.class.getResourceAsStream("/payloads/github/release_published.json")) {
            ObjectNode payload = (ObjectNode) Json.MAPPER.readTree(in);
            ObjectNode repository = (ObjectNode) payload.path("repository");
            repository.put("name", repo).put("full_name", owner + "/" + repo);
            ((ObjectNode) repository.path("owner")).put("login", owner);
            return Json.MAPPER.writeValueAsBytes(payload);
        }
    }

    private static List<RecordedRequest> dispatchPosts(FakeForge forge, String path) {
        return forge.requests(r -> r.is("POST", java.util.regex.Pattern.quote(path)));
    }

    private JsonNode trace(String delivery) throws Exception {
        return forgebus.adminJson("GET", "/admin/deliveries/" + delivery, null);
    }

    private JsonNode awaitDeadLetter(String delivery) {
        List<JsonNode> found = new ArrayList<>();
        await().atMost(WITHIN).until(() -> {
            found.clear();
            for (JsonNode l : forgebus.adminJson("GET", "/admin/dlq?module=" + MODULE + "&limit=1000", null).path("deadLetters")) {
                if (l.path("deliveryId").asText().equals(delivery)) {
                    found.add(l);
                }
            }
            return !found.isEmpty();
        });
        return found.get(0);
    }
}
