package dev.forgebus.app;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

import dev.forgebus.common.config.ConfigException;
import dev.forgebus.common.config.ConfigLoader;
import dev.forgebus.common.config.ForgebusConfig;

/** Lets tests in other packages start {@code run} in this JVM. */
public final class ForgebusTestAccess {
    /** @param managementPort where /health, /ready, /metrics and /admin answer */
    public record Started(AutoCloseable process, int httpPort, int managementPort) {
    }

    private ForgebusTestAccess() {
    }

    public static Started run(ForgebusConfig config, Path dataDir) {
        return run(Modules.BUILT_IN, config, dataDir);
    }

    /** With {@code modules}; {@code config} read with their catalog. */
    public static Started run(Modules modules, ForgebusConfig config, Path dataDir) {
        ForgebusProcess p = ForgebusProcess.start(modules, config, Optional.empty(), dataDir, true,
                EnumSet.allOf(ForgebusProcess.Role.class), Set.of());
        return new Started(p, p.httpPort(), p.managementPort());
    }

    /** {@code run --config FILE} in this JVM: the file is loaded, and watched like the command does. */
    public static Started run(Path configFile, Path dataDir) throws ConfigException {
        ForgebusConfig config = ConfigLoader.load(configFile);
        ForgebusProcess p = ForgebusProcess.start(Modules.BUILT_IN, config, Optional.of(configFile), dataDir, true,
                EnumSet.allOf(ForgebusProcess.Role.class), Set.of());
        return new Started(p, p.httpPort(), p.managementPort());
    }
}
