package dev.forgebus.workers.triage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.forgebus.common.config.StandardModules;
import dev.forgebus.workers.ModuleHandler;
import dev.forgebus.workers.TriggerGuard;
import dev.forgebus.common.config.ConfigLoader;
import dev.forgebus.common.config.ForgebusConfig;
import dev.forgebus.common.config.ModuleId;
import dev.forgebus.common.event.EventEnvelope;
import dev.forgebus.common.event.Json;
import dev.forgebus.forge.CallGate;
import dev.forgebus.forge.DefaultForgeClients;
import dev.forgebus.forge.ForgeCallException;
import dev.forgebus.forge.ForgeTransport;
import dev.forgebus.fakeforge.FakeForge;
import dev.forgebus.workers.Handling;
import dev.forgebus.workers.HandlerServices;
import dev.forgebus.workers.InvalidInputException;
import dev.forgebus.workers.settings.RepoSettingsSource;
import dev.forgebus.fakeforge.FakeForge.Flavor;

/**
 * Triage against a fake GitHub and a fake Forgejo, through the real clients
 * ({@link DefaultForgeClients} with {@link CallGate#OPEN}).
 */
class TriageHandlerTest {
    private static FakeForge github;
    private static FakeForge forgejo;
    private static ForgeTransport transport;
    private static DefaultForgeClients clients;
    /** As the process composes it: the declaration's trigger in front of the handler. */
    private static final ModuleHandler handler = new TriggerGuard(StandardModules.TRIAGE, new TriageHandler());
    private static HandlerServices services;

    @BeforeAll
    static void start() throws Exception {
        github = FakeForge.start(Flavor.GITHUB);
        forgejo = FakeForge.start(Flavor.FORGEJO);
        ForgebusConfig config = ConfigLoader.parse("""
                forges:
                  gh: { type: github, api_url: "${GH}", token: gh-token }
                  fj: { type: forgejo, api_url: "${FJ}", token: fj-token }
                orgs:
                """ + org("GhOrg", "gh") + org("FjOrg", "fj"), "forgebus.yml",
                Map.of("GH", github.apiUrl().toString(), "FJ", forgejo.apiUrl().toString())::get);
        transport = ForgeTransport.of(Duration.ofSeconds(2), Duration.ofSeconds(5), Clock.systemUTC());
        clients = new DefaultForgeClients(config, CallGate.OPEN, transport);
        services = new HandlerServices(clients, RepoSettingsSource.mainConfigOnly(config, clients));
    }

    private static String org(String name, String forge) {
        return """
                  %s:
                    forge: %s
                    auto_triage:
                      add_needs_triage_label: true
                      rules:
                        - { keywords: [crash, error], labels: [bug] }
                        - { keywords: [docs, documentation], labels: [documentation] }
                    repositories:
                      quiet: { auto_triage: { enabled: false } }
                      plain: { auto_triage: { add_needs_triage_label: false } }
                """.formatted(name, forge);
    }

    /** The runtime's call for a first delivery; triage always answers Done. */
    private static String handle(EventEnvelope item) throws ForgeCallException, InterruptedException {
        return Handling.note(handler, services, item);
    }

    @AfterAll
    static void stop() {
        clients.close();
        transport.close();
        github.close();
        forgejo.close();
    }

    @BeforeEach
    void reset() {
        github.reset();
        forgejo.reset();
    }

    private static FakeForge forge(Flavor flavor) {
        return flavor == Flavor.GITHUB ? github : forgejo;
    }

    private static String owner(Flavor flavor) {
        return flavor == Flavor.GITHUB ? "GhOrg" : "FjOrg";
    }

