package dev.forgebus.app;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import dev.forgebus.common.config.ForgebusConfig;
import dev.forgebus.common.config.KafkaSettings;
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

    @Option(names = "--port", paramLabel = "PORT",
            description = "the webhook port, instead of the config's server.port")
    Integer port;

    @Option(names = "--kafka-port", paramLabel = "PORT",
            description = "the embedded broker's port, instead of the config's kafka.embedded.port")
    Integer kafkaPort;

    @Override
    public Integer call() throws InterruptedException {
        ForgebusConfig loaded = withOverrides(config.load());
        return RoleRunner.runUntilStopped(() -> ForgebusProcess.start(config.modules(), loaded, java.util.Optional.of(config.file), dataDir, true, java.util.EnumSet.allOf(ForgebusProcess.Role.class), java.util.Set.of()));
    }

    /**
     * The config with the command line's ports in place of the file's. A live reload of the file
     * then reports {@code server.port} / {@code kafka.embedded.port} as restart-only changes and
     * keeps the ports bound at start, so an override lasts as long as the process.
     */
    ForgebusConfig withOverrides(ForgebusConfig file) {
        ForgebusConfig c = file;
        if (port != null) {
            c = c.withServer(c.server().withPort(checked("--port", port)));
        }
        if (kafkaPort != null) {
            KafkaSettings k = c.kafka();
            c = c.withKafka(new KafkaSettings(k.bootstrapServers(), checked("--kafka-port", kafkaPort), k.topicPrefix(), k.partitions(),
                    k.replicationFactor()));
        }
        return c;
    }

    private static int checked(String option, int value) {
        if (value < 1 || value > 65535) {
            throw new UserError(option + " must be a port from 1 to 65535, not " + value);
        }
        return value;
    }
}
