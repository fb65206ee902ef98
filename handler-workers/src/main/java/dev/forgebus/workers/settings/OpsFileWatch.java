package dev.forgebus.workers.settings;

import java.util.Objects;

import dev.forgebus.common.config.ModuleId;
import dev.forgebus.common.config.RepoRef;
import dev.forgebus.common.event.EventEnvelope;
import dev.forgebus.forge.ForgeCallException;
import dev.forgebus.workers.HandlerContext;
import dev.forgebus.workers.ModuleHandler;
import dev.forgebus.workers.Result;
import dev.forgebus.workers.WorkItem;

/**
 * Wraps a module's handler: a push it receives that changes the repository's {@code .ops.yaml}
 * on the default branch drops the cached file from the process's {@link RepoSettingsSource}
 * before the handler runs, so this handler and every other one of the process read the new file.
 */
public final class OpsFileWatch implements ModuleHandler {

    private final ModuleHandler handler;
    private final RepoSettingsSource settings;

    public OpsFileWatch(ModuleHandler handler, RepoSettingsSource settings) {
        this.handler = Objects.requireNonNull(handler, "handler");
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    @Override
    public ModuleId module() {
        return handler.module();
    }

    @Override
    public Result handle(WorkItem work, HandlerContext context) throws ForgeCallException, InterruptedException {
        EventEnvelope item = work.envelope();
        // Before the handler runs, hence before its context resolves the settings.
        if (OpsFilePushes.touchesOpsFile(item)) {
            settings.invalidate(new RepoRef(item.forge(), item.owner(), item.repo()));
        }
        return handler.handle(work, context);
    }
}
