package dev.forgebus.workers.release;

import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.forgebus.common.config.ModuleId;
import dev.forgebus.common.config.ReleaseSettings;
import dev.forgebus.common.config.RepoRef;
import dev.forgebus.common.emit.Notification;
import dev.forgebus.common.event.EventEnvelope;
import dev.forgebus.forge.CheckReport;
import dev.forgebus.forge.FileContent;
import dev.forgebus.forge.ForgeCallException;
import dev.forgebus.forge.ForgeClient;
import dev.forgebus.forge.ForgeRelease;
import dev.forgebus.forge.ReleaseDraft;
import dev.forgebus.workers.ForgeFeedback;
import dev.forgebus.workers.HandlerContext;
import dev.forgebus.workers.ModuleHandler;
import dev.forgebus.workers.Result;
import dev.forgebus.workers.WorkItem;
import dev.forgebus.workers.settings.RepoSettingsSource;

/**
 * Release automation (SPEC 7.6): a tag matching {@code tag_pattern} gets a release whose body is
 * that version's section of {@code changelog_path} read at the tag (draft as configured,
 * pre-release when the version has a SemVer pre-release part). With {@code merge_label}, a merged
 * pull request carrying {@code release_label} creates tag and release at its merge commit, the
 * version taken from the changelog's newest released section there, else from a SemVer in its title.
 *
 * <p>Exactly one release per tag, whatever arrives: the release is looked up before anything is
 * written, and one that exists is left alone (or, when its body is empty, given the notes). A tag's
 * push and its {@code create} event, GitHub's and Forgejo's, redeliveries and replays all land
 * here; the forge's "already exists" answer to a create that lost a race is read as done too.
 *
 * <p>With {@code report_status} (default on) a released pull request's head gets one check,
 * {@code forgebus/release}: "release v1.2.0 created", "... exists", or why not ({@link ForgeFeedback}).
 * A pushed tag has no pull request and gets none.
 *
 * <p>Three forge calls per release: the release lookup, the changelog, the create (GitHub's lookup
 * is one call while the repository has fewer than 100 releases).
 */
public final class ReleaseHandler implements ModuleHandler {
    private static final Logger LOG = LoggerFactory.getLogger(ReleaseHandler.class);

    @Override
    public ModuleId module() {
        return ModuleId.RELEASE;
    }

    @Override
    public Result handle(WorkItem work, HandlerContext context) throws ForgeCallException, InterruptedException {
        // The router decided that this event starts a release (StandardModules.RELEASE).
        EventEnvelope item = work.envelope();
        RepoSettingsSource.Resolved resolved = context.settings();
        Optional<ReleaseSettings> settings = resolved.settings().release().filter(ReleaseSettings::enabled);
        if (settings.isEmpty()) {
            return done("release is disabled for this repository", resolved);
        }
        String note = switch (ReleaseEvent.of(item)) {
            case ReleaseEvent.TagPushed tag -> settings.get().trigger().onTagPush()
                    ? onTag(item, tag.tag(), settings.get(), context) : "tag " + tag.tag() + ": trigger is merge_label";
            case ReleaseEvent.LabelledMerge merge -> settings.get().trigger().onMergeLabel()
                    ? onMerge(item, merge, settings.get(), context) : "merged pull request: trigger is tag_push";
            case ReleaseEvent.Ignored ignored -> ignored.why();
        };
        return done(note, resolved);
    }

    /** A tag was pushed or created: release it when it matches the pattern. */
    private static String onTag(EventEnvelope item, String tag, ReleaseSettings settings, HandlerContext context)
            throws ForgeCallException, InterruptedException {
        if (!TagPattern.of(settings.tagPattern()).matches(tag)) {
            return "tag " + tag + " does not match tag_pattern " + settings.tagPattern();
        }
        RepoRef repo = repoOf(item);
        ForgeClient forge = context.clients().forOwner(item.forge(), item.owner());
        Optional<ForgeRelease> existing = forge.releaseByTag(repo, tag);
        if (existing.isPresent() && !existing.get().body().isBlank()) {
            return "release of " + tag + " exists; left alone";
        }
        Optional<Changelog> changelog = changelogAt(forge, repo, settings.changelogPath(), tag);
        ReleaseNotes notes = ReleaseNotes.of(changelog, versionOf(tag, changelog), settings.changelogPath(), tag,
                fileLink(item, tag, settings.changelogPath()));
        return publish(item, repo, forge, existing, tag, Optional.empty(), notes, settings, context);
    }

