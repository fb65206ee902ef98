package dev.forgebus.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.forgebus.common.schedule.JobSchedule;
import dev.forgebus.common.schedule.ScheduledJob;
import dev.forgebus.common.schedule.ScheduledJobs;

/** Cron validation, time zones, job names and the reserved forge id, as FILE:LINE problems. */
class ScheduledJobsConfigTest {

    private static final String FORGE = """
            forges:
              gh: { type: github, token: t, insecure_no_signature: true }
            """;

    private static List<String> problemsOf(String yaml) {
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> ConfigLoader.parse(yaml, "forgebus.yml", name -> null));
        assertThat(e).as("expected the config to be rejected").isNotNull();
        return e.problems().stream().map(ConfigProblem::toString).toList();
    }

    @Test
    void a_cron_value_out_of_range_is_a_file_line_error_naming_the_field() {
        assertThat(problemsOf(FORGE + """
                orgs:
                  MyOrg: { forge: gh, stale_management: { schedule: "0 3 * 13 *" } }
                cron_dispatch:
                  - { name: codeql, schedule: "61 2 * * *", workflow: codeql.yml, repos: ["MyOrg/*"] }
                """)).satisfiesExactly(
                p -> assertThat(p).startsWith("forgebus.yml:4: orgs.MyOrg.stale_management.schedule: month field '13' is not valid"),
                p -> assertThat(p).startsWith("forgebus.yml:6: cron_dispatch[0].schedule: minute field '61' is not valid")
                        .endsWith(": '61 2 * * *'"));
    }

    @Test
    void an_unknown_time_zone_is_a_file_line_error_and_a_known_one_is_kept() throws ConfigException {
        assertThat(problemsOf(FORGE + """
                cron_dispatch:
                  - { name: codeql, schedule: "0 2 * * *", time_zone: Mars/Olympus, workflow: codeql.yml, repos: ["MyOrg/*"] }
                """)).containsExactly("forgebus.yml:4: cron_dispatch[0].time_zone: expected an IANA time zone id such as UTC"
                + " or Europe/Berlin, got 'Mars/Olympus'");

        ForgebusConfig config = ConfigLoader.parse(FORGE + """
                orgs:
                  MyOrg: { forge: gh, stale_management: { schedule: "0 3 * * *", time_zone: Europe/Berlin } }
                cron_dispatch:
                  - { name: codeql, schedule: "0 2 * * *", workflow: codeql.yml, repos: ["MyOrg/*"] }
                """, "forgebus.yml", name -> null);
        assertThat(config.orgs().get("MyOrg").defaults().get(StandardModules.STALE).orElseThrow().timeZone()).isEqualTo(ZoneId.of("Europe/Berlin"));
        assertThat(config.cronDispatch().get(0).timeZone()).isEqualTo(ZoneId.of("UTC"));
    }

    @Test
    void every_schedule_of_the_config_becomes_a_named_job() throws ConfigException {
        ForgebusConfig config = ConfigLoader.parse(FORGE + """
                orgs:
                  MyOrg: { forge: gh, stale_management: { schedule: "0 3 * * *", time_zone: Europe/Berlin } }
                  Quiet: { forge: gh, stale_management: { enabled: false } }
                  NoStale: { forge: gh }
                cron_dispatch:
                  - { name: codeql, schedule: "0 2 * * 1", workflow: codeql.yml, repos: ["MyOrg/*"] }
                health_monitor:
                  - { name: api, url: "https://api.example.com/health", every: 90s }
                migrations:
                  orders: { db_url_env: ORDERS_DB_URL, source: { type: local, path: db }, check_interval_seconds: 600 }
                """, "forgebus.yml", name -> null);

        List<ScheduledJob> jobs = ScheduledJobs.of(config);

        assertThat(jobs).extracting(ScheduledJob::name, ScheduledJob::module, ScheduledJob::forge, ScheduledJob::org).containsExactly(
                org.assertj.core.groups.Tuple.tuple("stale:gh:MyOrg", ModuleId.STALE, "gh", "MyOrg"),
                org.assertj.core.groups.Tuple.tuple("cron-dispatch:codeql", ModuleId.CRON_DISPATCH, "", ""),
                org.assertj.core.groups.Tuple.tuple("health-monitor:api", ModuleId.HEALTH_MONITOR, "", ""),
                org.assertj.core.groups.Tuple.tuple("migrations:orders", ModuleId.MIGRATIONS, "", ""));
        assertThat(jobs.get(0).schedule()).isEqualTo(new JobSchedule.CronSchedule("0 3 * * *", ZoneId.of("Europe/Berlin")));
        assertThat(jobs.get(2).schedule()).isEqualTo(new JobSchedule.Every(Duration.ofSeconds(90)));
        // 03:00 in Berlin in winter is 02:00 UTC
        assertThat(jobs.get(0).schedule().nextAfter(Instant.parse("2026-01-10T12:00:00Z"))).isEqualTo(Instant.parse("2026-01-11T02:00:00Z"));
        assertThat(jobs.get(0).tickId(Instant.parse("2026-01-11T02:00:00Z"))).isEqualTo("cron:stale:gh:MyOrg@2026-01-11T02:00:00Z");
    }

    @Test
    void a_job_name_too_long_for_a_delivery_id_is_refused() {
        String longName = "n".repeat(150);
        assertThat(problemsOf(FORGE + """
                health_monitor:
                  - { name: %s, url: "https://api.example.com/health" }
                migrations:
                  %s: { db_url_env: ORDERS_DB_URL, source: { type: local, path: db } }
                """.formatted(longName, longName))).satisfiesExactly(
                p -> assertThat(p).startsWith("forgebus.yml:4: health_monitor[0].name: too long: the job name 'health-monitor:")
                        .endsWith(" has 165 characters, at most 160 fit in a tick's delivery id"),
                p -> assertThat(p).startsWith("forgebus.yml:6: migration service name: too long"));
    }

    @Test
    void a_sub_second_probe_interval_is_refused_because_fire_times_are_whole_seconds() {
        assertThat(problemsOf(FORGE + """
                health_monitor:
                  - { name: api, url: "https://api.example.com/health", every: 1500ms }
                """)).containsExactly("forgebus.yml:4: health_monitor[0].every: must be a whole number of seconds, at least 1s");
    }

    @Test
    void a_forge_named_scheduler_is_refused_because_ticks_use_that_id() {
        assertThat(problemsOf("""
                forges:
                  scheduler: { type: github, token: t }
                """)).singleElement().satisfies(p -> assertThat(p)
                .startsWith("forgebus.yml:2: forge id 'scheduler' is reserved"));
    }

    @Test
    void a_forge_named_forgebus_is_refused_because_emitted_events_use_that_id() {
        assertThat(problemsOf("""
                forges:
                  forgebus: { type: github, token: t }
                """)).singleElement().satisfies(p -> assertThat(p)
                .startsWith("forgebus.yml:2: forge id 'forgebus' is reserved"));
    }

    @Test
    void a_probe_reads_its_body_check_and_failures_before_down_with_two_as_the_default() throws ConfigException {
        ForgebusConfig config = ConfigLoader.parse(FORGE + """
                health_monitor:
                  - { name: api, url: "https://api.example.com/health", expect_body_contains: '"ok"', failures_before_down: 3 }
                  - { name: web, url: "https://www.example.com/" }
                """, "forgebus.yml", name -> null);
        assertThat(config.healthMonitor().get(0).expectBodyContains()).contains("\"ok\"");
        assertThat(config.healthMonitor().get(0).failuresBeforeDown()).isEqualTo(3);
        assertThat(config.healthMonitor().get(1).expectBodyContains()).isEmpty();
        assertThat(config.healthMonitor().get(1).failuresBeforeDown()).isEqualTo(2);

        assertThat(problemsOf(FORGE + """
                health_monitor:
                  - { name: api, url: "https://api.example.com/health", failures_before_down: 0 }
                """)).singleElement().satisfies(p -> assertThat(p).startsWith("forgebus.yml:4: health_monitor[0].failures_before_down"));
    }

    @Test
    void follow_redirects_reads_same_host_any_or_none_with_same_host_as_the_default() throws ConfigException {
        ForgebusConfig config = ConfigLoader.parse(FORGE + """
                health_monitor:
                  - { name: api, url: "https://api.example.com/health", follow_redirects: any }
                  - { name: web, url: "https://www.example.com/", follow_redirects: none }
                  - { name: doc, url: "https://doc.example.com/" }
                """, "forgebus.yml", name -> null);
        assertThat(config.healthMonitor()).extracting(p -> p.followRedirects().id()).containsExactly("any", "none", "same_host");

        assertThat(problemsOf(FORGE + """
                health_monitor:
                  - { name: api, url: "https://api.example.com/health", follow_redirects: always }
                """)).singleElement().satisfies(p -> assertThat(p).startsWith("forgebus.yml:4: health_monitor[0].follow_redirects"));
    }

    @Test
    void an_issue_sink_names_the_forge_of_its_repository_and_needs_the_prefix_when_several_forges_are_declared() throws ConfigException {
        String forges = """
                forges:
                  gh: { type: github, token: t, insecure_no_signature: true }
                  fj: { type: forgejo, api_url: "https://codeberg.org/api/v1", token: t, insecure_no_signature: true }
                """;
        ForgebusConfig config = ConfigLoader.parse(forges + """
                health_monitor:
                  - { name: api, url: "https://api.example.com/health", sinks: [{ issue: "fj:Org/ops" }, { github_issue: Org/ops }] }
                """, "forgebus.yml", name -> null);
        assertThat(config.healthMonitor().get(0).sinks()).containsExactly(
                new ProbeSink.Issue(new RepoRef("fj", "Org", "ops")), new ProbeSink.Issue(new RepoRef("gh", "Org", "ops")));

        assertThat(problemsOf(forges + """
                health_monitor:
                  - { name: api, url: "https://api.example.com/health", sinks: [{ issue: Org/ops }] }
                """)).singleElement().satisfies(p -> assertThat(p).contains("health_monitor[0].sinks[0].issue").contains("name the forge"));
    }
}
