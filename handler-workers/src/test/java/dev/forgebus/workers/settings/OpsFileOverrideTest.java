package dev.forgebus.workers.settings;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.forgebus.common.config.ConfigLoader;
import dev.forgebus.common.config.ForgebusConfig;
import dev.forgebus.common.config.OpsFile;
import dev.forgebus.common.config.RepoRef;
import dev.forgebus.common.config.TriageRule;
import dev.forgebus.common.event.EventEnvelope;
import dev.forgebus.common.event.Json;
import dev.forgebus.forge.CallGate;
import dev.forgebus.forge.DefaultForgeClients;
import dev.forgebus.forge.ForgeTransport;
import dev.forgebus.fakeforge.FakeForge;
import dev.forgebus.fakeforge.SettableClock;
import dev.forgebus.workers.HandlerServices;
import dev.forgebus.workers.Handling;
import dev.forgebus.workers.triage.TriageHandler;
import dev.forgebus.workers.TriggerGuard;
import dev.forgebus.common.config.StandardModules;

/**
 * A repository's .ops.yaml, read from a fake GitHub through the real client: it overrides the
 * main config for that repository only, is read again after a push touching it or after the
 * refresh interval, and a broken edit leaves the last good one in force.
 */
class OpsFileOverrideTest {
    private static final Duration REFRESH = Duration.ofMinutes(5);
    private static final String GOOD = """
            auto_triage:
              rules: [ { keywords: [flaky], labels: [ci] } ]
            """;

    private static FakeForge github;
    private static ForgeTransport transport;
    private static DefaultForgeClients clients;
    private static ForgebusConfig config;

    private SettableClock clock;
    private RepoSettingsSource source;
    private OpsFileWatch triage;
    private HandlerServices services;

    @BeforeAll
    static void start() throws Exception {
        github = FakeForge.start(FakeForge.Flavor.GITHUB);
        config = ConfigLoader.parse("""
                forges:
                  gh: { type: github, api_url: "${GH}", token: gh-token }
                orgs:
                  MyOrg:
                    forge: gh
                    auto_triage:
                      rules: [ { keywords: [crash, flaky], labels: [bug] } ]
                """, "forgebus.yml", Map.of("GH", github.apiUrl().toString())::get);
        transport = ForgeTransport.of(Duration.ofSeconds(2), Duration.ofSeconds(5), Clock.systemUTC());
        clients = new DefaultForgeClients(config, CallGate.OPEN, transport);
    }

    @AfterAll
    static void stop() {
        clients.close();
        transport.close();
        github.close();
    }

    @BeforeEach
    void fresh() {
        github.reset();
        clock = new SettableClock(Instant.parse("2026-03-01T12:00:00Z"));
        source = new RepoSettingsSource(config, clients, clock, REFRESH);
        triage = new OpsFileWatch(new TriggerGuard(StandardModules.TRIAGE, new TriageHandler()), source);
        services = new HandlerServices(clients, source);
    }

    private static List<TriageRule> rules(RepoSettingsSource.Resolved resolved) {
        return resolved.settings().triage().orElseThrow().rules();
    }

    private static final List<TriageRule> MAIN = List.of(new TriageRule(List.of("crash", "flaky"), List.of("bug")));
    private static final List<TriageRule> OPS = List.of(new TriageRule(List.of("flaky"), List.of("ci")));

    private static EventEnvelope opened(String repo, long number, String title) {
        JsonNode payload = Json.MAPPER.valueToTree(Map.of("action", "opened",
                "issue", Map.of("number", number, "title", title, "labels", List.of()),
                "repository", Map.of("name", repo, "full_name", "MyOrg/" + repo)));
        return new EventEnvelope("gh", "github", "d-" + repo + number, "issues", "opened", "MyOrg", repo, "alice",
                clock().instant(), List.of(), payload);
    }

    private static Clock clock() {
        return Clock.systemUTC();
    }

    private static EventEnvelope push(String repo, String ref, List<String> modified) {
        JsonNode payload = Json.MAPPER.valueToTree(Map.of("ref", ref,
                "commits", List.of(Map.of("id", "abc", "added", List.of(), "modified", modified, "removed", List.of())),
                "repository", Map.of("name", repo, "full_name", "MyOrg/" + repo, "default_branch", "main")));
        return new EventEnvelope("gh", "github", "push-" + modified.hashCode(), "push", "", "MyOrg", repo, "alice",
                clock().instant(), List.of(), payload);
    }

