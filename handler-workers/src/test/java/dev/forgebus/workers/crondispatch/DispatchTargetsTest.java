package dev.forgebus.workers.crondispatch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.forgebus.common.config.ConfigLoader;
import dev.forgebus.common.config.CronDispatchJob;
import dev.forgebus.common.config.ForgebusConfig;
import dev.forgebus.common.config.RepoRef;

class DispatchTargetsTest {

    private static final ForgebusConfig CONFIG = parse("""
            forges:
              gh: { type: github, api_url: "https://api.github.com", token: t }
              fj: { type: forgejo, api_url: "https://fj.example/api/v1", token: t }
            orgs:
              MyOrg: { forge: gh, repositories: { zeta: {}, alpha: {}, app-web: {} } }
              Other: { forge: gh, repositories: { app-x: {} } }
              FjOrg: { forge: fj, repositories: { app-y: {} } }
            cron_dispatch:
              - { name: all, schedule: "0 2 * * *", workflow: codeql.yml, repos: ["MyOrg/*"], wait_for_completion: true, run_timeout: 20m }
              - { name: apps, schedule: "0 2 * * *", workflow: codeql.yml, repos: ["*/app-*", "fj:FjOrg/*"] }
              - { name: forge, schedule: "0 2 * * *", workflow: codeql.yml, repos: ["fj:*/*"] }
            """);

    private static ForgebusConfig parse(String yaml) {
        try {
            return ConfigLoader.parse(yaml, "forgebus.yml", Map.<String, String>of()::get);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static CronDispatchJob job(String name) {
        return CONFIG.cronDispatch().stream().filter(j -> j.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void the_configured_repositories_matching_the_globs_come_in_a_fixed_order_by_forge_owner_and_name() {
        assertThat(DispatchTargets.of(CONFIG, job("all"))).extracting(RepoRef::toString)
                .containsExactly("gh:MyOrg/alpha", "gh:MyOrg/app-web", "gh:MyOrg/zeta");
        assertThat(DispatchTargets.of(CONFIG, job("apps"))).extracting(RepoRef::toString)
                .containsExactly("fj:FjOrg/app-y", "gh:MyOrg/app-web", "gh:Other/app-x");
    }

    @Test
    void a_forge_prefix_limits_the_pattern_to_that_forge() {
        assertThat(DispatchTargets.of(CONFIG, job("forge"))).extracting(RepoRef::toString).containsExactly("fj:FjOrg/app-y");
    }

    @Test
    void the_next_target_is_the_first_after_the_last_one_done() {
        List<RepoRef> targets = DispatchTargets.of(CONFIG, job("all"));
        assertThat(DispatchTargets.after(targets, Optional.empty())).contains(targets.get(0));
        assertThat(DispatchTargets.after(targets, Optional.of(targets.get(0)))).contains(targets.get(1));
        assertThat(DispatchTargets.after(targets, Optional.of(targets.get(2)))).isEmpty();
        // A repository removed from the config since: the sweep continues after where it would have been.
        assertThat(DispatchTargets.after(targets, Optional.of(new RepoRef("gh", "MyOrg", "beta")))).contains(targets.get(2));
    }

    @Test
    void run_timeout_is_read_and_defaults_to_one_hour() {
        assertThat(job("all").runTimeout()).hasMinutes(20);
        assertThat(job("apps").runTimeout()).isEqualTo(CronDispatchJob.DEFAULT_RUN_TIMEOUT).hasHours(1);
    }
}
