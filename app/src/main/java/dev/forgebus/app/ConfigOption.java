package dev.forgebus.app;

import java.nio.file.Files;
import java.nio.file.Path;

import dev.forgebus.common.config.ConfigException;
import dev.forgebus.common.config.ConfigLoader;
import dev.forgebus.common.config.ForgebusConfig;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The {@code --config FILE} option every command shares, and loading it with the executable's modules. */
final class ConfigOption {
    @Option(names = {"-c", "--config"}, required = true, paramLabel = "FILE", description = "the Forgebus YAML config")
    Path file;
    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    /** The modules of the executable ({@link Main}) this command runs in. */
    Modules modules() {
        return ((Main) command.root().userObject()).modules();
    }

    ForgebusConfig load() {
        if (!Files.isRegularFile(file)) {
            throw new UserError("config file not found: " + file);
        }
        try {
            return ConfigLoader.load(file, modules().catalog());
        } catch (ConfigException e) {
            throw new UserError("invalid config:\n" + e.getMessage());
        }
    }
}
