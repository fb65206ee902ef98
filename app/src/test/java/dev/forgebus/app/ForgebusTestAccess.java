package dev.forgebus.app;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;

import dev.forgebus.common.config.ForgebusConfig;

/** Lets tests in other packages start {@code run} in this JVM. */
public final class ForgebusTestAccess {
    /** @param managementPort where /health, /ready, /metrics and /admin answer */
    public record Started(AutoCloseable process, int httpPort, int managementPort) {
    }

    private ForgebusTestAccess() {
    }

    public static Started run(ForgebusConfig config, Path dataDir) {
        ForgebusProcess p = ForgebusProcess.start(config, dataDir, true, EnumSet.allOf(ForgebusProcess.Role.class), Set.of());
        return new Started(p, p.httpPort(), p.managementPort());
    }
}
