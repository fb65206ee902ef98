package dev.forgebus.workers.mirror;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import dev.forgebus.common.config.MirrorSettings;
import dev.forgebus.common.config.ModuleId;
import dev.forgebus.common.config.RepoRef;
import dev.forgebus.common.config.StandardModules;
import dev.forgebus.common.emit.Notification;
import dev.forgebus.common.event.EventEnvelope;
import dev.forgebus.forge.ForgeCallException;
import dev.forgebus.forge.ForgeClient;
import dev.forgebus.forge.MirrorSync;
import dev.forgebus.workers.HandlerContext;
import dev.forgebus.workers.ModuleHandler;
import dev.forgebus.workers.ProgressStore;
import dev.forgebus.workers.Result;
import dev.forgebus.workers.WorkItem;

/**
 * Mirror verification (SPEC 7.8): a push to the primary copy is compared, ref by ref, with the
 * mirror (the pushed branch, or the pushed tag). Equal: done. Different: looked at again after
 * {@code max_drift_seconds} (a re-check item, no waiting thread). Still different then: the mirror
 * is asked to sync where its forge can (Forgejo/Gitea pull mirrors; GitHub has none) and a
 * {@code mirror_drift} notification with both SHAs is emitted. A later equal comparison of the same
 * ref, after a drift was notified, emits {@code mirror_recovered} once.
 *
 * <p>The settings are looked up like the router does ({@link StandardModules#mirrorSettings}): the
 * primary may be on another forge than the org that configures it. Primary and mirror are read with
 * the credential of their own forge and owner. The "drift notified" marker lives in the module's
 * progress store, keyed by the primary ref, so it survives restarts and is shared by every worker.
 */
public final class MirrorHandler implements ModuleHandler {

    @Override
    public ModuleId module() {
        return ModuleId.MIRROR;
    }

    @Override
    public Result handle(WorkItem work, HandlerContext context) throws ForgeCallException, InterruptedException {
        EventEnvelope item = work.envelope();
        Optional<StandardModules.ConfiguredMirror> found = StandardModules.configuredMirror(context.config(), item.forge(),
                item.owner(), item.repo());
        if (found.isEmpty() || !found.get().settings().enabled()) {
            return Result.done("mirror verification is not configured for this repository");
        }
        MirrorSettings settings = found.get().settings();
        // Notifications go by the settings of the org whose block this is, which may be on another forge than the push.
        RepoRef notifyAbout = found.get().configuredIn();
        // The router decided on the config of its time; a reload since may have changed the trigger.
        if (!item.event().equals("push") || !settings.primaryForge().equals(item.forge()) || !settings.verifyOnPush()) {
            return Result.done("not a push to the primary with verify_on_push (primary_forge " + settings.primaryForge() + ")");
        }
        Optional<PushedRef> pushed = PushedRef.of(item.payload());
        if (pushed.isEmpty()) {
            return Result.done("push of a ref that is neither a branch nor a tag; nothing to compare");
        }
        if (pushed.get().kind() == PushedRef.Kind.TAG && !settings.tags()) {
            return Result.done("push of " + pushed.get().shown() + "; tags are not compared (tags: false)");
        }
        RepoRef primaryRepo = new RepoRef(item.forge(), item.owner(), item.repo());
        MirrorComparison now = compare(context, primaryRepo, settings.mirror(), pushed.get());
        ProgressStore progress = context.progress();
        String marker = MirrorComparison.markerKey(primaryRepo, pushed.get());
        if (now.inSync()) {
            if (progress.get(marker).isPresent()) {
                context.emit(Notification.of("mirror_recovered", "mirror_recovered",
                        "Mirror " + settings.mirror() + " caught up with " + primaryRepo,
                        now.shown()), notifyAbout.forgeId(), notifyAbout.owner(), notifyAbout.repo());
                progress.remove(marker);
                return Result.done("mirror recovered: " + now.shown());
            }
            return Result.done("mirror in sync: " + now.shown());
        }
        if (!work.isRecheck()) {
            return Result.recheckAfter(Duration.ofSeconds(settings.maxDriftSeconds()), "mirror drift: " + now.shown());
        }
        // syncMirror makes no request where the forge has no pull mirrors (GitHub) and says so.
        MirrorSync sync = context.clients().forOwner(settings.mirror().forgeId(), settings.mirror().owner())
                .syncMirror(settings.mirror());
        String synced = sync == MirrorSync.REQUESTED ? "mirror sync requested"
                : "no sync: " + settings.mirror().forgeId() + " has no pull mirrors (mirror-sync is Forgejo/Gitea only); "
                        + "push to the mirror from the primary";
        context.emit(Notification.of("mirror_drift", "mirror_drift",
                "Mirror " + settings.mirror() + " is behind " + primaryRepo,
                now.shown() + " after " + settings.maxDriftSeconds() + " s; " + synced),
                notifyAbout.forgeId(), notifyAbout.owner(), notifyAbout.repo());
        progress.put(marker, now.primary().orElse("none") + " " + now.mirror().orElse("none"));
        return Result.done("mirror drift: " + now.shown() + "; " + synced);
    }

    private static MirrorComparison compare(HandlerContext context, RepoRef primary, RepoRef mirror, PushedRef ref)
            throws ForgeCallException, InterruptedException {
        return new MirrorComparison(ref,
                head(context.clients().forOwner(primary.forgeId(), primary.owner()), primary, ref),
                head(context.clients().forOwner(mirror.forgeId(), mirror.owner()), mirror, ref));
    }

    private static Optional<String> head(ForgeClient client, RepoRef repo, PushedRef ref)
            throws ForgeCallException, InterruptedException {
        Map<String, String> heads = ref.kind() == PushedRef.Kind.BRANCH ? client.branchHeads(repo) : client.tagHeads(repo);
        return Optional.ofNullable(heads.get(ref.name()));
    }
}