    /** A pull request carrying the release label merged: tag its merge commit with the version, and release. */
    private static String onMerge(EventEnvelope item, ReleaseEvent.LabelledMerge merge, ReleaseSettings settings,
                                  HandlerContext context) throws ForgeCallException, InterruptedException {
        if (!merge.labels().contains(settings.releaseLabel())) {
            return "merged pull request #" + merge.number() + " does not carry release label " + settings.releaseLabel();
        }
        RepoRef repo = repoOf(item);
        ForgeClient forge = context.clients().forOwner(item.forge(), item.owner());
        Optional<Changelog> changelog = changelogAt(forge, repo, settings.changelogPath(), merge.mergeCommit());
        Optional<String> version = changelog.flatMap(Changelog::newestReleased).map(Changelog.Section::version)
                .or(() -> SemVer.find(merge.title()).map(SemVer::text));
        if (version.isEmpty()) {
            show(context, forge, repo, merge, settings, CheckReport.State.BLOCKED,
                    "blocked: no version in " + settings.changelogPath() + " or the title");
            return "no version: neither " + settings.changelogPath() + " at the merge commit nor the title of #"
                    + merge.number() + " names one";
        }
        String tag = tagFor(version.get(), settings.tagPattern());
        Optional<ForgeRelease> existing = forge.releaseByTag(repo, tag);
        if (existing.isPresent() && !existing.get().body().isBlank()) {
            show(context, forge, repo, merge, settings, CheckReport.State.DONE, "release " + tag + " exists");
            return "release of " + tag + " exists; left alone";
        }
        ReleaseNotes notes = ReleaseNotes.of(changelog, version.get(), settings.changelogPath(), tag,
                fileLink(item, tag, settings.changelogPath()));
        String note = publish(item, repo, forge, existing, tag, Optional.of(merge.mergeCommit()), notes, settings, context);
        show(context, forge, repo, merge, settings, CheckReport.State.DONE,
                "release " + tag + (existing.isPresent() ? " notes filled" : " created") + (settings.draft() ? " (draft)" : ""));
        return note;
    }

    /** The pull request's {@code forgebus/release} check on its head, when {@code report_status} is on. */
    private static void show(HandlerContext context, ForgeClient forge, RepoRef repo, ReleaseEvent.LabelledMerge merge,
                             ReleaseSettings settings, CheckReport.State state, String summary)
            throws ForgeCallException, InterruptedException {
        if (settings.reportStatus()) {
            new ForgeFeedback(context, forge, repo, ModuleId.RELEASE).report(merge.number(), merge.headSha(), state, summary);
        }
    }

