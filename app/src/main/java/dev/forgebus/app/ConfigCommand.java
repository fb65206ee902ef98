package dev.forgebus.app;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

import dev.forgebus.common.config.ConfigException;
import dev.forgebus.common.config.ConfigLoader;
import dev.forgebus.common.config.ConfigProblem;
import dev.forgebus.common.config.ForgebusConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code forgebus config check}: validate a config file, print every problem with its line. */
@Command(name = "config", description = "Work with the config file.", mixinStandardHelpOptions = true,
        subcommands = {ConfigCommand.Check.class})
final class ConfigCommand {

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = "Validate the config; print each problem as FILE:LINE: message; exit 1 on any error.")
    static final class Check implements Callable<Integer> {
        @Mixin
        ConfigOption config;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            if (!java.nio.file.Files.isRegularFile(config.file)) {
                err.println(config.file + ": file not found");
                return 1;
            }
            try {
                ForgebusConfig loaded = ConfigLoader.load(config.file, config.modules().catalog());
                out.printf("%s: OK (%d forges, %d orgs)%n", config.file, loaded.forges().size(), loaded.orgs().size());
                return 0;
            } catch (ConfigException e) {
                for (ConfigProblem problem : e.problems()) {
                    err.println(problem);
                }
                err.printf("%d problem(s)%n", e.problems().size());
                return 1;
            }
        }
    }
}
