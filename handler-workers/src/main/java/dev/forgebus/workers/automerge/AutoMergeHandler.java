package dev.forgebus.workers.automerge;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.forgebus.common.config.AutoMergeSettings;
import dev.forgebus.common.config.ModuleId;
import dev.forgebus.common.config.RepoRef;
import dev.forgebus.common.emit.Notification;
import dev.forgebus.common.event.EventEnvelope;
import dev.forgebus.forge.CheckReport;
import dev.forgebus.forge.ForgeCallException;
import dev.forgebus.forge.ForgeClient;
import dev.forgebus.forge.ForgePullRequest;
import dev.forgebus.forge.MergeOutcome;
import dev.forgebus.workers.ForgeFeedback;
import dev.forgebus.workers.HandlerContext;
import dev.forgebus.workers.ModuleHandler;
import dev.forgebus.workers.Result;
import dev.forgebus.workers.WorkItem;
import dev.forgebus.workers.settings.RepoSettingsSource;

/**
 * Auto-merge (SPEC 7.7): a pull request that carries {@code trigger_label} and whose required
 * checks are all green on its CURRENT head is merged with {@code merge_method}, passing that head
 * SHA so the forge refuses if anything was pushed since; then its branch is deleted when
 * {@code delete_branch} (never a fork's: it is not ours to delete).
 *
 * <p>Everything is read from the forge when the item is handled, never from the payload: the
 * label (it may have been removed since), open/draft/merged, the head SHA and the checks of that
 * SHA. Outcomes are notes, not failures: a draft, a closed pull request, a missing label, a red or
 * missing check, a head that moved (409, no retry: the push's own events re-evaluate), a forge
 * refusal (405, with its reason; also a {@code merge_blocked} notification). A merge emits
 * {@code merged}.
 *
 * <p>Pending or missing checks: DONE on GitHub, whose {@code check_run}/{@code check_suite}/{@code status}
 * events re-evaluate when they finish. Forgejo and Gitea send no webhook when a commit status
 * changes, so there the item asks to be looked at again every {@link #RECHECK_EVERY}, at most
 * {@link #MAX_RECHECKS} times.
 *
 * <p>With {@code report_status} (default on) a labelled pull request's head carries one check,
 * {@code forgebus/auto-merge}, saying what the merge waits for, then "merged" or why it is blocked
 * ({@link ForgeFeedback}: written only when the text changes). It never gates the merge itself.
 */
public final class AutoMergeHandler implements ModuleHandler {
    static final Duration RECHECK_EVERY = Duration.ofMinutes(1);
    static final int MAX_RECHECKS = 60;
    private static final Logger LOG = LoggerFactory.getLogger(AutoMergeHandler.class);

    @Override
    public ModuleId module() {
        return ModuleId.AUTO_MERGE;
    }

    @Override
    public Result handle(WorkItem work, HandlerContext context) throws ForgeCallException, InterruptedException {
        // The router decided that this event may change whether a pull request can merge (StandardModules.AUTO_MERGE).
        EventEnvelope item = work.envelope();
        RepoSettingsSource.Resolved resolved = context.settings();
        Optional<AutoMergeSettings> settings = resolved.settings().autoMerge().filter(AutoMergeSettings::enabled);
        if (settings.isEmpty()) {
            return withProblem(resolved, "auto_merge is off");
        }
        MergeSubject subject = MergeSubject.of(item);
        RepoRef repo = new RepoRef(item.forge(), item.owner(), item.repo());
        ForgeClient forge = context.clients().forOwner(item.forge(), item.owner());
        Attempt attempt = new Attempt(repo, forge, settings.get(), context);
        switch (subject) {
            case MergeSubject.Idle idle -> attempt.notes.add(idle.why());
            case MergeSubject.PullRequest pr -> {
                Optional<ForgePullRequest> pull = forge.pullRequest(repo, pr.number());
                if (pull.isEmpty()) {
                    attempt.notes.add("#" + pr.number() + ": no such pull request");
                } else {
                    attempt.consider(pull.get());
                }
            }
            case MergeSubject.Commit commit -> {
                List<ForgePullRequest> heads = forge.openPullRequests(repo).stream()
                        .filter(p -> p.headSha().equals(commit.sha())).toList();
                if (heads.isEmpty()) {
                    attempt.notes.add("no open pull request has head " + commit.sha());
                }
                for (ForgePullRequest pull : heads) {
                    attempt.consider(pull);
                }
            }
        }
        String note = String.join("; ", attempt.notes);
        boolean forgeSendsCheckEvents = "github".equals(item.forgeType());
        if (attempt.waiting && !forgeSendsCheckEvents) {
            if (work.rechecks() < MAX_RECHECKS) {
                return Result.recheckAfter(RECHECK_EVERY, note);
            }
            note += "; stopped waiting after " + MAX_RECHECKS + " re-checks (a new label, push or review starts again)";
        }
        return withProblem(resolved, note);
    }

    private static Result.Done withProblem(RepoSettingsSource.Resolved resolved, String note) {
        return Result.done(resolved.problem().map(p -> note.isEmpty() ? p : note + "; " + p).orElse(note));
    }

