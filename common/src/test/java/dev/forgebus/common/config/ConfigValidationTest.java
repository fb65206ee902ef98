package dev.forgebus.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Every problem of a file is reported at once, each as FILE:LINE: message. */
class ConfigValidationTest {

    private static List<String> problemsOf(String yaml) {
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> ConfigLoader.parse(yaml, "forgebus.yml", name -> null));
        assertThat(e).as("expected the config to be rejected").isNotNull();
        return e.problems().stream().map(ConfigProblem::toString).toList();
    }

    @Test
    void a_broken_file_yields_all_of_its_problems_each_with_its_line() {
        // Given a file with a dozen different mistakes
        Path file = Path.of("src/test/resources/config/broken.yml");

        // When
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(file, name -> null));

        // Then
        String f = file.toString();
        assertThat(e.problems()).map(ConfigProblem::toString).containsExactly(
                f + ":2: unknown key 'prot' under server (allowed: bind, port, max_body_bytes, request_timeout, min_data_rate, max_in_flight)",
                f + ":3: server.max_body_bytes: expected an integer, got 'lots'",
                f + ":5: dedup.retention: expected a duration such as 500ms, 30s, 5m, 2h or 7d, got '7'"
                        + " (a bare number is ambiguous: add a unit)",
                f + ":7: workers.backoff[1]: expected a duration such as 500ms, 30s, 5m, 2h or 7d, got '5 minutes'",
                f + ":11: forges.github.token: expected a string, got a list (the value is a secret and is not shown)",
                f + ":13: forges.gitlab.type: expected one of github, forgejo, gitea, got 'gitlab'",
                f + ":17: orgs.MyOrg.forge: no forge 'githbu' is configured (configured: github, gitlab)",
                f + ":18: orgs.MyOrg.mirror: repository-level only (it names things of one repository, so it has"
                        + " no org default): move it under repositories.<name> of this org",
                f + ":21: orgs.Other.auto_merge.merge_method: 'fast-forward-only' is not available on github forges"
                        + " (allowed: merge, squash, rebase)",
                f + ":22: orgs.Other.stale_management.schedule: expected a cron expression of 5 fields"
                        + " (minute hour day-of-month month day-of-week), got 4 fields: '0 3 * *'",
                f + ":24: missing required key 'workflow' under cron_dispatch[0]",
                f + ":30: health_monitor[0].every: expected a duration such as 500ms, 30s, 5m, 2h or 7d, got '60'"
                        + " (a bare number is ambiguous: add a unit)");
        assertThat(e.getMessage()).isEqualTo(String.join("\n", e.problems().stream().map(ConfigProblem::toString).toList()));
    }

    @Test
    void a_wrong_type_names_the_key_and_echoes_the_value() {
        assertThat(problemsOf("""
                server:
                  port: abc
                """)).containsExactly("forgebus.yml:2: server.port: expected an integer, got 'abc'");
    }

    @Test
    void writes_per_minute_is_read_and_a_negative_one_refused() throws ConfigException {
        ForgebusConfig config = ConfigLoader.parse("""
                forges:
                  gh: { type: github, token: t, rate_limit: { writes_per_minute: 20 } }
                  fj: { type: forgejo, api_url: "https://codeberg.org/api/v1", token: t }
                """, "forgebus.yml", name -> null);
        assertThat(config.forges().get("gh").rateLimit()).isEqualTo(new RateLimit(5000, 10, 20));
        assertThat(config.forges().get("fj").rateLimit().writesPerMinute()).isZero();
        assertThat(problemsOf("""
                forges:
                  gh: { type: github, token: t, rate_limit: { writes_per_minute: -1 } }
                """)).singleElement().asString().startsWith("forgebus.yml:2:");
    }

    @Test
    void ports_out_of_range_are_refused() {
        assertThat(problemsOf("""
                server: { port: 70000 }
                kafka: { embedded: { port: -1 }, partitions: 0 }
                """)).containsExactly(
                "forgebus.yml:1: server.port: must be between 0 and 65535, got '70000'",
                "forgebus.yml:2: kafka.embedded.port: must be between 0 and 65535, got '-1'",
                "forgebus.yml:2: kafka.partitions: must be between 1 and 10000, got '0'");
    }

    @Test
    void a_yaml_syntax_error_is_reported_with_its_line() {
        assertThat(problemsOf("""
                server:
                  port: 8080
                 max_body_bytes: 1
                """)).singleElement().asString().startsWith("forgebus.yml:3: invalid YAML: ");
    }

    @Test
    void a_duplicate_key_is_an_error_naming_the_first_one() {
        assertThat(problemsOf("""
                server:
                  port: 1
                  port: 2
                """)).containsExactly("forgebus.yml:3: duplicate key 'port' under server (first at line 2)");
    }

    @Test
    void without_a_management_block_management_listens_on_loopback_apart_from_the_webhooks() throws ConfigException {
        ForgebusConfig config = ConfigLoader.parse("server: { port: 8080 }\n", "forgebus.yml", name -> null);

        assertThat(config.management()).isEqualTo(new ManagementConfig(false, "127.0.0.1", 9090));
        assertThat(config.server().bind()).isEqualTo("0.0.0.0");
        assertThat(config.server().requestTimeout()).isEqualTo(java.time.Duration.ofSeconds(10));
        assertThat(config.server().maxInFlight()).isEqualTo(200);
    }

    @Test
    void same_port_with_a_management_port_is_refused() {
        assertThat(problemsOf("management: { same_port: true, port: 9091 }\n")).containsExactly(
                "forgebus.yml:1: management.port: has no effect with same_port: true (the management routes use the webhook port)");
    }

    @Test
    void an_unknown_top_level_key_lists_the_allowed_ones() {
        assertThat(problemsOf("sever: {}\n")).containsExactly("forgebus.yml:1: unknown key 'sever' at the top level"
                + " (allowed: server, management, admin, kafka, dedup, workers, forges, orgs, cron_dispatch, health_monitor, migrations, logging)");
    }

    @Test
    void a_module_block_at_the_top_level_says_where_it_belongs() {
        assertThat(problemsOf("auto_triage: {}\n"))
                .containsExactly("forgebus.yml:1: auto_triage: set per org or repository: move it under orgs.<name>");
    }

    @Test
    void a_missing_file_is_one_clear_problem() {
        // Given
        Path missing = Path.of("src/test/resources/config/does-not-exist.yml");

        // When / Then
        assertThatThrownBy(() -> ConfigLoader.load(missing, name -> null))
                .isInstanceOf(ConfigException.class)
                .hasMessage(missing + ": cannot read: no such file");
    }

    @Test
    void an_empty_file_is_a_config_of_defaults() throws ConfigException {
        ForgebusConfig config = ConfigLoader.parse("", "forgebus.yml", name -> null);

        assertThat(config.server()).isEqualTo(ServerConfig.defaults());
        assertThat(config.kafka()).isEqualTo(KafkaSettings.defaults());
        assertThat(config.forges()).isEmpty();
    }

    @Test
    void forgejo_and_gitea_need_an_api_url_and_github_defaults_to_the_public_one() {
        assertThat(problemsOf("""
                forges:
                  github: { type: github }
                  codeberg:
                    type: forgejo
                """)).containsExactly("forgebus.yml:3: missing required key 'api_url' under forges.codeberg");
    }

    @Test
    void app_authentication_is_github_only_and_excludes_a_token() {
        assertThat(problemsOf("""
                forges:
                  gh:
                    type: github
                    token: t
                    app: { app_id: 1, private_key_file: /k.pem }
                  cb:
                    type: forgejo
                    api_url: https://codeberg.org/api/v1
                    app: { app_id: 1, private_key_file: /k.pem }
                """)).containsExactly(
                "forgebus.yml:5: forges.gh.app: set either token or app, not both",
                "forgebus.yml:9: forges.cb.app: App authentication exists on github forges only; use token for forgejo");
    }

    @Test
    void forgejo_merge_methods_are_accepted_on_forgejo() throws ConfigException {
        ForgebusConfig config = ConfigLoader.parse("""
                forges: { cb: { type: forgejo, api_url: "https://codeberg.org/api/v1" } }
                orgs: { Me: { forge: cb, auto_merge: { merge_method: rebase-merge } } }
                """, "forgebus.yml", name -> null);

        assertThat(config.resolve("cb", "me", "x").autoMerge().orElseThrow().mergeMethod()).isEqualTo(MergeMethod.REBASE_MERGE);
    }

    @Test
    void an_error_in_an_inherited_org_block_is_reported_once_at_the_org() {
        assertThat(problemsOf("""
                forges: { github: { type: github } }
                orgs:
                  MyOrg:
                    forge: github
                    release: { draft: maybe }
                    repositories:
                      a: { release: { tag_pattern: "a-*" } }
                      b: { release: { trigger: on_tuesday } }
                """)).containsExactly(
                "forgebus.yml:5: orgs.MyOrg.release.draft: expected true or false, got 'maybe'",
                "forgebus.yml:8: orgs.MyOrg.repositories.b.release.trigger: expected one of tag_push, merge_label, both,"
                        + " got 'on_tuesday'");
    }

    @Test
    void references_to_repositories_must_name_configured_forges() {
        assertThat(problemsOf("""
                forges: { github: { type: github } }
                orgs:
                  MyOrg:
                    forge: github
                    dependency_triggers: { downstream: ["gitlab:Me/app", "not a repo"] }
                    repositories:
                      r: { mirror: { primary_forge: codeberg, mirror: "Me/r" } }
                """)).containsExactly(
                "forgebus.yml:5: orgs.MyOrg.dependency_triggers.downstream: no forge 'gitlab' is configured (configured: github)",
                "forgebus.yml:5: orgs.MyOrg.dependency_triggers.downstream: expected 'Owner/repo' or 'forge:Owner/repo',"
                        + " got 'not a repo'",
                "forgebus.yml:7: orgs.MyOrg.repositories.r.mirror.primary_forge: no forge 'codeberg' is configured"
                        + " (configured: github)");
    }

    @Test
    void required_module_values_are_checked_only_when_the_module_is_enabled() {
        assertThat(problemsOf("""
                forges: { github: { type: github } }
                orgs:
                  MyOrg:
                    forge: github
                    notifications: {}
                    dependency_triggers: { enabled: false }
                    repositories:
                      r: { mirror: { verify_on_push: false } }
                """)).containsExactly(
                "forgebus.yml:5: missing required key 'channels' under orgs.MyOrg.notifications",
                "forgebus.yml:8: missing required key 'mirror' under orgs.MyOrg.repositories.r.mirror");
    }

    @Test
    void migrations_name_an_environment_variable_not_a_url() {
        assertThat(problemsOf("""
                migrations:
                  orders:
                    db_url_env: "jdbc:postgresql://db/orders"
                    source: { type: local, path: db, repo: x }
                    mode: yolo
                """)).containsExactly(
                "forgebus.yml:3: migrations.orders.db_url_env: expected the NAME of an environment variable (such as"
                        + " ORDERS_DB_URL), not a URL: the URL holds a password and stays out of this file",
                "forgebus.yml:4: migrations.orders.source.repo: only with type: git",
                "forgebus.yml:5: migrations.orders.mode: expected one of manual_apply, auto_apply, got 'yolo'");
    }

    @Test
    void a_git_migration_source_takes_the_seed_configs_keys_once_each_and_a_token_variable_name() {
        assertThat(problemsOf("""
                migrations:
                  orders:
                    db_url_env: ORDERS_DB_URL
                    source: { type: git, url: "https://github.com/MyOrg/schemas", repo: "gh:MyOrg/schemas", subpath: db, token_env_var: "ghp_abc-123" }
                  billing:
                    db_url_env: BILLING_DB_URL
                    source: { type: local, subpath: db, token_env_var: T }
                """)).containsExactly(
                "forgebus.yml:4: migrations.orders.source.url: give repo or url, not both",
                "forgebus.yml:4: migrations.orders.source.token_env_var: expected the NAME of an environment variable holding the token, not the token",
                "forgebus.yml:7: migrations.billing.source.subpath: only with type: git",
                "forgebus.yml:7: migrations.billing.source.token_env_var: only with type: git");
    }

    @Test
    void probe_sinks_have_five_shapes() {
        assertThat(problemsOf("""
                health_monitor:
                  - name: api
                    url: http://127.0.0.1/health
                    sinks: [stderr, { file: a, webhook: "https://x" }, { github_issue: Me/ops }]
                  - name: api
                    url: ftp://example.com
                """)).containsExactly(
                "forgebus.yml:4: health_monitor[0].sinks[0]: expected stdout, {file: path}, {webhook: url},"
                        + " {issue: forge:Owner/repo} or {github_issue: Owner/repo}, got 'stderr'",
                "forgebus.yml:4: health_monitor[0].sinks[1]: a sink is one of stdout, {file: path}, {webhook: url},"
                        + " {issue: forge:Owner/repo} or {github_issue: Owner/repo}",
                "forgebus.yml:4: health_monitor[0].sinks[2].github_issue: name the forge, as in 'forge:Me/ops'",
                "forgebus.yml:5: health_monitor[1].name: 'api' is already used at line 2",
                "forgebus.yml:6: health_monitor[1].url: expected an absolute http:// or https:// URL, got 'ftp://example.com'");
    }

    @Test
    void an_org_configured_twice_for_one_forge_is_an_error_whatever_the_case() {
        assertThat(problemsOf("""
                forges: { github: { type: github } }
                orgs:
                  MyOrg: { forge: github }
                  myorg-again: { name: myorg, forge: github }
                """)).containsExactly(
                "forgebus.yml:4: org myorg on forge github is already configured at line 3 (owner names are case-insensitive)");
    }

    @Test
    void yaml_anchors_and_merge_keys_work_and_top_level_x_keys_hold_them() throws ConfigException {
        // Given shared settings under an x- key, as in docker-compose
        String yaml = """
                x-release: &release { draft: true, changelog_path: CHANGES.md }
                forges: { github: { type: github } }
                orgs:
                  MyOrg:
                    forge: github
                    repositories:
                      a: { release: { <<: *release, draft: false } }
                """;

        // When
        ForgebusConfig config = ConfigLoader.parse(yaml, "forgebus.yml", name -> null);

        // Then keys written next to the merge key win over merged ones
        ReleaseSettings release = config.resolve("github", "MyOrg", "a").release().orElseThrow();
        assertThat(release.draft()).isFalse();
        assertThat(release.changelogPath()).isEqualTo("CHANGES.md");
    }

    @Test
    void a_file_that_is_not_a_mapping_is_refused() {
        assertThat(problemsOf("- a\n- b\n")).containsExactly("forgebus.yml:1: the file: expected a mapping of keys, got a list");
    }
}
