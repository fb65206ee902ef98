package dev.forgebus.app;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code forgebus} executable: one jar, every role (SPEC 3). */
@Command(name = "forgebus", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Event-driven repository automation for GitHub, Forgejo and Gitea, on Kafka.",
        subcommands = {RunCommand.class, GatewayCommand.class, RoleCommands.Dedup.class, RoleCommands.Workers.class,
                RoleCommands.Scheduler.class, ConfigCommand.class, DlqCommand.class, JobsCommand.class, MigrateCommand.class, CommandLine.HelpCommand.class})
public final class Main {
    private final Modules modules;

    private Main(Modules modules) {
        this.modules = modules;
    }

    /** The modules this executable runs; every command reads its config with their catalog. */
    Modules modules() {
        return modules;
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /**
     * Runs a command line with {@code modules} instead of {@link Modules#BUILT_IN}: how a test
     * starts a real {@code forgebus} process with a module of its own.
     */
    public static int execute(Modules modules, String... args) {
        return execute(modules, new java.io.PrintWriter(System.out, true), new java.io.PrintWriter(System.err, true), args);
    }

    /** Runs a command line and returns its exit code; user mistakes give one line on stderr. */
    public static int execute(String... args) {
        return execute(new java.io.PrintWriter(System.out, true), new java.io.PrintWriter(System.err, true), args);
    }

    /** As {@link #execute(String...)}, writing to the given streams (tests). */
    public static int execute(java.io.PrintWriter out, java.io.PrintWriter err, String... args) {
        return execute(Modules.BUILT_IN, out, err, args);
    }

    /** The command line over {@code modules}, not yet run (a test parses documented commands with it). */
    static CommandLine commandLine(Modules modules) {
        return new CommandLine(new Main(modules));
    }

    /** As {@link #execute(Modules, String...)}, writing to the given streams (tests). */
    static int execute(Modules modules, java.io.PrintWriter out, java.io.PrintWriter err, String... args) {
        CommandLine cli = commandLine(modules);
        cli.setOut(out);
        cli.setErr(err);
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof UserError) {
                cmd.getErr().println("forgebus: " + e.getMessage());
                return 1;
            }
            throw e;
        });
        return cli.execute(args);
    }
}
