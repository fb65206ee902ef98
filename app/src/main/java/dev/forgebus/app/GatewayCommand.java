package dev.forgebus.app;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import dev.forgebus.common.config.ForgebusConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code forgebus gateway}: the ingress gateway alone, against a running cluster. */
@Command(name = "gateway", mixinStandardHelpOptions = true,
        description = "Run the ingress gateway alone against Kafka (kafka.bootstrap_servers, or the broker of a local `run`).")
final class GatewayCommand implements Callable<Integer> {
    @Mixin
    ConfigOption config;

    @Override
    public Integer call() throws InterruptedException {
        ForgebusConfig loaded = config.load();
        return RoleRunner.runUntilStopped(() -> ForgebusProcess.start(config.modules(), loaded, java.util.Optional.of(config.file), Path.of("."), false, java.util.Set.of(ForgebusProcess.Role.GATEWAY), java.util.Set.of()));
    }
}
