package dev.forgebus.common.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Org defaults, repository overrides key by key, mirror from the repository only. */
class ResolutionTest {

    private static ForgebusConfig config;

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
                    release: { trigger: tag_push, draft: true }
                    stale_management: { days_until_stale: 30 }
                    repositories:
                      Listed-Repo:
                        auto_triage: { add_needs_triage_label: false }
                        release: { enabled: false }
                        mirror: { mirror: "codeberg:MyOrg/listed-repo" }
                        stale_management: { days_until_close: 3 }
                  CodebergOrg:
                    forge: codeberg
                    auto_triage: {}
                """, "forgebus.yml", name -> null);
    }

    @Test
    void org_defaults_apply_to_a_repository_the_file_does_not_list() {
        // When
        RepositorySettings settings = config.resolve("github", "MyOrg", "unlisted");

        // Then
        assertThat(settings.repositoryConfigured()).isFalse();
        assertThat(settings.org()).map(OrgConfig::name).contains("MyOrg");
        assertThat(settings.triage().orElseThrow().addNeedsTriageLabel()).isTrue();
        assertThat(settings.release().orElseThrow().draft()).isTrue();
        assertThat(settings.autoMerge()).isEmpty();
        assertThat(settings.mirror()).isEmpty();
    }

    @Test
    void a_repository_block_overrides_its_org_key_by_key() {
        // When
        RepositorySettings settings = config.resolve("github", "MyOrg", "Listed-Repo");

        // Then the overridden key changed and the org's other keys stayed
        TriageSettings triage = settings.triage().orElseThrow();
        assertThat(triage.addNeedsTriageLabel()).isFalse();
        assertThat(triage.rules()).containsExactly(new TriageRule(List.of("crash"), List.of("bug")));
        StaleSettings stale = settings.stale().orElseThrow();
        assertThat(stale.daysUntilStale()).isEqualTo(30);
        assertThat(stale.daysUntilClose()).isEqualTo(3);
        assertThat(stale.staleComment()).contains("30 days").contains("3 days");
        assertThat(settings.repositoryConfigured()).isTrue();
    }

    @Test
    void a_module_disabled_by_a_repository_is_present_but_disabled() {
        // When
        RepositorySettings settings = config.resolve("github", "MyOrg", "Listed-Repo");

        // Then: present, so a trace can say "disabled for this repository", and keeps the org's keys
        ReleaseSettings release = settings.release().orElseThrow();
        assertThat(release.enabled()).isFalse();
        assertThat(release.draft()).isTrue();
        assertThat(settings.enabled(ModuleId.RELEASE)).isFalse();
        assertThat(settings.enabledModules()).containsExactlyInAnyOrder(ModuleId.TRIAGE, ModuleId.STALE, ModuleId.MIRROR);
    }

    @Test
    void mirror_comes_from_the_repository_only() {
        assertThat(config.resolve("github", "MyOrg", "listed-repo").mirror()).contains(
                new MirrorSettings(true, "github", new RepoRef("codeberg", "MyOrg", "listed-repo"), true, 300));
        assertThat(config.resolve("github", "MyOrg", "other").mirror()).isEmpty();
    }

    @Test
    void a_mirror_compares_tags_only_when_it_says_tags_true() throws ConfigException {
        ForgebusConfig parsed = ConfigLoader.parse("""
                forges:
                  github: { type: github, token: t, insecure_no_signature: true }
                  codeberg: { type: forgejo, api_url: "https://codeberg.org/api/v1", token: t, insecure_no_signature: true }
                orgs:
                  MyOrg:
                    forge: github
                    repositories:
                      tagged: { mirror: { mirror: "codeberg:MyOrg/tagged", tags: true } }
                      plain: { mirror: { mirror: "codeberg:MyOrg/plain" } }
                """, "forgebus.yml", name -> null);

        assertThat(parsed.resolve("github", "MyOrg", "tagged").mirror()).hasValueSatisfying(m -> assertThat(m.tags()).isTrue());
        assertThat(parsed.resolve("github", "MyOrg", "plain").mirror()).hasValueSatisfying(m -> assertThat(m.tags()).isFalse());
    }

    @Test
    void owner_and_repository_names_match_case_insensitively() {
        RepositorySettings settings = config.resolve("github", "myorg", "LISTED-REPO");

        assertThat(settings.repositoryConfigured()).isTrue();
        assertThat(settings.triage().orElseThrow().addNeedsTriageLabel()).isFalse();
        assertThat(config.org("github", "MYORG")).isPresent();
    }

    @Test
    void an_org_of_another_forge_is_not_matched() {
        assertThat(config.resolve("codeberg", "MyOrg", "Listed-Repo").org()).isEmpty();
        assertThat(config.resolve("github", "CodebergOrg", "x").triage()).isEmpty();
        assertThat(config.resolve("codeberg", "codebergorg", "x").triage()).isPresent();
    }

    @Test
    void a_repository_of_no_configured_org_gets_nothing() {
        RepositorySettings settings = config.resolve("github", "Stranger", "repo");

        assertThat(settings.org()).isEmpty();
        assertThat(settings.enabledModules()).isEmpty();
    }

    @Test
    void a_module_block_without_enabled_counts_as_enabled() {
        assertThat(config.resolve("codeberg", "CodebergOrg", "x").triage().orElseThrow())
                .isEqualTo(new TriageSettings(true, false, "needs-triage", List.of()));
    }

    @Test
    void a_listed_repository_records_which_modules_it_set_itself() {
        RepoConfig repo = config.orgs().get("MyOrg").repository("listed-repo").orElseThrow();

        assertThat(repo.declaredModules()).containsExactlyInAnyOrder(ModuleId.TRIAGE, ModuleId.RELEASE, ModuleId.MIRROR,
                ModuleId.STALE);
    }
}
