package dev.forgebus.app;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import dev.forgebus.common.config.ForgebusConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code forgebus run}: every role in one JVM, with an embedded broker when no cluster is configured. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run every role in one JVM; starts an embedded Kafka broker when kafka.bootstrap_servers is empty.")
final class RunCommand implements Callable<Integer> {
    @Mixin
    ConfigOption config;

    @Option(names = "--data-dir", defaultValue = "./forgebus-data", paramLabel = "DIR",
            description = "where the embedded broker keeps its data, kept across restarts (default: ${DEFAULT-VALUE})")
    Path dataDir;

    @Override
    public Integer call() throws InterruptedException {
        ForgebusConfig loaded = config.load();
        return RoleRunner.runUntilStopped(() -> ForgebusProcess.start(config.modules(), loaded, java.util.Optional.of(config.file), dataDir, true, java.util.EnumSet.allOf(ForgebusProcess.Role.class), java.util.Set.of()));
    }
}
