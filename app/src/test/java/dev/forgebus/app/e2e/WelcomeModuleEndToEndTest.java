package dev.forgebus.app.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import dev.forgebus.app.Modules;
import dev.forgebus.app.welcome.WelcomeModule;
import dev.forgebus.common.config.ConfigException;
import dev.forgebus.common.config.ConfigLoader;
import dev.forgebus.fakeforge.FakeForge;

/**
 * Issue 10.1: a module that main code never names ({@link WelcomeModule}, test tree only) is
 * registered by one line, {@code Modules.BUILT_IN.with(WelcomeModule.REGISTRATION)}, and then is
 * configured, validated, routed, traced and worked end to end, from a signed webhook to the forge
 * call, with a re-check in between.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WelcomeModuleEndToEndTest {
    private static final Duration WITHIN = Duration.ofSeconds(60);
    private static final Modules WITH_WELCOME = Modules.BUILT_IN.with(WelcomeModule.REGISTRATION);
    private static final String WELCOME = """
                welcome: { message: "Thanks for opening this!", delay: 1s }
            """;

    @TempDir
    static Path dir;
    private FakeForge forge;
    private RunningForgebus forgebus;
    private String yaml;

    @BeforeAll
    void start() throws Exception {
        forge = FakeForge.start(FakeForge.Flavor.GITHUB);
        yaml = RunningForgebus.config(forge.apiUrl().toString(), TriageEndToEndTest.freePort(), "")
                .replace("    repositories:\n", WELCOME + "    repositories:\n")
                .replace("quiet: { auto_triage: { enabled: false } }", "quiet: { welcome: { enabled: false } }");
        forgebus = new RunningForgebus(WITH_WELCOME, yaml, dir.resolve("data"));
    }

    @AfterAll
    void stop() throws Exception {
        forgebus.close();
        forge.close();
    }

    @Test
    void without_its_registration_the_modules_block_is_an_unknown_key() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.parse(yaml, "e2e.yml", name -> null));
        assertThat(e.getMessage()).contains("unknown key 'welcome' under orgs.MyOrg");
    }

    @Test
    void an_opened_issue_is_welcomed_once_after_the_delay_and_the_trace_names_the_module() throws Exception {
        forge.createIssue("MyOrg", "app", 7, "Docs are unclear");
        String delivery = RunningForgebus.newDelivery();
        byte[] body = RunningForgebus.issueOpened("app", 7, "Docs are unclear");

        assertThat(forgebus.postGithub("issues", delivery, body).statusCode()).isEqualTo(202);
        assertThat(forgebus.postGithub("issues", delivery, body).statusCode()).as("a redelivery").isEqualTo(202);

        await().atMost(WITHIN).until(() -> forge.comments("MyOrg", "app", 7).contains("Thanks for opening this!"));
        await().atMost(WITHIN).until(() -> forgebus.metrics().contains("forgebus_worker_rechecks_total{module=\"welcome\"} 1.0"));
        JsonNode routes = forgebus.adminJson("GET", "/admin/deliveries/" + delivery, null).path("sightings").path(0).path("routes");
        assertThat(route(routes, "welcome").path("routed").asBoolean()).isTrue();
        assertThat(route(routes, "welcome").path("reason").asText()).isEqualTo("trigger (issues.opened)");
        assertThat(route(routes, "triage").path("routed").asBoolean()).as("the built-in modules still decide").isTrue();
        assertThat(forge.comments("MyOrg", "app", 7)).containsExactly("Thanks for opening this!");
    }

    @Test
    void a_repository_that_switches_it_off_and_an_event_that_is_not_its_trigger_are_traced_as_such() throws Exception {
        String off = RunningForgebus.newDelivery();
        forgebus.postGithub("issues", off, RunningForgebus.issueOpened("quiet", 8, "Hello"));
        String edited = RunningForgebus.newDelivery();
        byte[] editedBody = new String(RunningForgebus.issueOpened("app", 9, "Hello"), StandardCharsets.UTF_8)
                .replace("\"opened\"", "\"edited\"").getBytes(StandardCharsets.UTF_8);
        forgebus.postGithub("issues", edited, editedBody);

        await().atMost(WITHIN).untilAsserted(() -> {
            assertThat(route(routes(off), "welcome").path("reason").asText()).isEqualTo("module disabled");
            assertThat(route(routes(edited), "welcome").path("reason").asText()).isEqualTo("event not a trigger (issues.edited)");
        });
    }

    private JsonNode routes(String delivery) throws Exception {
        return forgebus.adminJson("GET", "/admin/deliveries/" + delivery, null).path("sightings").path(0).path("routes");
    }

    private static JsonNode route(JsonNode routes, String module) {
        for (JsonNode route : routes) {
            if (route.path("module").asText().equals(module)) {
                return route;
            }
        }
        throw new AssertionError("no route decision for " + module + " in " + routes);
    }
}
