package dev.forgebus.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class ModuleCatalogTest {

    private static ModuleDeclaration<TriageSettings> named(String id, String key) {
        return ModuleDeclaration.withBlock(new ModuleId(id, key), "test", StandardModules.TRIAGE.block().orElseThrow(),
                new ModuleDeclaration.Start.Emitted<>());
    }

    @Test
    void ids_are_kebab_case_and_keys_snake_case_so_they_make_sane_topic_names_and_yaml_keys() {
        for (String bad : List.of("Work", "auto merge", "auto_merge", "-x", "x-", "a..b", "x".repeat(61), "")) {
            assertThatThrownBy(() -> new ModuleId(bad, "ok")).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
        for (String bad : List.of("Auto", "auto-merge", "_x", "")) {
            assertThatThrownBy(() -> new ModuleId("ok", bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(new ModuleId("dependency-triggers", "dependency_triggers").id()).isEqualTo("dependency-triggers");
    }

    @Test
    void an_id_or_key_used_twice_or_a_key_of_the_config_itself_is_refused() {
        ModuleCatalog standard = ModuleCatalog.standard();
        assertThatThrownBy(() -> standard.with(named("triage", "other_key"))).hasMessageContaining("declared twice");
        assertThatThrownBy(() -> standard.with(named("other", "auto_triage"))).hasMessageContaining("already taken");
        for (String reserved : List.of("orgs", "repositories", "forge", "token", "webhook_secret", "kafka")) {
            assertThatThrownBy(() -> standard.with(named("x", reserved))).as(reserved).hasMessageContaining("already taken");
        }
        assertThat(standard.with(named("x", "x")).byId("x")).isPresent();
    }

    @Test
    void a_block_without_enabled_is_refused_because_every_scope_must_be_able_to_switch_a_module_off() {
        assertThatThrownBy(() -> new ModuleDeclaration.Block<>(TriageSettings.class, ModuleDeclaration.Scope.ORG_AND_REPOSITORY,
                List.of("message"), (b, r) -> Optional.<TriageSettings>empty(), s -> java.util.Map.of()))
                .hasMessageContaining("'enabled'");
    }

    @Test
    void the_catalog_tells_the_blocks_an_org_and_a_repository_may_hold_and_the_webhook_modules() {
        ModuleCatalog standard = ModuleCatalog.standard();
        assertThat(standard.orgBlocks()).extracting(m -> m.id().configKey())
                .containsExactly("auto_triage", "stale_management", "dependency_triggers", "release", "auto_merge", "notifications");
        assertThat(standard.repositoryBlocks()).extracting(m -> m.id().configKey())
                .containsExactly("auto_triage", "stale_management", "dependency_triggers", "release", "auto_merge", "mirror",
                        "notifications");
        assertThat(standard.webhookDriven()).extracting(m -> m.id().id())
                .containsExactly("triage", "stale", "dependency-triggers", "release", "auto-merge", "mirror");
    }
}
