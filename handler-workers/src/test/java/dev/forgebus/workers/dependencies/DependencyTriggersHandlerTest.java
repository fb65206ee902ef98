package dev.forgebus.workers.dependencies;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forgebus.common.config.ConfigLoader;
import dev.forgebus.common.config.ForgebusConfig;
import dev.forgebus.common.config.ModuleId;
import dev.forgebus.common.config.StandardModules;
import dev.forgebus.common.emit.EmittedEvents;
import dev.forgebus.common.event.EventEnvelope;
import dev.forgebus.common.event.Json;
import dev.forgebus.common.kafka.TopicNames;
import dev.forgebus.fakeforge.FakeForge;
import dev.forgebus.fakeforge.FakeForge.Flavor;
import dev.forgebus.fakeforge.RecordedRequest;
import dev.forgebus.forge.CallGate;
import dev.forgebus.forge.DefaultForgeClients;
import dev.forgebus.forge.ForgeCallException;
import dev.forgebus.forge.ForgeTransport;
import dev.forgebus.workers.Emitter;
import dev.forgebus.workers.Handling;
import dev.forgebus.workers.HandlerServices;
import dev.forgebus.workers.InvalidInputException;
import dev.forgebus.workers.ModuleHandler;
import dev.forgebus.workers.ProgressStores;
import dev.forgebus.workers.TriggerGuard;
import dev.forgebus.workers.settings.RepoSettingsSource;

/** Dependency triggers against a fake GitHub and a fake Forgejo, through the real clients; fan-out recorded in memory. */
class DependencyTriggersHandlerTest {
    private static final Instant NOW = Instant.parse("2026-11-30T10:00:00Z");
    private static FakeForge github;
    private static FakeForge forgejo;
    private static HandlerServices services;
    private static final List<FannedOut> fannedOut = new CopyOnWriteArrayList<>();
    private static final ModuleHandler handler = new TriggerGuard(StandardModules.DEPENDENCY_TRIGGERS, new DependencyTriggersHandler());

    record FannedOut(String source, String forge, String owner, String repo, String key, ObjectNode payload) {
    }

    @BeforeAll
    static void start() throws Exception {
        github = FakeForge.start(Flavor.GITHUB);
        forgejo = FakeForge.start(Flavor.FORGEJO);
        github.nameToken("gh-token", "forge");
        github.nameToken("other-token", "OtherOrg");
        ForgebusConfig config = ConfigLoader.parse("""
                forges:
                  gh: { type: github, api_url: "${GH}", token: gh-token }
                  fj: { type: forgejo, api_url: "${FJ}", token: fj-token }
                orgs:
                  MyOrg:
                    forge: gh
                    repositories:
                      lib: { dependency_triggers: { downstream: [ MyOrg/app, OtherOrg/tool, "fj:FjOrg/site" ], event_type: lib_released } }
                      pre: { dependency_triggers: { downstream: [ MyOrg/app ], include_prereleases: true } }
                  OtherOrg: { forge: gh, token: other-token }
                  FjOrg: { forge: fj }
                """, "forgebus.yml", Map.of("GH", github.apiUrl().toString(), "FJ", forgejo.apiUrl().toString())::get);
        DefaultForgeClients clients = new DefaultForgeClients(config, CallGate.OPEN,
                ForgeTransport.of(Duration.ofSeconds(2), Duration.ofSeconds(5), Clock.systemUTC()));
        Emitter recording = new Emitter() {
            @Override
            public void emit(ModuleId module, String source, String forge, String owner, String repo,
                             dev.forgebus.common.emit.Notification n) {
                throw new AssertionError("no notification expected");
            }

            @Override
            public void fanOut(ModuleId module, String source, String forge, String owner, String repo, String key, ObjectNode payload) {
                assertThat(module).isEqualTo(ModuleId.DEPENDENCY_TRIGGERS);
                fannedOut.add(new FannedOut(source, forge, owner, repo, key, payload));
            }
        };
        services = new HandlerServices(clients, RepoSettingsSource.mainConfigOnly(config, clients), recording, ProgressStores.NONE)
                .forModule(ModuleId.DEPENDENCY_TRIGGERS);
    }

    @AfterAll
    static void stop() {
        github.close();
        forgejo.close();
    }

    @BeforeEach
    void reset() {
        github.reset();
        forgejo.reset();
        fannedOut.clear();
    }

    @Test
    void a_published_release_fans_out_one_work_item_per_downstream_and_calls_no_forge() throws Exception {
        String note = Handling.note(handler, services, release("lib", "v1.2.0", false, false));

        assertThat(fannedOut).extracting(FannedOut::key).containsExactly("gh:MyOrg/app", "gh:OtherOrg/tool", "fj:FjOrg/site");
        assertThat(fannedOut).allSatisfy(f -> {
            assertThat(f.source()).isEqualTo("d-1");
            assertThat(List.of(f.forge(), f.owner(), f.repo())).containsExactly("gh", "MyOrg", "lib");
            assertThat(f.payload().path("tag").asText()).isEqualTo("v1.2.0");
            assertThat(f.payload().path("release_url").asText()).isEqualTo("https://github.example/MyOrg/lib/releases/tag/v1.2.0");
        });
        assertThat(note).contains("3 downstream");
        assertThat(github.requests(RecordedRequest::isWrite)).isEmpty();
    }

