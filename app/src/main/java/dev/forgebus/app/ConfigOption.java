package dev.forgebus.app;

import java.nio.file.Files;
import java.nio.file.Path;

import dev.forgebus.common.config.ConfigException;
import dev.forgebus.common.config.ConfigLoader;
import dev.forgebus.common.config.ForgebusConfig;
import picocli.CommandLine.Option;

/** The {@code --config FILE} option every command shares, and loading it. */
final class ConfigOption {
    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE", description = "the Forgebus YAML config")
    Path file;

    ForgebusConfig load() {
        if (!Files.isRegularFile(file)) {
            throw new UserError("config file not found: " + file);
        }
        try {
            return ConfigLoader.load(file);
        } catch (ConfigException e) {
            throw new UserError("invalid config:\n" + e.getMessage());
        }
    }
}
