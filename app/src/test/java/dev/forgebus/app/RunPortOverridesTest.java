package dev.forgebus.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;

import dev.forgebus.common.config.ConfigLoader;
import dev.forgebus.common.config.ForgebusConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code run --port} and {@code --kafka-port} replace the file's ports, and nothing else. */
class RunPortOverridesTest {
    @TempDir
    Path dir;

    private ForgebusConfig loaded() throws Exception {
        Path file = dir.resolve("forgebus.yml");
        Files.writeString(file, """
                server: { port: 8080 }
                kafka: { bootstrap_servers: "", embedded: { port: 9092 }, partitions: 2 }
                forges:
                  github: { type: github, webhook_secret: s }
                """);
        return ConfigLoader.load(file, Modules.BUILT_IN.catalog());
    }

    private static RunCommand parse(String... args) {
        RunCommand run = new RunCommand();
        new CommandLine(run).parseArgs(args);
        return run;
    }

    @Test
    void run_port_and_kafka_port_replace_the_ports_of_the_config_file() throws Exception {
        // Given a config on 8080 / 9092, When run is given --port 18080 --kafka-port 19092
        ForgebusConfig effective = parse("--config", "x.yml", "--port", "18080", "--kafka-port", "19092")
                .withOverrides(loaded());

        // Then both ports are the overrides, and every other setting is the file's
        assertThat(effective.server().port()).isEqualTo(18080);
        assertThat(effective.kafka().embeddedPort()).isEqualTo(19092);
        assertThat(effective.kafka().partitions()).isEqualTo(2);
        assertThat(effective.forges()).containsOnlyKeys("github");
    }

    @Test
    void run_without_overrides_keeps_the_ports_of_the_config_file() throws Exception {
        ForgebusConfig effective = parse("--config", "x.yml").withOverrides(loaded());

        assertThat(effective.server().port()).isEqualTo(8080);
        assertThat(effective.kafka().embeddedPort()).isEqualTo(9092);
    }

    @Test
    void run_refuses_a_port_outside_1_to_65535() throws Exception {
        ForgebusConfig file = loaded();
        assertThatThrownBy(() -> parse("--config", "x.yml", "--port", "70000").withOverrides(file))
                .isInstanceOf(UserError.class).hasMessageContaining("--port");
        assertThatThrownBy(() -> parse("--config", "x.yml", "--kafka-port", "0").withOverrides(file))
                .isInstanceOf(UserError.class).hasMessageContaining("--kafka-port");
    }
}
