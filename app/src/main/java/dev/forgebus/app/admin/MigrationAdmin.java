package dev.forgebus.app.admin;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

import dev.forgebus.common.config.ForgebusConfig;
import dev.forgebus.common.config.MigrationService;
import dev.forgebus.forge.ForgeCallException;
import dev.forgebus.forge.ForgeClients;
import dev.forgebus.workers.migrations.ApplyOutcome;
import dev.forgebus.workers.migrations.MigrationException;
import dev.forgebus.workers.migrations.MigrationFile;
import dev.forgebus.workers.migrations.MigrationStatus;
import dev.forgebus.workers.migrations.ServiceMigrations;
import io.javalin.http.Context;

/**
 * {@code GET /admin/migrations} (each configured service's status) and
 * {@code POST /admin/migrations/{service}/apply} (200 applied or up to date; 409 drift or busy;
 * 422 a file failed; 503 the database or source could not be reached; 404 no such service). The
 * same rows back {@code forgebus migrate status}. Messages name the database without its password.
 */
public final class MigrationAdmin {
    private final Supplier<ForgebusConfig> config;
    private final ForgeClients clients;
    private final ServiceMigrations migrations;

    public MigrationAdmin(Supplier<ForgebusConfig> config, ForgeClients clients, ServiceMigrations migrations) {
        this.config = config;
        this.clients = clients;
        this.migrations = migrations;
    }

    /** One service's status as a JSON-ready map; a service that cannot be read has {@code error}. */
    public static Map<String, Object> status(ForgebusConfig config, ForgeClients clients, ServiceMigrations migrations,
                                             MigrationService service) throws InterruptedException {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("service", service.name());
        row.put("mode", service.mode().id());
        row.put("table", service.tableName());
        try {
            List<MigrationFile> files = migrations.files(service, config, clients);
            MigrationStatus status = migrations.runner(service).status(files);
            List<Map<String, Object>> applied = new ArrayList<>();
            for (MigrationStatus.Applied a : status.applied()) {
                applied.add(Map.of("version", a.version(), "name", a.name(), "applied_at", a.appliedAt().toString(),
                        "applied_by", a.appliedBy(), "execution_ms", a.executionMs()));
            }
            row.put("applied", applied);
            row.put("pending", status.pending().stream().map(MigrationFile::fileName).toList());
            row.put("drift", status.drift().stream().map(MigrationStatus.Drift::describe).toList());
            row.put("missing_files", status.missing());
        } catch (MigrationException | ForgeCallException e) {
            row.put("error", e.getMessage());
        }
        return row;
    }

    /** The service's apply, with the HTTP status it answers. */
    public record Applied(int httpStatus, String status, String message) {
    }

    public static Applied apply(ForgebusConfig config, ForgeClients clients, ServiceMigrations migrations, MigrationService service)
            throws InterruptedException {
        try {
            ApplyOutcome outcome = migrations.runner(service).apply(migrations.files(service, config, clients));
            return switch (outcome) {
                case ApplyOutcome.Applied a -> new Applied(200, a.versions().isEmpty() ? "up_to_date" : "applied", outcome.message());
                case ApplyOutcome.Drifted d -> new Applied(409, "drift", outcome.message());
                case ApplyOutcome.Busy b -> new Applied(409, "busy", outcome.message());
                case ApplyOutcome.Failed f -> new Applied(422, "failed", outcome.message());
            };
        } catch (MigrationException | ForgeCallException e) {
            return new Applied(503, "unavailable", e.getMessage());
        }
    }

    void list(Context ctx) throws InterruptedException {
        AdminRoutes.onlyQueryParameters(ctx, Set.of());
        ForgebusConfig current = config.get();
        List<Map<String, Object>> rows = new ArrayList<>();
        for (MigrationService service : current.migrations().values()) {
            rows.add(status(current, clients, migrations, service));
        }
        AdminRoutes.json(ctx, 200, Map.of("services", rows));
    }

    void apply(Context ctx) throws InterruptedException {
        AdminRoutes.onlyQueryParameters(ctx, Set.of());
        AdminBody.emptyOrEmptyObject(ctx);
        ForgebusConfig current = config.get();
        MigrationService service = current.migrations().get(ctx.pathParam("service"));
        if (service == null) {
            AdminRoutes.json(ctx, 404, Map.of("status", "not_found", "message",
                    "no migration service of that name; GET /admin/migrations lists them"));
            return;
        }
        Applied result = apply(current, clients, migrations, service);
        AdminRoutes.json(ctx, result.httpStatus(), Map.of("status", result.status(), "service", service.name(),
                "message", result.message()));
    }
}
