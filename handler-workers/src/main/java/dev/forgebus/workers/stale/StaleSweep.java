package dev.forgebus.workers.stale;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import dev.forgebus.common.config.OrgConfig;
import dev.forgebus.common.config.RepoRef;
import dev.forgebus.common.config.StaleSettings;
import dev.forgebus.common.schedule.ScheduledJobs;
import dev.forgebus.forge.ForgeCallException;
import dev.forgebus.forge.ForgeClient;
import dev.forgebus.forge.ForgeIssue;
import dev.forgebus.forge.IssuePage;
import dev.forgebus.workers.HandlerContext;
import dev.forgebus.workers.ProgressStore;
import dev.forgebus.workers.Result;
import dev.forgebus.workers.WorkItem;

/**
 * One step of a sweep of job {@code stale:<forge>:<org>} over the org's repositories
 * ({@link SweepRepositories}), page by page of open issues, marking, closing and unmarking per
 * {@link StalePolicy}; each repository's own settings (its block, the org's, its {@code .ops.yaml})
 * decide, {@code dry_run} included.
 *
 * <p>Resumable and bounded: one item reads at most {@link #PAGES_PER_ITEM} pages and stops after the
 * page on which it passed {@link #WRITES_PER_ITEM} writes, stores its cursor ({@link SweepCursor}) in
 * the progress store after each page and asks for a re-check to go on, so a sweep never holds a
 * worker for the whole org and a crash resumes at the last stored page (that page is read again;
 * every write checks the item's state first, so nothing is done twice).
 *
 * <p>Page order ({@link ForgeClient#openIssuesPage}) moves an item we write to the front, never past
 * the cursor; a close removes an item and pulls the next page's first items onto this page, so a page
 * with a close is read again before moving on (in a dry run nothing moves, so it goes on).
 */
final class StaleSweep {
    static final int PAGES_PER_ITEM = 5;
    static final int WRITES_PER_ITEM = 120;
    static final Duration NEXT_PAGES_AFTER = Duration.ofSeconds(1);

    private StaleSweep() {
    }

    static Result step(WorkItem work, HandlerContext context, String forge, OrgConfig org)
            throws ForgeCallException, InterruptedException {
        String job = ScheduledJobs.staleName(forge, org.name());
        String sweep = work.envelope().deliveryId();
        ProgressStore progress = context.progress();
        Optional<SweepCursor> stored = SweepCursor.decode(progress.get(job));
        boolean ours = stored.isPresent() && stored.get().sweep().equals(sweep);
        if (!ours && work.isRecheck()) {
            // A later tick took the job over (or this sweep finished): its cursor is not ours.
            return Result.done("sweep " + sweep + " was finished or taken over by a later tick");
        }
        ForgeClient client = context.clients().forOwner(forge, org.name());
        List<String> repos = SweepRepositories.of(org, job, sweep, client, progress);
        if (repos.isEmpty()) {
            SweepRepositories.forget(job, progress);
            return Result.done(SweepRepositories.modeOf(org) == StaleSettings.Sweep.LISTED
                    ? "org " + org.name() + " lists no repositories; stale sweeps only listed repositories unless sweep: all_repositories"
                    : "org " + org.name() + " has no repositories to sweep (archived ones and forks are skipped)");
        }
        SweepCursor cursor = ours && repos.contains(stored.get().repo()) ? stored.get() : new SweepCursor(sweep, repos.get(0), 1);

        StaleWrites writes = new StaleWrites(client);
        Instant now = context.clock().instant();
        for (int pages = 0; pages < PAGES_PER_ITEM && writes.writes() < WRITES_PER_ITEM; ) {
            RepoRef repo = new RepoRef(forge, org.name(), cursor.repo());
            Optional<StaleSettings> settings = context.settingsOf(forge, repo.owner(), repo.repo()).settings().stale()
                    .filter(StaleSettings::enabled);
            boolean repoDone;
            if (settings.isEmpty()) {
                repoDone = true;
            } else {
                IssuePage page = client.openIssuesPage(repo, cursor.page());
                pages++;
                int closed = 0;
                for (ForgeIssue issue : page.issues()) {
                    closed += act(client, repo, issue, settings.get(), now, writes) ? 1 : 0;
                }
                boolean reread = closed > 0 && !settings.get().dryRun();
                repoDone = !page.more() && !reread;
                if (!repoDone) {
                    cursor = cursor.atPage(reread ? cursor.page() : cursor.page() + 1);
                }
            }
            if (repoDone) {
                int next = repos.indexOf(cursor.repo()) + 1;
                if (next >= repos.size()) {
                    progress.remove(job);
                    SweepRepositories.forget(job, progress);
                    return Result.done("sweep finished: " + writes);
                }
                cursor = new SweepCursor(sweep, repos.get(next), 1);
            }
            progress.put(job, cursor.encode());
        }
        return Result.recheckAfter(NEXT_PAGES_AFTER, "next page: " + cursor.repo() + " page " + cursor.page() + "; " + writes);
    }

    /** Acts on one listed item; true when it was (or in a dry run would be) closed. */
    private static boolean act(ForgeClient client, RepoRef repo, ForgeIssue issue, StaleSettings settings, Instant now,
                               StaleWrites writes) throws ForgeCallException, InterruptedException {
        switch (StalePolicy.look(issue, settings, now)) {
            case StalePolicy.Ignore ignore -> {
                return false;
            }
            case StalePolicy.Mark mark -> {
                writes.mark(repo, issue.number(), settings.staleLabel(), settings.staleComment(), settings.dryRun());
                return false;
            }
            case StalePolicy.Review review -> {
                switch (StalePolicy.review(issue, client.comments(repo, issue.number()), settings, now)) {
                    case StalePolicy.Keep keep -> {
                        return false;
                    }
                    case StalePolicy.Unmark unmark -> {
                        writes.unmark(repo, issue.number(), settings.staleLabel(), settings.dryRun());
                        return false;
                    }
                    case StalePolicy.Close close -> {
                        writes.close(repo, issue.number(), close.postComment() ? settings.closeComment() : "", settings.dryRun());
                        return true;
                    }
                }
            }
        }
    }
}
