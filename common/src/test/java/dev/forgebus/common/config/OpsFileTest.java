package dev.forgebus.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A repository's .ops.yaml laid over its resolved settings, module settings only. */
class OpsFileTest {

    private static ForgebusConfig config;
    private static final RepoRef APP = new RepoRef("github", "MyOrg", "app");

    @BeforeAll
    static void load() throws ConfigException {
        config = ConfigLoader.parse("""
                forges:
                  github: { type: github }
                  codeberg: { type: forgejo, api_url: "https://codeberg.org/api/v1" }
                orgs:
                  MyOrg:
                    forge: github
                    auto_triage:
                      add_needs_triage_label: true
                      rules: [ { keywords: [crash], labels: [bug] } ]
                    stale_management: { days_until_stale: 30, stale_comment: "cost $${HOME}" }
                    notifications:
                      enabled: false
                    repositories:
                      app:
                        release: { draft: true, tag_pattern: "release-*" }
                        dependency_triggers: { downstream: [ "OtherOrg/b" ] }
                """, "forgebus.yml", name -> null);
    }

    private static RepositorySettings apply(String text) throws ConfigException {
        return OpsFile.apply(config, config.resolve("github", "MyOrg", "app"), APP, text);
    }

    @Test
    void a_module_block_overrides_key_by_key_and_keeps_the_rest() throws ConfigException {
        RepositorySettings settings = apply("""
                auto_triage:
                  rules: [ { keywords: [flaky], labels: [ci] } ]
                release: { draft: false }
                stale_management: { days_until_close: 2 }
                """);

        TriageSettings triage = settings.triage().orElseThrow();
        assertThat(triage.rules()).containsExactly(new TriageRule(List.of("flaky"), List.of("ci")));
        assertThat(triage.addNeedsTriageLabel()).isTrue();
        ReleaseSettings release = settings.release().orElseThrow();
        assertThat(release.draft()).isFalse();
        assertThat(release.tagPattern()).isEqualTo("release-*");
        StaleSettings stale = settings.stale().orElseThrow();
        assertThat(stale.daysUntilStale()).isEqualTo(30);
        assertThat(stale.daysUntilClose()).isEqualTo(2);
        assertThat(stale.staleComment()).isEqualTo("cost ${HOME}");
        assertThat(settings.dependencyTriggers().orElseThrow().downstream())
                .containsExactly(new RepoRef("github", "OtherOrg", "b"));
        assertThat(settings.org()).map(OrgConfig::name).contains("MyOrg");
    }

    @Test
    void an_empty_file_changes_nothing() throws ConfigException {
        assertThat(apply("")).isEqualTo(config.resolve("github", "MyOrg", "app"));
        assertThat(apply("# nothing\n")).isEqualTo(config.resolve("github", "MyOrg", "app"));
    }

    @Test
    void a_credential_key_is_a_problem_with_its_line() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> apply("""
                auto_triage: { enabled: false }
                token: ghp_stolen
                """));

        assertThat(e.problems()).map(ConfigProblem::toString).singleElement().asString()
                .startsWith(".ops.yaml:2: token: not allowed in .ops.yaml")
                .doesNotContain("ghp_stolen");
    }

    @Test
    void server_keys_and_unknown_keys_are_problems() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> apply("""
                forges: {}
                webhook_secret: x
                auto_triage: { rulez: [] }
                """));

        assertThat(e.problems()).map(ConfigProblem::toString).hasSize(3)
                .anySatisfy(p -> assertThat(p).startsWith(".ops.yaml:1: forges: not allowed"))
                .anySatisfy(p -> assertThat(p).startsWith(".ops.yaml:2: webhook_secret: not allowed"))
                .anySatisfy(p -> assertThat(p).startsWith(".ops.yaml:3: unknown key 'rulez' under auto_triage"));
    }

    @Test
    void a_bad_value_is_reported_at_its_line_in_the_ops_file() {
        assertThatThrownBy(() -> apply("""
                release:
                  draft: maybe
                """)).isInstanceOf(ConfigException.class).hasMessageStartingWith(".ops.yaml:2: release.draft");
    }

    @Test
    void the_environment_of_the_server_is_never_read() {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> OpsFile.apply(
                config, config.resolve("github", "MyOrg", "app"), APP, "auto_triage: { needs_triage_label: \"${HOME}\" }"));

        assertThat(e.getMessage()).startsWith(".ops.yaml:1:").contains("HOME");
    }

    @Test
    void dependency_triggers_may_only_name_repositories_of_the_same_owner() throws ConfigException {
        assertThat(apply("dependency_triggers: { downstream: [ \"MyOrg/lib\" ] }").dependencyTriggers().orElseThrow()
                .downstream()).containsExactly(new RepoRef("github", "MyOrg", "lib"));
        assertThatThrownBy(() -> apply("dependency_triggers:\n  downstream: [ \"Victim/repo\" ]"))
                .hasMessageStartingWith(".ops.yaml:2: dependency_triggers.downstream: a .ops.yaml may only trigger");
    }

    @Test
    void enabling_a_module_without_its_required_keys_is_reported_at_the_block() {
        assertThatThrownBy(() -> apply("\nnotifications: { enabled: true }"))
                .hasMessageStartingWith(".ops.yaml:2: missing required key 'channels' under notifications");
    }

    @Test
    void a_repository_of_no_configured_org_is_left_alone() throws ConfigException {
        RepositorySettings none = config.resolve("github", "Stranger", "x");
        assertThat(OpsFile.apply(config, none, new RepoRef("github", "Stranger", "x"), "auto_triage: {}"))
                .isEqualTo(none);
    }

    @Test
    void invalid_yaml_names_the_file() {
        assertThatThrownBy(() -> apply("auto_triage: [")).hasMessageStartingWith(".ops.yaml:");
    }
}
