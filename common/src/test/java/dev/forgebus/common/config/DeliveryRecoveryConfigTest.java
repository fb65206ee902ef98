package dev.forgebus.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.forgebus.common.config.HookRef;

/** forges.<id>.delivery_recovery. */
class DeliveryRecoveryConfigTest {

    private static ForgebusConfig parse(String forges) throws ConfigException {
        return ConfigLoader.parse("forges:\n" + forges, "forgebus.yml", name -> null);
    }

    private static List<String> problemsOf(String forges) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> parse(forges));
        assertThat(e).as("expected problems").isNotNull();
        return e.problems().stream().map(ConfigProblem::toString).toList();
    }

    @Test
    void hooks_and_durations_are_read() throws ConfigException {
        ForgebusConfig config = parse("""
                  github:
                    type: github
                    delivery_recovery:
                      every: 2m
                      lookback: 3h
                      hooks: [ "repo:MyOrg/app#123", "org:MyOrg#456" ]
                """);

        DeliveryRecoverySettings recovery = config.forge("github").orElseThrow().deliveryRecovery().orElseThrow();
        assertThat(recovery.every()).isEqualTo(Duration.ofMinutes(2));
        assertThat(recovery.lookback()).isEqualTo(Duration.ofHours(3));
        assertThat(recovery.hooks()).containsExactly(
                new HookRef.RepoHook(new RepoRef("github", "MyOrg", "app"), 123),
                new HookRef.OrgHook("github", "MyOrg", 456));
    }

    @Test
    void defaults_are_five_minutes_and_one_hour_and_absent_means_off() throws ConfigException {
        ForgebusConfig config = parse("""
                  github: { type: github, delivery_recovery: { hooks: [ "org:MyOrg#1" ] } }
                  other: { type: github }
                """);

        DeliveryRecoverySettings recovery = config.forge("github").orElseThrow().deliveryRecovery().orElseThrow();
        assertThat(recovery.every()).isEqualTo(Duration.ofMinutes(5));
        assertThat(recovery.lookback()).isEqualTo(Duration.ofHours(1));
        assertThat(config.forge("other").orElseThrow().deliveryRecovery()).isEmpty();
    }

    @Test
    void problems_have_their_lines() {
        assertThat(problemsOf("""
                  github:
                    type: github
                    delivery_recovery:
                      lookback: 4d
                      hooks: [ "repo:MyOrg/app", "app" ]
                """)).containsExactly(
                "forgebus.yml:5: forges.github.delivery_recovery.lookback: at most 3d (GitHub keeps deliveries for 3 days)",
                "forgebus.yml:6: forges.github.delivery_recovery.hooks: expected 'repo:Owner/repo#<hook id>',"
                        + " 'org:Owner#<hook id>' or 'app', got 'repo:MyOrg/app'",
                "forgebus.yml:6: forges.github.delivery_recovery.hooks: 'app' (the GitHub App's own hook) needs App"
                        + " authentication: set app: on this forge, or list repo:/org: hooks");
    }

    @Test
    void forgejo_retries_itself_so_recovery_is_refused_there() {
        assertThat(problemsOf("""
                  codeberg:
                    type: forgejo
                    api_url: https://codeberg.org/api/v1
                    delivery_recovery: { hooks: [ "org:MyOrg#1" ] }
                """)).singleElement().asString()
                .startsWith("forgebus.yml:5: forges.codeberg.delivery_recovery: missed-delivery recovery exists on github"
                        + " forges only");
    }

    @Test
    void hooks_are_required_and_unknown_keys_refused() {
        assertThat(problemsOf("""
                  github:
                    type: github
                    delivery_recovery: { every: 1m, hook: [] }
                """)).containsExactlyInAnyOrder(
                "forgebus.yml:4: missing required key 'hooks' under forges.github.delivery_recovery",
                "forgebus.yml:4: unknown key 'hook' under forges.github.delivery_recovery (allowed: every, lookback, hooks)");
    }
}