    @Test
    void drafts_and_prereleases_are_not_dispatched_unless_configured() throws Exception {
        String draft = Handling.note(handler, services, release("lib", "v1.3.0", true, false));
        String pre = Handling.note(handler, services, release("lib", "v1.3.0-rc.1", false, true));
        assertThat(fannedOut).isEmpty();
        assertThat(draft).contains("include_drafts: false");
        assertThat(pre).contains("include_prereleases: false");

        Handling.note(handler, services, release("pre", "v1.3.0-rc.1", false, true));
        assertThat(fannedOut).extracting(FannedOut::key).containsExactly("gh:MyOrg/app");
    }

    @Test
    void a_github_downstream_work_item_makes_one_repository_dispatch_with_the_upstream_in_its_client_payload() throws Exception {
        github.createRepository("MyOrg", "app");

        Handling.note(handler, services, work("lib", "gh:MyOrg/app", "v1.2.0"));

        assertThat(github.dispatches("MyOrg", "app")).singleElement().satisfies(d -> {
            assertThat(d.eventType()).isEqualTo("lib_released");
            assertThat(Json.MAPPER.readTree(d.clientPayload())).isEqualTo(Json.MAPPER.readTree("""
                    {"upstream":"MyOrg/lib","forge":"gh","tag":"v1.2.0","release_url":"https://github.example/MyOrg/lib/releases/tag/v1.2.0"}
                    """));
        });
        assertThat(github.requests(RecordedRequest::isWrite)).singleElement()
                .satisfies(r -> assertThat(r.header("Authorization")).contains("Bearer ***** (forge)"));
    }

    @Test
    void a_downstream_of_another_org_is_dispatched_with_that_orgs_token() throws Exception {
        github.createRepository("OtherOrg", "tool");

        Handling.note(handler, services, work("lib", "gh:OtherOrg/tool", "v1.2.0"));

        assertThat(github.dispatches("OtherOrg", "tool")).hasSize(1);
        assertThat(github.requests(RecordedRequest::isWrite)).singleElement()
                .satisfies(r -> assertThat(r.header("Authorization")).contains("Bearer ***** (OtherOrg)"));
    }

    @Test
    void a_forgejo_downstream_gets_a_workflow_dispatch_of_the_event_type_file_with_the_payload_as_inputs() throws Exception {
        forgejo.createRepository("FjOrg", "site");

        Handling.note(handler, services, work("lib", "fj:FjOrg/site", "v1.2.0"));

        assertThat(forgejo.workflowDispatches("FjOrg", "site")).singleElement().satisfies(d -> {
            assertThat(d.workflow()).isEqualTo("lib_released.yml");
            assertThat(d.inputs()).containsEntry("upstream", "MyOrg/lib").containsEntry("tag", "v1.2.0").containsEntry("forge", "gh");
        });
        assertThat(github.dispatches("FjOrg", "site")).isEmpty();
    }

    @Test
    void a_downstream_that_does_not_exist_answers_404_a_permanent_failure_of_that_item() {

        ForgeCallException e = catchThrowableOfType(ForgeCallException.class,
                () -> Handling.handle(handler, services, work("lib", "gh:MyOrg/app", "v1.2.0")));

        assertThat(e.kind()).isEqualTo(ForgeCallException.Kind.PERMANENT);
    }

    @Test
    void work_for_a_downstream_no_longer_configured_dispatches_nothing() throws Exception {
        String note = Handling.note(handler, services, work("lib", "gh:Stranger/app", "v1.2.0"));

        assertThat(note).contains("no longer a downstream");
        assertThat(github.requests(RecordedRequest::isWrite)).isEmpty();
    }

    @Test
    void a_release_payload_without_a_tag_is_invalid_input() {
        EventEnvelope broken = envelope("gh", "d-1", "release", "published", "lib", Json.MAPPER.createObjectNode()
                .set("release", Json.MAPPER.createObjectNode().put("html_url", "https://github.example/x")));

        assertThat(catchThrowableOfType(InvalidInputException.class, () -> Handling.handle(handler, services, broken)))
                .hasMessageContaining("tag_name");
    }

    private static EventEnvelope release(String repo, String tag, boolean draft, boolean prerelease) {
        ObjectNode payload = Json.MAPPER.createObjectNode().put("action", "published");
        payload.putObject("release").put("tag_name", tag).put("html_url", "https://github.example/MyOrg/" + repo + "/releases/tag/" + tag)
                .put("draft", draft).put("prerelease", prerelease);
        return envelope("gh", "d-1", "release", "published", repo, payload);
    }

    /** The work item dedup routes for {@code key}, as the emitter writes it. */
    private static EventEnvelope work(String repo, String key, String tag) {
        ObjectNode payload = Json.MAPPER.createObjectNode().put("tag", tag)
                .put("release_url", "https://github.example/MyOrg/" + repo + "/releases/tag/" + tag);
        byte[] value = EmittedEvents.workRecord(new TopicNames("fb"), "dependency-triggers", "d-1", "gh", "MyOrg", repo, key, payload, NOW)
                .value();
        return envelope(EmittedEvents.FORGE_ID, EmittedEvents.workDeliveryId("dependency-triggers", "d-1", key), EmittedEvents.WORK, "",
                repo, Json.MAPPER.valueToTree(Json.read(value, ObjectNode.class)));
    }

    private static EventEnvelope envelope(String forge, String delivery, String event, String action, String repo,
                                          com.fasterxml.jackson.databind.JsonNode payload) {
        return new EventEnvelope(forge, forge.equals("gh") ? "github" : forge, delivery, event, action, "MyOrg", repo, "octocat", NOW,
                List.of(), payload);
    }
}