    @Test
    void a_rule_from_the_ops_file_wins_for_that_repository_only() throws Exception {
        // Given: app has a .ops.yaml replacing the org's rules; other has none
        github.putFile("MyOrg", "app", "main", ".ops.yaml", GOOD);
        github.createIssue("MyOrg", "app", 1, "flaky test");
        github.createIssue("MyOrg", "other", 1, "flaky test");

        // When
        String appNote = Handling.note(triage, services, opened("app", 1, "flaky test"));
        Handling.note(triage, services, opened("other", 1, "flaky test"));

        // Then
        assertThat(github.labels("MyOrg", "app", 1)).containsExactly("ci");
        assertThat(github.labels("MyOrg", "other", 1)).containsExactly("bug");
        assertThat(appNote).isEmpty();
    }

    @Test
    void a_push_to_the_default_branch_touching_the_file_refreshes_it() throws Exception {
        // Given: read once (v1), then changed on the forge
        github.putFile("MyOrg", "app", "main", ".ops.yaml", GOOD);
        assertThat(rules(source.settings("gh", "MyOrg", "app"))).isEqualTo(OPS);
        github.putFile("MyOrg", "app", "main", ".ops.yaml", "auto_triage: { rules: [ { keywords: [x], labels: [y] } ] }");

        // When: pushes that do not touch it, or not on the default branch, change nothing
        Handling.note(triage, services, push("app", "refs/heads/main", List.of("README.md")));
        Handling.note(triage, services, push("app", "refs/heads/feature", List.of(".ops.yaml")));
        List<TriageRule> stillCached = rules(source.settings("gh", "MyOrg", "app"));
        // When: the push that does
        Handling.note(triage, services, push("app", "refs/heads/main", List.of(".ops.yaml")));

        // Then
        assertThat(stillCached).isEqualTo(OPS);
        assertThat(rules(source.settings("gh", "MyOrg", "app")))
                .containsExactly(new TriageRule(List.of("x"), List.of("y")));
    }

    @Test
    void an_entry_older_than_the_refresh_interval_is_read_again() throws Exception {
        github.putFile("MyOrg", "app", "main", ".ops.yaml", GOOD);
        source.settings("gh", "MyOrg", "app");
        github.putFile("MyOrg", "app", "main", ".ops.yaml", "auto_triage: { enabled: false }");

        clock.advance(REFRESH.minusSeconds(1));
        boolean beforeInterval = source.settings("gh", "MyOrg", "app").settings().triage().orElseThrow().enabled();
        clock.advance(Duration.ofSeconds(2));
        boolean afterInterval = source.settings("gh", "MyOrg", "app").settings().triage().orElseThrow().enabled();

        assertThat(beforeInterval).isTrue();
        assertThat(afterInterval).isFalse();
    }

    @Test
    void a_broken_edit_keeps_the_last_good_file_and_says_why_in_the_outcome() throws Exception {
        // Given a good file in force, then a broken edit pushed
        github.putFile("MyOrg", "app", "main", ".ops.yaml", GOOD);
        source.settings("gh", "MyOrg", "app");
        github.putFile("MyOrg", "app", "main", ".ops.yaml", "auto_triage:\n  rules: [ { keywords: [flaky] } ]\n");
        Handling.note(triage, services, push("app", "refs/heads/main", List.of(".ops.yaml")));
        github.createIssue("MyOrg", "app", 2, "flaky again");

        // When
        String note = Handling.note(triage, services, opened("app", 2, "flaky again"));

        // Then: the last good rules applied, and the outcome names the problem and its line
        assertThat(github.labels("MyOrg", "app", 2)).containsExactly("ci");
        assertThat(note).contains("the last good one stays in force")
                .contains(".ops.yaml:2: missing required key 'labels' under auto_triage.rules[0]");
    }

    @Test
    void a_credential_key_is_refused_with_its_line_and_the_main_config_applies() throws Exception {
        github.putFile("MyOrg", "app", "main", ".ops.yaml", "auto_triage: { enabled: false }\ntoken: ghp_nope\n");

        RepoSettingsSource.Resolved resolved = source.settings("gh", "MyOrg", "app");

        assertThat(rules(resolved)).isEqualTo(MAIN);
        assertThat(resolved.settings().triage().orElseThrow().enabled()).isTrue();
        assertThat(resolved.problem()).hasValueSatisfying(p -> assertThat(p)
                .contains("the main config's settings apply")
                .contains(".ops.yaml:2: token: not allowed in .ops.yaml")
                .doesNotContain("ghp_nope"));
    }

