package dev.forgebus.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The stale keys of issue 12 item 1: sweep, dry_run and the assignee and milestone exemptions. */
class StaleSettingsKeysTest {

    private static ForgebusConfig parse(String staleBlock, String repoBlock) throws ConfigException {
        return ConfigLoader.parse("""
                forges:
                  github: { type: github }
                orgs:
                  MyOrg:
                    forge: github
                    stale_management: %s
                    repositories:
                      app:
                        stale_management: %s
                """.formatted(staleBlock, repoBlock), "forgebus.yml", name -> null);
    }

    @Test
    void the_new_keys_default_to_listed_repositories_writing_and_no_exemptions() throws ConfigException {
        // When
        StaleSettings stale = parse("{ days_until_stale: 30 }", "{}").resolve("github", "MyOrg", "app").stale().orElseThrow();

        // Then
        assertThat(stale.sweep()).isEqualTo(StaleSettings.Sweep.LISTED);
        assertThat(stale.dryRun()).isFalse();
        assertThat(stale.exemptAssignees()).isFalse();
        assertThat(stale.exemptMilestones()).isFalse();
    }

    @Test
    void the_org_sets_the_sweep_and_dry_run_and_a_repository_overrides_an_exemption() throws ConfigException {
        // Given
        ForgebusConfig config = parse("{ sweep: all_repositories, dry_run: true, exempt_assignees: true, exempt_milestones: true }",
                "{ exempt_milestones: false }");

        // When
        StaleSettings listed = config.resolve("github", "MyOrg", "app").stale().orElseThrow();
        StaleSettings unlisted = config.resolve("github", "MyOrg", "not-in-the-file").stale().orElseThrow();

        // Then
        assertThat(listed.sweep()).isEqualTo(StaleSettings.Sweep.ALL_REPOSITORIES);
        assertThat(listed.dryRun()).isTrue();
        assertThat(listed.exemptAssignees()).isTrue();
        assertThat(listed.exemptMilestones()).isFalse();
        assertThat(unlisted.exemptMilestones()).isTrue();
        assertThat(unlisted.dryRun()).isTrue();
    }

    @Test
    void an_unknown_sweep_value_is_a_problem_with_its_line() {
        assertThatThrownBy(() -> parse("{ sweep: everything }", "{}"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("sweep");
    }
}