    /**
     * A delivery as the gateway and dedup would hand it over, its payload shaped like the forge's
     * (Gitea/Forgejo repeat the number at the top level).
     */
    private static EventEnvelope delivery(Flavor flavor, String event, String action, String repo, long number,
                                          String title) {
        String item = event.equals("issues") ? "issue" : "pull_request";
        String top = flavor == Flavor.FORGEJO ? "\"number\": " + number + ", " : "";
        // An edit in these tests is an edit of the title (changes.title), which is what triggers triage.
        String changes = action.equals("edited") ? "\"changes\": {\"title\": {\"from\": \"before\"}}, " : "";
        JsonNode payload = Json.read(("{\"action\": \"" + action + "\", " + changes + top + "\"" + item + "\": {\"number\": " + number
                + ", \"title\": " + Json.MAPPER.valueToTree(title) + ", \"labels\": []}, \"repository\": {\"name\": \""
                + repo + "\", \"full_name\": \"" + owner(flavor) + "/" + repo + "\"}, \"sender\": {\"login\": \"alice\"}}")
                .getBytes(), JsonNode.class);
        return new EventEnvelope(flavor == Flavor.GITHUB ? "gh" : "fj", flavor.name().toLowerCase(), "delivery-" + number,
                event, action, owner(flavor), repo, "alice", Instant.parse("2026-03-01T12:00:00Z"), List.of(), payload);
    }

    @Test
    void is_the_triage_module() {
        assertThat(handler.module()).isEqualTo(ModuleId.TRIAGE);
    }

    @ParameterizedTest
    @EnumSource(Flavor.class)
    void an_opened_issue_with_a_keyword_gets_the_rules_label(Flavor flavor) throws Exception {
        // Given
        FakeForge forge = forge(flavor);
        forge.createIssue(owner(flavor), "app", 7, "App crash on start");

        // When
        handle(delivery(flavor, "issues", "opened", "app", 7, "App crash on start"));

        // Then
        assertThat(forge.labels(owner(flavor), "app", 7)).containsExactly("bug");
    }

    @ParameterizedTest
    @EnumSource(Flavor.class)
    void one_delivery_processed_three_times_changes_labels_once(Flavor flavor) throws Exception {
        // Given
        FakeForge forge = forge(flavor);
        forge.createIssue(owner(flavor), "app", 7, "App crash on start");
        EventEnvelope delivery = delivery(flavor, "issues", "opened", "app", 7, "App crash on start");

        // When: redelivered, replayed, retried after a crash before commit
        handle(delivery);
        handle(delivery);
        handle(delivery);

        // Then
        assertThat(forge.labelChanges(owner(flavor), "app", 7)).isEqualTo(1);
        assertThat(forge.labels(owner(flavor), "app", 7)).containsExactly("bug");
    }

    @ParameterizedTest
    @EnumSource(Flavor.class)
    void an_issue_no_rule_hits_gets_needs_triage(Flavor flavor) throws Exception {
        FakeForge forge = forge(flavor);
        forge.createIssue(owner(flavor), "app", 8, "Question about terrorist movies");

        handle(delivery(flavor, "issues", "opened", "app", 8, "Question about terrorist movies"));

        assertThat(forge.labels(owner(flavor), "app", 8)).containsExactly("needs-triage");
    }

    @ParameterizedTest
    @EnumSource(Flavor.class)
    void an_edited_pull_request_is_triaged_by_its_new_title(Flavor flavor) throws Exception {
        FakeForge forge = forge(flavor);
        forge.createIssue(owner(flavor), "app", 9, "Update docs: error codes");

        handle(delivery(flavor, "pull_request", "edited", "app", 9, "Update docs: error codes"));

        assertThat(forge.labels(owner(flavor), "app", 9)).containsExactlyInAnyOrder("bug", "documentation");
    }

    @ParameterizedTest
    @EnumSource(Flavor.class)
    void only_missing_labels_are_added(Flavor flavor) throws Exception {
        // Given the issue already carries one of the two labels (in another case)
        FakeForge forge = forge(flavor);
        forge.createIssue(owner(flavor), "app", 10, "Crash in docs");
        forge.labelIssue(owner(flavor), "app", 10, "Bug");

        // When
        handle(delivery(flavor, "issues", "edited", "app", 10, "Crash in docs"));

        // Then
        assertThat(forge.labels(owner(flavor), "app", 10)).containsExactly("Bug", "documentation");
        assertThat(forge.labelChanges(owner(flavor), "app", 10)).isEqualTo(1);
    }