    /** Creates the release, or fills the empty body of the one that exists; emits {@code release} for a new one. */
    private static String publish(EventEnvelope item, RepoRef repo, ForgeClient forge, Optional<ForgeRelease> existing,
                                  String tag, Optional<String> target, ReleaseNotes notes, ReleaseSettings settings,
                                  HandlerContext context) throws ForgeCallException, InterruptedException {
        if (existing.isPresent()) {
            ForgeRelease old = existing.get();
            forge.updateRelease(repo, old.id(), new ReleaseDraft(tag, Optional.empty(),
                    old.name().isBlank() ? tag : old.name(), notes.body(), old.draft(), old.prerelease()));
            LOG.info("release {} {} ({}): empty body filled", repo, tag, item.deliveryId());
            return join("release of " + tag + " had an empty body; filled", notes.note());
        }
        boolean prerelease = SemVer.inTag(tag).map(SemVer::isPreRelease).orElse(false);
        ForgeRelease created;
        try {
            created = forge.createRelease(repo, new ReleaseDraft(tag, target, tag, notes.body(), settings.draft(), prerelease));
        } catch (ForgeCallException e) {
            if (alreadyExists(e) && forge.releaseByTag(repo, tag).isPresent()) {
                // Another delivery of this tag (its push and its create event at once) won the race.
                return "release of " + tag + " was created meanwhile; left alone";
            }
            throw e;
        }
        LOG.info("release {} {} ({}): created{}", repo, tag, item.deliveryId(), settings.draft() ? " as a draft" : "");
        Notification notification = Notification.of(notificationKey(tag), "release",
                cut(repo.owner() + "/" + repo.repo() + " " + tag + (settings.draft() ? " (draft)" : ""), Notification.MAX_TITLE),
                cut(notes.body(), Notification.MAX_TEXT));
        context.emit(created.htmlUrl().matches("https?://.{1,1900}") ? notification.withLink(created.htmlUrl()) : notification);
        return join("release of " + tag + " created" + (prerelease ? " (pre-release)" : ""), notes.note());
    }

    /** GitHub answers 422 {@code already_exists}, Forgejo and Gitea 409, when the tag has a release. */
    private static boolean alreadyExists(ForgeCallException e) {
        return e.kind() == ForgeCallException.Kind.PERMANENT && (e.status() == 422 || e.status() == 409);
    }

    private static Optional<Changelog> changelogAt(ForgeClient forge, RepoRef repo, String path, String ref)
            throws ForgeCallException, InterruptedException {
        return forge.fileContent(repo, path, Optional.of(ref)).map(FileContent::bytes).map(Changelog::parse);
    }

    /**
     * The version a tag names: the tag itself when the changelog has its section ({@code v1.2.0} and
     * {@code 1.2.0} are one version), else a SemVer inside it ({@code lib-1.2.0}), else the tag.
     */
    static String versionOf(String tag, Optional<Changelog> changelog) {
        if (changelog.flatMap(c -> c.section(tag)).isPresent()) {
            return Changelog.withoutV(tag);
        }
        return SemVer.inTag(tag).map(SemVer::text).orElse(Changelog.withoutV(tag));
    }

    /** The tag of {@code version} under {@code pattern}: as written when it matches, else with a leading v when that does. */
    static String tagFor(String version, String pattern) {
        TagPattern tags = TagPattern.of(pattern);
        String bare = Changelog.withoutV(version);
        for (String candidate : new String[] {version, "v" + bare, bare}) {
            if (tags.matches(candidate)) {
                return candidate;
            }
        }
        return "v" + bare;
    }

    private static Optional<String> fileLink(EventEnvelope item, String tag, String path) {
        return ReleaseNotes.fileLink(item.forgeType(), item.payload().path("repository").path("html_url").asText(""), tag, path);
    }

    private static RepoRef repoOf(EventEnvelope item) {
        return new RepoRef(item.forge(), item.owner(), item.repo());
    }

    /** {@code release:<tag>} with characters a notification key does not allow replaced. */
    static String notificationKey(String tag) {
        String key = "release:" + tag.replaceAll("[^A-Za-z0-9._:@+=-]", "-");
        return key.length() <= Notification.MAX_KEY ? key : key.substring(0, Notification.MAX_KEY);
    }

    private static String cut(String text, int max) {
        String clean = text.replaceAll("[\\p{Cntrl}&&[^\\n\\t]]", "");
        return clean.length() <= max ? clean : clean.substring(0, max - 1) + "…";
    }

    private static String join(String what, String note) {
        return note.isEmpty() ? what : what + "; " + note;
    }

    private static Result.Done done(String note, RepoSettingsSource.Resolved resolved) {
        return Result.done(resolved.problem().map(problem -> note + "; " + problem).orElse(note));
    }
}
