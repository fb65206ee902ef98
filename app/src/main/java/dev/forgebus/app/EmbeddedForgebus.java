package dev.forgebus.app;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

import dev.forgebus.common.config.ForgebusConfig;

/**
 * {@code forgebus run} inside another JVM (benchmarks, fault harnesses): every role, with the
 * embedded broker when the config names no cluster.
 */
public final class EmbeddedForgebus implements AutoCloseable {
    private final ForgebusProcess process;

    private EmbeddedForgebus(ForgebusProcess process) {
        this.process = process;
    }

    public static EmbeddedForgebus start(ForgebusConfig config, Path dataDir) {
        return start(Modules.BUILT_IN, config, dataDir);
    }

    /** With {@code modules}; {@code config} must have been read with their catalog ({@link Modules#catalog()}). */
    public static EmbeddedForgebus start(Modules modules, ForgebusConfig config, Path dataDir) {
        return new EmbeddedForgebus(ForgebusProcess.start(modules, config, Optional.empty(), dataDir, true,
                EnumSet.allOf(ForgebusProcess.Role.class), Set.of()));
    }

    /** The webhook port. */
    public int httpPort() {
        return process.httpPort();
    }

    /** The port of /health, /ready, /metrics and /admin (the webhook port with {@code management.same_port}). */
    public int managementPort() {
        return process.managementPort();
    }

    @Override
    public void close() {
        process.close();
    }
}
