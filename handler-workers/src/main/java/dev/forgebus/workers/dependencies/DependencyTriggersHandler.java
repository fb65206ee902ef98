package dev.forgebus.workers.dependencies;

import java.util.Optional;

import dev.forgebus.common.config.DependencyTriggerSettings;
import dev.forgebus.common.config.ModuleId;
import dev.forgebus.common.config.RepoRef;
import dev.forgebus.common.emit.WorkEvent;
import dev.forgebus.common.event.EventEnvelope;
import dev.forgebus.forge.ForgeCallException;
import dev.forgebus.workers.HandlerContext;
import dev.forgebus.workers.InvalidInputException;
import dev.forgebus.workers.ModuleHandler;
import dev.forgebus.workers.Result;
import dev.forgebus.workers.WorkItem;
import dev.forgebus.workers.settings.RepoSettingsSource;

/**
 * Dependency triggers (SPEC 7.4): a published release (or a tag push, per {@code on}) upstream
 * tells each downstream repository, by {@code repository_dispatch} on GitHub or a workflow dispatch
 * of {@code <event_type>.yml} on Forgejo/Gitea.
 *
 * <p>Two steps, so that each downstream succeeds, fails, dead-letters and is replayed on its own:
 * the upstream event fans out one work item per downstream ({@link HandlerContext#fanOut}, key
 * {@code forge:Owner/repo}), and each such item makes ONE dispatch with the credential of the
 * downstream's own org and forge. Drafts and prereleases are skipped unless configured.
 *
 * <p>A dispatch cannot be checked on the forge before it is made (nothing records it), so
 * exactly-once rests on dedup: the upstream delivery is deduplicated, and each downstream's work
 * item has a deterministic delivery id. A work item is dispatched only while its downstream is still
 * configured for the upstream repository (a replay after the list changed does nothing).
 */
public final class DependencyTriggersHandler implements ModuleHandler {

    @Override
    public ModuleId module() {
        return ModuleId.DEPENDENCY_TRIGGERS;
    }

    @Override
    public Result handle(WorkItem work, HandlerContext context) throws ForgeCallException, InterruptedException {
        RepoSettingsSource.Resolved resolved = context.settings();
        Optional<DependencyTriggerSettings> settings = resolved.settings().dependencyTriggers()
                .filter(DependencyTriggerSettings::enabled);
        if (settings.isEmpty()) {
            return Result.done("dependency triggers are not configured for this repository");
        }
        Optional<WorkEvent> downstreamWork;
        try {
            downstreamWork = WorkEvent.of(work.envelope());
        } catch (IllegalArgumentException e) {
            throw InvalidInputException.payload(e.getMessage());
        }
        return downstreamWork.isPresent()
                ? dispatch(work.envelope(), downstreamWork.get(), settings.get(), context)
                : fanOut(work.envelope(), settings.get(), context);
    }

    /** The upstream event: one work item per configured downstream, unless it is a draft or prerelease not asked for. */
    private static Result fanOut(EventEnvelope upstream, DependencyTriggerSettings settings, HandlerContext context)
            throws ForgeCallException, InterruptedException {
        UpstreamRelease release = UpstreamRelease.of(upstream);
        if (release.draft() && !settings.includeDrafts()) {
            return Result.done("draft " + release.tag() + " not dispatched (include_drafts: false)");
        }
        if (release.prerelease() && !settings.includePrereleases()) {
            return Result.done("prerelease " + release.tag() + " not dispatched (include_prereleases: false)");
        }
        for (RepoRef downstream : settings.downstream()) {
            context.fanOut(downstream.toString(), DownstreamDispatch.workPayload(release));
        }
        return Result.done(release.tag() + ": " + settings.downstream().size() + " downstream dispatch(es) fanned out");
    }

    /** One downstream: one dispatch, with the downstream org's credential. */
    private static Result dispatch(EventEnvelope item, WorkEvent work, DependencyTriggerSettings settings, HandlerContext context)
            throws ForgeCallException, InterruptedException {
        Optional<RepoRef> downstream = DownstreamDispatch.downstream(work.key(), settings.downstream());
        if (downstream.isEmpty()) {
            return Result.done(work.key() + " is no longer a downstream of " + item.owner() + "/" + item.repo() + "; not dispatched");
        }
        DownstreamDispatch dispatch = DownstreamDispatch.of(work.forge(), item.owner(), item.repo(), work.payload());
        RepoRef to = downstream.get();
        context.clients().forOwner(to.forgeId(), to.owner()).dispatchEvent(to, settings.eventType(), dispatch.clientPayload());
        return Result.done("dispatched " + settings.eventType() + " for " + dispatch.tag() + " to " + to);
    }
}