    @ParameterizedTest
    @EnumSource(Flavor.class)
    void a_closed_issue_is_not_a_trigger_and_makes_no_call(Flavor flavor) throws Exception {
        forge(flavor).createIssue(owner(flavor), "app", 11, "App crash on start");

        handle(delivery(flavor, "issues", "closed", "app", 11, "App crash on start"));
        handle(delivery(flavor, "issue_comment", "created", "app", 11, "App crash on start"));

        assertThat(forge(flavor).requests()).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(Flavor.class)
    void a_422_from_the_forge_propagates_as_permanent(Flavor flavor) {
        // Given
        FakeForge forge = forge(flavor);
        forge.createIssue(owner(flavor), "app", 12, "App crash on start");
        forge.failNextMatching(r -> r.is("POST", ".*/issues/12/labels"), 1, 422, Map.of(), null);

        // When
        ForgeCallException failure = catchThrowableOfType(ForgeCallException.class,
                () -> handle(delivery(flavor, "issues", "opened", "app", 12, "App crash on start")));

        // Then
        assertThat(failure.kind()).isEqualTo(ForgeCallException.Kind.PERMANENT);
        assertThat(failure.status()).isEqualTo(422);
        assertThat(forge.labels(owner(flavor), "app", 12)).isEmpty();
    }

    @Test
    void a_5xx_propagates_as_transient_so_the_runtime_retries() {
        github.createIssue("GhOrg", "app", 13, "App crash on start");
        github.failNext(1, 503);

        ForgeCallException failure = catchThrowableOfType(ForgeCallException.class,
                () -> handle(delivery(Flavor.GITHUB, "issues", "opened", "app", 13, "App crash on start")));

        assertThat(failure.kind()).isEqualTo(ForgeCallException.Kind.TRANSIENT);
    }

    @Test
    void a_repository_with_triage_disabled_is_left_alone() throws Exception {
        github.createIssue("GhOrg", "quiet", 1, "App crash on start");

        handle(delivery(Flavor.GITHUB, "issues", "opened", "quiet", 1, "App crash on start"));

        assertThat(github.requests()).isEmpty();
    }

    @Test
    void without_needs_triage_and_without_a_hit_nothing_is_called() throws Exception {
        github.createIssue("GhOrg", "plain", 1, "A question");

        handle(delivery(Flavor.GITHUB, "issues", "opened", "plain", 1, "A question"));

        assertThat(github.requests()).isEmpty();
    }

    @Test
    void an_owner_no_org_configures_is_left_alone() throws Exception {
        EventEnvelope stranger = delivery(Flavor.GITHUB, "issues", "opened", "app", 1, "App crash on start");
        stranger = new EventEnvelope(stranger.forge(), stranger.forgeType(), stranger.deliveryId(), stranger.event(),
                stranger.action(), "someone-else", stranger.repo(), stranger.sender(), stranger.receivedAt(),
                stranger.routes(), stranger.payload());

        handle(stranger);

        assertThat(github.requests()).isEmpty();
    }

    @Test
    void a_forgejo_payload_with_the_number_only_at_the_top_level_is_understood() throws Exception {
        // Given a pull request payload whose pull_request object lacks the number
        forgejo.createIssue("FjOrg", "app", 21, "Fix crash");
        JsonNode payload = Json.read(("{\"action\":\"opened\",\"number\":21,"
                + "\"pull_request\":{\"title\":\"Fix crash\"}}").getBytes(), JsonNode.class);
        EventEnvelope delivery = new EventEnvelope("fj", "forgejo", "d-21", "pull_request", "opened", "FjOrg", "app",
                "alice", Instant.now(), List.of(), payload);

        // When
        handle(delivery);

        // Then
        assertThat(forgejo.labels("FjOrg", "app", 21)).containsExactly("bug");
    }

    @Test
    void a_payload_without_a_number_is_an_invalid_payload_and_calls_nothing() {
        JsonNode payload = Json.read("{\"action\":\"opened\",\"issue\":{\"title\":\"App crash\"}}".getBytes(),
                JsonNode.class);
        EventEnvelope delivery = new EventEnvelope("gh", "github", "d-x", "issues", "opened", "GhOrg", "app", "alice",
                Instant.now(), List.of(), payload);

        // Before: a ForgeCallException PERMANENT with a made-up status 0, as if the forge had refused
        InvalidInputException failure = catchThrowableOfType(InvalidInputException.class, () -> handle(delivery));

        assertThat(failure.kind()).isEqualTo(InvalidInputException.Kind.PAYLOAD);
        assertThat(failure.getMessage()).contains("issues.opened").contains("d-x");
        assertThat(github.requests()).isEmpty();
    }
}
