package dev.forgebus.app;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;

import dev.forgebus.common.config.ForgebusConfig;
import dev.forgebus.common.config.ModuleId;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The roles that run alone against a cluster (or the broker of a local {@code run}). */
final class RoleCommands {
    private RoleCommands() {
    }

    @Command(name = "dedup", mixinStandardHelpOptions = true, description = "Run dedup-streams alone (deduplicate and route).")
    static final class Dedup implements Callable<Integer> {
        @Mixin
        ConfigOption config;
        @Option(names = "--data-dir", defaultValue = "./forgebus-data", paramLabel = "DIR",
                description = "where Kafka Streams keeps its state store (default: ${DEFAULT-VALUE})")
        Path dataDir;

        @Override
        public Integer call() throws InterruptedException {
            ForgebusConfig loaded = config.load();
            return RoleRunner.runUntilStopped(() -> ForgebusProcess.start(config.modules(), loaded, Optional.of(config.file), dataDir, false, EnumSet.of(ForgebusProcess.Role.DEDUP), Set.of()));
        }
    }

    @Command(name = "workers", mixinStandardHelpOptions = true, description = "Run handler workers alone.")
    static final class Workers implements Callable<Integer> {
        @Mixin
        ConfigOption config;
        @Option(names = "--modules", split = ",", paramLabel = "MODULE", description = "module ids to run (default: every module with a handler)")
        List<String> modules;
        @Spec
        CommandSpec spec;

        /**
         * A module without a handler, or an unknown one, is a usage error (exit 2) before anything
         * starts: a worker group for it would consume nothing, and the operator would believe the
         * module runs.
         */
        @Override
        public Integer call() throws InterruptedException {
            Modules known = config.modules();
            Set<ModuleId> selected = new LinkedHashSet<>();
            for (String id : modules == null ? List.<String>of() : modules) {
                ModuleId module = known.catalog().byId(id).map(m -> m.id()).orElseThrow(() -> new ParameterException(
                        spec.commandLine(), "unknown module '" + id + "' (modules with a handler: " + known.idsWithHandler() + ")"));
                if (!known.withHandler().contains(module)) {
                    throw new ParameterException(spec.commandLine(), "module '" + id + "' has no handler in this version"
                            + " (modules with a handler: " + known.idsWithHandler() + ")");
                }
                selected.add(module);
            }
            ForgebusConfig loaded = config.load();
            return RoleRunner.runUntilStopped(() -> ForgebusProcess.start(config.modules(), loaded, Optional.of(config.file), Path.of("."), false,
                    EnumSet.of(ForgebusProcess.Role.WORKERS), selected));
        }
    }

    @Command(name = "scheduler", mixinStandardHelpOptions = true,
            description = "Run the scheduler alone: job ticks and missed-delivery recovery.")
    static final class Scheduler implements Callable<Integer> {
        @Mixin
        ConfigOption config;

        @Override
        public Integer call() throws InterruptedException {
            ForgebusConfig loaded = config.load();
            return RoleRunner.runUntilStopped(() -> ForgebusProcess.start(config.modules(), loaded, Optional.of(config.file), Path.of("."), false,
                    EnumSet.of(ForgebusProcess.Role.SCHEDULER), Set.of()));
        }
    }
}