    /** One item's work on one or more pull requests, with what became of each. */
    private static final class Attempt {
        private final RepoRef repo;
        private final ForgeClient forge;
        private final AutoMergeSettings settings;
        private final HandlerContext context;
        private final ForgeFeedback feedback;
        private final List<String> notes = new ArrayList<>();
        /** Some pull request waits for checks that may still turn green. */
        private boolean waiting;

        Attempt(RepoRef repo, ForgeClient forge, AutoMergeSettings settings, HandlerContext context) {
            this.repo = repo;
            this.forge = forge;
            this.settings = settings;
            this.context = context;
            this.feedback = new ForgeFeedback(context, forge, repo, ModuleId.AUTO_MERGE);
        }

        /** The pull request's {@code forgebus/auto-merge} check, when {@code report_status} is on. */
        private void show(ForgePullRequest pull, CheckReport.State state, String summary)
                throws ForgeCallException, InterruptedException {
            if (settings.reportStatus()) {
                feedback.report(pull.number(), pull.headSha(), state, summary);
            }
        }

        void consider(ForgePullRequest pull) throws ForgeCallException, InterruptedException {
            String pr = "#" + pull.number();
            if (!hasLabel(pull)) {
                notes.add(pr + ": no '" + settings.triggerLabel() + "' label");
                return;
            }
            if (pull.merged()) {
                notes.add(pr + ": already merged");
                deleteBranchOf(pull);
                return;
            }
            if (!pull.open()) {
                notes.add(pr + ": closed");
                return;
            }
            if (pull.draft()) {
                notes.add(pr + ": draft");
                show(pull, CheckReport.State.WAITING, "waiting for: ready for review (draft)");
                return;
            }
            RequiredChecks.Verdict checks = RequiredChecks.evaluate(settings.requiredChecks(), forge.checks(repo, pull.headSha()));
            if (!checks.green()) {
                notes.add(pr + ": not merged at " + pull.headSha() + ", " + checks.why());
                waiting |= checks.onlyWaiting();
                show(pull, checks.onlyWaiting() ? CheckReport.State.WAITING : CheckReport.State.BLOCKED, checks.onTheForge());
                return;
            }
            merge(pull);
        }

        private void merge(ForgePullRequest pull) throws ForgeCallException, InterruptedException {
            String pr = "#" + pull.number();
            MergeOutcome outcome = forge.merge(repo, pull.number(), settings.mergeMethod(), pull.headSha());
            switch (outcome) {
                case MergeOutcome.Merged merged -> {
                    notes.add(pr + ": merged " + pull.headSha() + " (" + settings.mergeMethod().id() + ")");
                    LOG.info("auto-merge {}{}: merged head {}", repo, pr, pull.headSha());
                    show(pull, CheckReport.State.DONE, "merged (" + settings.mergeMethod().id() + ")");
                    context.emit(Notification.of("merged:" + pull.number() + "@" + pull.headSha(), "merged",
                            shorten(repo.owner() + "/" + repo.repo() + " " + pr + " merged"),
                            "Merged head " + pull.headSha() + " of " + pull.headRef() + " into " + pull.baseRef()
                                    + " (" + settings.mergeMethod().id() + ")."));
                    deleteBranchOf(pull);
                }
                case MergeOutcome.HeadMoved moved -> {
                    // No retry: the push that moved the head brings its own events, checked on the new head.
                    notes.add(pr + ": head moved since " + pull.headSha() + ", not merged");
                    show(pull, CheckReport.State.BLOCKED, "blocked: head moved");
                }
                case MergeOutcome.NotMergeable refused -> {
                    String reason = shortenText(refused.message());
                    notes.add(pr + ": not mergeable: " + reason);
                    show(pull, CheckReport.State.BLOCKED, "blocked: the forge refused the merge: " + reason);
                    context.emit(Notification.of("merge_blocked:" + pull.number() + "@" + pull.headSha(), "merge_blocked",
                            shorten(repo.owner() + "/" + repo.repo() + " " + pr + " cannot be merged"),
                            "The forge refused to merge head " + pull.headSha() + ": " + reason));
                }
            }
        }

        /** When configured, and only for a branch of this repository (a fork's branch is its owner's). */
        private void deleteBranchOf(ForgePullRequest pull) throws ForgeCallException, InterruptedException {
            if (!settings.deleteBranch()) {
                return;
            }
            if (!pull.headRepo().equalsIgnoreCase(repo.owner() + "/" + repo.repo())) {
                notes.add("#" + pull.number() + ": branch of a fork kept");
                return;
            }
            forge.deleteBranch(repo, pull.headRef());
            notes.add("#" + pull.number() + ": branch " + pull.headRef() + " deleted");
        }

        private boolean hasLabel(ForgePullRequest pull) {
            String wanted = settings.triggerLabel().toLowerCase(Locale.ROOT);
            return pull.labels().stream().anyMatch(l -> l.toLowerCase(Locale.ROOT).equals(wanted));
        }
    }

    private static String shorten(String title) {
        return title.length() <= Notification.MAX_TITLE ? title : title.substring(0, Notification.MAX_TITLE - 1) + "…";
    }

    /** A forge's message as one printable line of bounded length. */
    private static String shortenText(String text) {
        String line = text.replaceAll("\\p{Cntrl}", " ");
        return line.length() <= 500 ? line : line.substring(0, 499) + "…";
    }
}
