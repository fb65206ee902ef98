package dev.forgebus.app;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import dev.forgebus.common.config.ConfigLoader;
import dev.forgebus.common.config.ForgebusConfig;
import dev.forgebus.forge.DefaultForgeClients;
import dev.forgebus.workers.ModuleHandler;

class HandlersTest {

    @Test
    void the_modules_said_to_be_built_are_the_ones_with_a_handler() throws Exception {
        ForgebusConfig config = ConfigLoader.load(java.nio.file.Path.of("../examples/forgebus.yml"), name -> null);
        try (DefaultForgeClients clients = new DefaultForgeClients(config, dev.forgebus.forge.CallGate.OPEN)) {
            assertThat(Handlers.all(Handlers.services(() -> config, clients, dev.forgebus.workers.Emitter.NONE, dev.forgebus.workers.ProgressStores.NONE))).extracting(ModuleHandler::module).containsExactlyElementsOf(Handlers.BUILT);
        }
    }
}
