package dev.forgebus.workers.migrations;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import dev.forgebus.common.config.MigrationMode;
import dev.forgebus.common.config.MigrationService;
import dev.forgebus.common.config.MigrationSource;
import dev.forgebus.common.config.RepoRef;
import dev.forgebus.common.config.ModuleId;
import dev.forgebus.common.emit.Notification;
import dev.forgebus.common.schedule.ScheduledJobs;
import dev.forgebus.forge.ForgeCallException;
import dev.forgebus.workers.HandlerContext;
import dev.forgebus.workers.InvalidInputException;
import dev.forgebus.workers.ModuleHandler;
import dev.forgebus.workers.Result;
import dev.forgebus.workers.WorkItem;

/**
 * Migration runner on the scheduler's tick {@code migrations:<service>} (SPEC 7.12):
 * {@code manual_apply} checks what is pending and emits one {@code migrations_pending}
 * notification per new pending set (the set's fingerprint is kept in the progress store, so the
 * next ticks with the same set stay quiet, and a changed set is told again); {@code auto_apply}
 * applies. The notification is about the source repository for a git source (so that repository's
 * {@code notifications} channels hear of it); a local source's is about no repository, which no
 * channel receives (it is still traced). A database that cannot be reached, a broken source or a failing file is the item's DONE
 * note, not a retry: the next tick tries again, and an operator sees it in the trace.
 */
public final class MigrationsHandler implements ModuleHandler {
    static final String KIND = "migrations_pending";
    private static final String KEY_PREFIX = "pending:";

    private final ServiceMigrations migrations;

    public MigrationsHandler() {
        // A tick never waits for another runner: it says busy, and the next tick looks again.
        this(ServiceMigrations.standard(Duration.ZERO, "forgebus-scheduler"));
    }

    public MigrationsHandler(ServiceMigrations migrations) {
        this.migrations = migrations;
    }

    @Override
    public ModuleId module() {
        return ModuleId.MIGRATIONS;
    }

    @Override
    public Result handle(WorkItem item, HandlerContext context) throws ForgeCallException, InterruptedException {
        String job = item.envelope().payload() == null ? "" : item.envelope().payload().path("job").asText("");
        if (!job.startsWith(ScheduledJobs.MIGRATIONS)) {
            throw InvalidInputException.payload("not a migrations tick: job '" + job + "'");
        }
        String name = job.substring(ScheduledJobs.MIGRATIONS.length());
        MigrationService service = context.config().migrations().get(name);
        if (service == null) {
            return Result.done("service " + name + " is no longer configured");
        }
        try {
            List<MigrationFile> files = migrations.files(service, context.config(), context.clients());
            MigrationRunner runner = migrations.runner(service);
            if (service.mode() == MigrationMode.AUTO_APPLY) {
                return Result.done(name + ": " + runner.apply(files).message());
            }
            return Result.done(name + ": " + checkPending(context, service, runner.status(files)));
        } catch (MigrationException e) {
            return Result.done(name + ": " + e.getMessage());
        }
    }

    private static String checkPending(HandlerContext context, MigrationService service, MigrationStatus status)
            throws ForgeCallException, InterruptedException, MigrationException {
        String key = KEY_PREFIX + service.name();
        String drift = status.drift().isEmpty() ? "" : "; drift: " + String.join("; ",
                status.drift().stream().map(MigrationStatus.Drift::describe).toList());
        if (status.pending().isEmpty()) {
            if (context.progress().get(key).isPresent()) {
                context.progress().remove(key);
            }
            return "up to date" + drift;
        }
        String fingerprint = fingerprint(status.pending());
        Optional<String> told = context.progress().get(key);
        String pending = status.pending().size() + " pending (V" + String.join(", V", status.pendingVersions()) + ")";
        if (told.equals(Optional.of(fingerprint))) {
            return pending + ", already notified" + drift;
        }
        Notification notification = Notification.of("migrations:" + service.name() + ":" + fingerprint.substring(0, 16), KIND,
                cut("Migrations pending for " + service.name() + ": " + status.pending().size(), Notification.MAX_TITLE),
                cut(text(service, status), Notification.MAX_TEXT));
        if (service.source().type() == MigrationSource.Type.GIT) {
            // About the repository the migrations live in: its org's (or its own) notification channels hear of it.
            RepoRef repo = ServiceMigrations.repository(service.source().repo().orElse(""), context.config());
            context.emit(notification, repo.forgeId(), repo.owner(), repo.repo());
        } else {
            context.emit(notification);
        }
        context.progress().put(key, fingerprint);
        return pending + ", notified" + drift;
    }

    private static String text(MigrationService service, MigrationStatus status) {
        StringBuilder text = new StringBuilder();
        for (MigrationFile file : status.pending()) {
            text.append(file.fileName()).append('\n');
        }
        if (!status.drift().isEmpty()) {
            text.append("Drift (apply refuses until resolved):\n");
            status.drift().forEach(d -> text.append(d.describe()).append('\n'));
        }
        text.append("Apply: forgebus migrate apply --service ").append(service.name()).append(" --config FILE");
        return text.toString();
    }

    /** The pending set: versions and checksums, so an edited pending file is a new set too. */
    private static String fingerprint(List<MigrationFile> pending) {
        StringBuilder all = new StringBuilder();
        pending.forEach(f -> all.append(f.version()).append(' ').append(f.checksum()).append('\n'));
        return MigrationFile.sha256(all.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static String cut(String text, int max) {
        return text.length() > max ? text.substring(0, max) : text;
    }
}
