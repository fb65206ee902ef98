package dev.forgebus.app;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import dev.forgebus.app.admin.MigrationAdmin;
import dev.forgebus.common.config.ForgebusConfig;
import dev.forgebus.common.config.MigrationService;
import dev.forgebus.forge.CallGate;
import dev.forgebus.forge.DefaultForgeClients;
import dev.forgebus.forge.ForgeCallException;
import dev.forgebus.workers.migrations.MigrationException;
import dev.forgebus.workers.migrations.ServiceMigrations;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code forgebus migrate status|apply|repair} (SPEC 3, 7.12): the migration runner from the
 * command line, with the process's environment (each service's {@code db_url_env}). Exit 0 when
 * every service is fine, 1 when one is not (drift, busy, a failed file, an unreachable database)
 * or the service is unknown (one line on stderr).
 */
@Command(name = "migrate", mixinStandardHelpOptions = true, description = "Database migrations of the configured services.",
        subcommands = {MigrateCommand.Status.class, MigrateCommand.Apply.class, MigrateCommand.Repair.class})
final class MigrateCommand {
    /** The CLI waits this long for another runner of the same table before it reports busy. */
    static final Duration LOCK_WAIT = Duration.ofSeconds(60);

    @Command(name = "status", mixinStandardHelpOptions = true, description = "Applied, pending and drifted migrations per service.")
    static final class Status implements Callable<Integer> {
        @Mixin
        ConfigOption config;
        @Option(names = "--service", paramLabel = "S", description = "only this service (default: all)")
        String service;
        @Spec
        CommandSpec spec;

        @Override
        @SuppressWarnings("unchecked")
        public Integer call() throws InterruptedException {
            ForgebusConfig loaded = config.load();
            PrintWriter out = spec.commandLine().getOut();
            int exit = 0;
            for (MigrationService s : services(loaded, service)) {
                Map<String, Object> row = MigrationAdmin.status(loaded, clients(loaded), migrations(), s);
                out.printf("%s (%s, table %s)%n", s.name(), s.mode().id(), s.tableName());
                if (row.containsKey("error")) {
                    out.printf("  error: %s%n", row.get("error"));
                    exit = 1;
                    continue;
                }
                for (Map<String, Object> a : (List<Map<String, Object>>) row.get("applied")) {
                    out.printf("  applied  V%-10s %-30s %s by %s (%d ms)%n", a.get("version"), a.get("name"), a.get("applied_at"),
                            a.get("applied_by"), (Long) a.get("execution_ms"));
                }
                for (String p : (List<String>) row.get("pending")) {
                    out.printf("  pending  %s%n", p);
                }
                for (String d : (List<String>) row.get("drift")) {
                    out.printf("  DRIFT    %s%n", d);
                    exit = 1;
                }
                for (String m : (List<String>) row.get("missing_files")) {
                    out.printf("  missing  V%s (applied, no file in the source)%n", m);
                }
            }
            return exit;
        }
    }

    @Command(name = "apply", mixinStandardHelpOptions = true, description = "Apply pending migrations (per service, in version order).")
    static final class Apply implements Callable<Integer> {
        @Mixin
        ConfigOption config;
        @Option(names = "--service", paramLabel = "S", description = "only this service (default: all)")
        String service;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws InterruptedException {
            ForgebusConfig loaded = config.load();
            int exit = 0;
            for (MigrationService s : services(loaded, service)) {
                MigrationAdmin.Applied result = MigrationAdmin.apply(loaded, clients(loaded), migrations(), s);
                (result.httpStatus() == 200 ? spec.commandLine().getOut() : spec.commandLine().getErr())
                        .printf("%s: %s%n", s.name(), result.message());
                exit = result.httpStatus() == 200 ? exit : 1;
            }
            return exit;
        }
    }

    @Command(name = "repair", mixinStandardHelpOptions = true,
            description = "Re-stamp the recorded checksum of applied version V with its file's current one (after review of the drift).")
    static final class Repair implements Callable<Integer> {
        @Mixin
        ConfigOption config;
        @Option(names = "--service", paramLabel = "S", required = true, description = "the service")
        String service;
        @Option(names = "--version", paramLabel = "V", required = true, description = "the applied version, as in V<version>__")
        String version;
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws InterruptedException {
            ForgebusConfig loaded = config.load();
            MigrationService s = services(loaded, service).get(0);
            try {
                String message = migrations().runner(s).repair(migrations().files(s, loaded, clients(loaded)), version);
                spec.commandLine().getOut().println(s.name() + ": " + message);
                return 0;
            } catch (MigrationException | ForgeCallException e) {
                spec.commandLine().getErr().println("forgebus: " + s.name() + ": " + e.getMessage());
                return 1;
            }
        }
    }

    static List<MigrationService> services(ForgebusConfig config, String only) {
        if (only == null) {
            if (config.migrations().isEmpty()) {
                throw new UserError("no migration services in the config (section migrations)");
            }
            return List.copyOf(config.migrations().values());
        }
        MigrationService s = config.migrations().get(only);
        if (s == null) {
            throw new UserError("no migration service '" + (only.length() > 100 ? only.substring(0, 100) + "..." : only)
                    + "' (configured: " + String.join(", ", config.migrations().keySet()) + ")");
        }
        return List.of(s);
    }

    /** A one-off command: forge calls go straight out, without the running process's shared limiter. */
    private static DefaultForgeClients clients(ForgebusConfig config) {
        return new DefaultForgeClients(config, CallGate.OPEN);
    }

    private static ServiceMigrations migrations() {
        return ServiceMigrations.standard(LOCK_WAIT, "forgebus-cli");
    }
}
