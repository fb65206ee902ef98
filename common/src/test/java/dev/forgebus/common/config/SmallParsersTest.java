package dev.forgebus.common.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import dev.forgebus.common.schedule.CronExpressions;

/** Durations, cron shapes and module ids. */
class SmallParsersTest {

    @Test
    void durations_need_a_unit_and_may_combine_units() {
        assertThat(Durations.parse("500ms")).contains(Duration.ofMillis(500));
        assertThat(Durations.parse("10m")).contains(Duration.ofMinutes(10));
        assertThat(Durations.parse("7d")).contains(Duration.ofDays(7));
        assertThat(Durations.parse("1h30m")).contains(Duration.ofMinutes(90));
        assertThat(Durations.parse("10")).isEmpty();
        assertThat(Durations.parse("1.5h")).isEmpty();
        assertThat(Durations.parse("5 minutes")).isEmpty();
        assertThat(Durations.format(Duration.ofDays(7))).isEqualTo("7d");
        assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
    }

    @Test
    void cron_expressions_have_five_fields_of_cron_characters() {
        assertThat(CronExpressions.problemWith("0 3 * * *")).isEmpty();
        assertThat(CronExpressions.problemWith("*/15 0-6 1,15 JAN-MAR MON-FRI")).isEmpty();
        assertThat(CronExpressions.problemWith("0 0 3 * * *")).contains(
                "expected a cron expression of 5 fields (minute hour day-of-month month day-of-week), got 6 fields");
        assertThat(CronExpressions.problemWith("0 3 * * $")).isPresent();
        assertThat(CronExpressions.problemWith("")).isPresent();
    }

    @Test
    void cron_values_out_of_range_are_refused_naming_the_field() {
        assertThat(CronExpressions.problemWith("61 2 * * *")).hasValueSatisfying(p -> assertThat(p).startsWith("minute field '61'"));
        assertThat(CronExpressions.problemWith("0 24 * * *")).hasValueSatisfying(p -> assertThat(p).startsWith("hour field '24'"));
        assertThat(CronExpressions.problemWith("0 3 32 * *")).hasValueSatisfying(p -> assertThat(p).startsWith("day-of-month field '32'"));
        assertThat(CronExpressions.problemWith("0 3 * 13 *")).hasValueSatisfying(p -> assertThat(p).startsWith("month field '13'"));
        assertThat(CronExpressions.problemWith("0 3 * * FOO")).hasValueSatisfying(p -> assertThat(p).startsWith("day-of-week field 'FOO'"));
    }

    @Test
    void module_ids_and_config_keys_are_those_of_the_spec() {
        ModuleCatalog catalog = ModuleCatalog.standard();
        assertThat(catalog.byId("auto-merge").map(ModuleDeclaration::id)).contains(ModuleId.AUTO_MERGE);
        assertThat(ModuleId.AUTO_MERGE.configKey()).isEqualTo("auto_merge");
        assertThat(catalog.byId("triage").map(m -> m.id().configKey())).contains("auto_triage");
        assertThat(catalog.byId("health-monitor").map(m -> m.id().configKey())).contains("health_monitor");
        assertThat(catalog.byId("auto_merge")).isEmpty();
        assertThat(catalog.byConfigKey("stale_management").map(ModuleDeclaration::id)).contains(ModuleId.STALE);
        assertThat(catalog.ids()).extracting(ModuleId::id).containsExactly("triage", "stale", "dependency-triggers",
                "cron-dispatch", "release", "auto-merge", "mirror", "notifications", "health-monitor", "migrations");
    }

    @Test
    void forge_types_parse_from_their_config_words() {
        assertThat(ForgeType.parse("Forgejo")).contains(ForgeType.FORGEJO);
        assertThat(ForgeType.parse("gitlab")).isEmpty();
        assertThat(ForgeType.GITEA.id()).isEqualTo("gitea");
    }

    @Test
    void workers_backoff_repeats_its_last_entry() {
        WorkersConfig workers = WorkersConfig.defaults();

        assertThat(workers.backoffBefore(1)).isEqualTo(Duration.ofSeconds(1));
        assertThat(workers.backoffBefore(5)).isEqualTo(Duration.ofMinutes(10));
        assertThat(workers.backoffBefore(9)).isEqualTo(Duration.ofMinutes(10));
    }
}
