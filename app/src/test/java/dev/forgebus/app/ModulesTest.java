package dev.forgebus.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

import dev.forgebus.common.config.ConfigLoader;
import dev.forgebus.common.config.ForgebusConfig;
import dev.forgebus.common.config.ModuleId;
import dev.forgebus.common.config.StandardModules;
import dev.forgebus.forge.DefaultForgeClients;
import dev.forgebus.workers.ModuleHandler;
import dev.forgebus.workers.ModuleRegistration;
import dev.forgebus.workers.triage.TriageHandler;

class ModulesTest {

    @Test
    void the_modules_said_to_have_a_handler_are_the_ones_whose_handler_is_made() throws Exception {
        ForgebusConfig config = ConfigLoader.load(java.nio.file.Path.of("../examples/forgebus.yml"), name -> null);
        try (DefaultForgeClients clients = new DefaultForgeClients(config, dev.forgebus.forge.CallGate.OPEN)) {
            assertThat(Modules.BUILT_IN.handlers(Modules.services(() -> config, clients, dev.forgebus.workers.Emitter.NONE,
                    dev.forgebus.workers.ProgressStores.NONE))).extracting(ModuleHandler::module)
                    .containsExactlyElementsOf(Modules.BUILT_IN.withHandler());
        }
    }

    @Test
    void a_module_registered_twice_or_with_another_modules_handler_is_refused() {
        ModuleRegistration triage = new ModuleRegistration(StandardModules.TRIAGE, TriageHandler::new);
        assertThatThrownBy(() -> Modules.BUILT_IN.with(triage)).hasMessageContaining("registered twice");
        ModuleRegistration wrong = new ModuleRegistration(StandardModules.RELEASE, TriageHandler::new);
        assertThatThrownBy(wrong::newHandler).hasMessageContaining("handles triage");
    }

    @Test
    void the_standard_catalog_is_what_a_config_is_read_with_when_no_module_is_added() {
        assertThat(Modules.BUILT_IN.catalog().ids()).hasSize(10).contains(ModuleId.TRIAGE, ModuleId.MIGRATIONS);
        assertThat(List.copyOf(Modules.BUILT_IN.withHandler())).containsExactly(ModuleId.TRIAGE, ModuleId.AUTO_MERGE,
                ModuleId.NOTIFICATIONS, ModuleId.DEPENDENCY_TRIGGERS, ModuleId.RELEASE, ModuleId.MIRROR,
                ModuleId.HEALTH_MONITOR, ModuleId.STALE,
                ModuleId.CRON_DISPATCH, ModuleId.MIGRATIONS);
    }
}
