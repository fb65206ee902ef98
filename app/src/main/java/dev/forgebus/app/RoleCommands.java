package dev.forgebus.app;

import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * The roles that arrive with later issues. They exist so that scripts and docs can name them,
 * and they say plainly that they cannot run yet instead of pretending to.
 */
final class RoleCommands {
    private RoleCommands() {
    }

    private abstract static class NotYetBuilt implements Callable<Integer> {
        @Mixin
        ConfigOption config;

        abstract String role();

        @Override
        public Integer call() {
            throw new UserError("the " + role() + " role is not built yet in this version");
        }
    }

    @Command(name = "dedup", mixinStandardHelpOptions = true, description = "Run dedup-streams alone (not built yet).")
    static final class Dedup extends NotYetBuilt {
        String role() {
            return "dedup";
        }
    }

    @Command(name = "workers", mixinStandardHelpOptions = true, description = "Run handler workers alone (not built yet).")
    static final class Workers extends NotYetBuilt {
        @Option(names = "--modules", split = ",", description = "module ids to run")
        java.util.List<String> modules;

        String role() {
            return "workers";
        }
    }

    @Command(name = "scheduler", mixinStandardHelpOptions = true, description = "Run the scheduler alone (not built yet).")
    static final class Scheduler extends NotYetBuilt {
        String role() {
            return "scheduler";
        }
    }
}