    @Test
    void without_a_file_the_main_config_applies() throws Exception {
        RepoSettingsSource.Resolved resolved = source.settings("gh", "MyOrg", "app");

        assertThat(rules(resolved)).isEqualTo(MAIN);
        assertThat(resolved.problem()).isEmpty();
    }

    @Test
    void a_removed_file_falls_back_to_the_main_config_after_the_push() throws Exception {
        github.putFile("MyOrg", "app", "main", ".ops.yaml", GOOD);
        source.settings("gh", "MyOrg", "app");
        github.reset(); // the file is gone

        Handling.note(triage, services, push("app", "refs/heads/main", List.of(".ops.yaml")));

        assertThat(rules(source.settings("gh", "MyOrg", "app"))).isEqualTo(MAIN);
    }
    private static long contentRequests() {
        return github.requests(r -> r.path().contains("/contents/")).size();
    }

    @Test
    void a_self_merging_file_is_invalid_settings_with_the_reason_and_the_last_good_one_stays() throws Exception {
        // Given a good file in force, then a file whose merge key merges itself
        github.putFile("MyOrg", "app", "main", ".ops.yaml", GOOD);
        source.settings("gh", "MyOrg", "app");
        github.putFile("MyOrg", "app", "main", ".ops.yaml", "release: {}\nauto_triage: &a { <<: *a }\n");
        source.invalidate(new RepoRef("gh", "MyOrg", "app"));

        // When
        RepoSettingsSource.Resolved resolved = source.settings("gh", "MyOrg", "app");
        long requestsAfterFirstRead = contentRequests();
        RepoSettingsSource.Resolved again = source.settings("gh", "MyOrg", "app");

        // Then
        assertThat(rules(resolved)).isEqualTo(OPS);
        assertThat(resolved.problem()).hasValueSatisfying(p -> assertThat(p)
                .contains("the last good one stays in force").contains(".ops.yaml:2:").contains("merges itself"));
        assertThat(again).isEqualTo(resolved);
        assertThat(contentRequests()).isEqualTo(requestsAfterFirstRead);
    }

    @Test
    void a_reader_that_throws_an_error_gives_invalid_settings_cached_like_a_bad_file() throws Exception {
        // Given a good file read by the real reader, then a new file whose reading throws a StackOverflowError
        github.putFile("MyOrg", "app", "main", ".ops.yaml", GOOD);
        AtomicInteger parses = new AtomicInteger();
        RepoSettingsSource failing = new RepoSettingsSource(config, clients, clock, REFRESH, (cfg, base, ref, text) -> {
            parses.incrementAndGet();
            if (text.equals(GOOD)) {
                return OpsFile.apply(cfg, base, ref, text);
            }
            throw new StackOverflowError();
        });
        failing.settings("gh", "MyOrg", "app");
        github.putFile("MyOrg", "app", "main", ".ops.yaml", "auto_triage: { enabled: false }\n");
        failing.invalidate(new RepoRef("gh", "MyOrg", "app"));

        // When: read, asked again at once, and again after the refresh interval (the file unchanged)
        RepoSettingsSource.Resolved resolved = failing.settings("gh", "MyOrg", "app");
        RepoSettingsSource.Resolved cached = failing.settings("gh", "MyOrg", "app");
        clock.advance(REFRESH.plusSeconds(1));
        RepoSettingsSource.Resolved revalidated = failing.settings("gh", "MyOrg", "app");

        // Then: invalid settings with the reason, the last good rules in force, parsed once per blob
        assertThat(rules(resolved)).isEqualTo(OPS);
        assertThat(resolved.problem()).hasValueSatisfying(p -> assertThat(p)
                .contains("is ignored, the last good one stays in force").contains("StackOverflowError"));
        assertThat(cached).isEqualTo(resolved);
        assertThat(revalidated.problem()).isEqualTo(resolved.problem());
        assertThat(rules(revalidated)).isEqualTo(OPS);
        assertThat(parses).hasValue(2);
    }
}
