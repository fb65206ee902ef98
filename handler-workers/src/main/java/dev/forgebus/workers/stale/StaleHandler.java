package dev.forgebus.workers.stale;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

import dev.forgebus.common.event.DeliveryNames;
import dev.forgebus.common.config.ModuleId;
import dev.forgebus.common.config.OrgConfig;
import dev.forgebus.common.config.RepoConfig;
import dev.forgebus.common.config.RepoRef;
import dev.forgebus.common.schedule.ScheduledJobs;
import dev.forgebus.common.config.StaleSettings;
import dev.forgebus.forge.CloseReason;
import dev.forgebus.forge.ForgeCallException;
import dev.forgebus.forge.ForgeClient;
import dev.forgebus.forge.ForgeIssue;
import dev.forgebus.forge.IssuePage;
import dev.forgebus.workers.HandlerContext;
import dev.forgebus.workers.InvalidInputException;
import dev.forgebus.workers.ModuleHandler;
import dev.forgebus.workers.ProgressStore;
import dev.forgebus.workers.Result;
import dev.forgebus.workers.WorkItem;

/**
 * Stale cleanup (SPEC 7.3): a tick of job {@code stale:<forge>:<org>} sweeps the org's listed
 * repositories (those under {@code repositories:} in the config; an org without a list sweeps
 * nothing), page by page of open issues, marking, closing and unmarking per {@link StalePolicy}.
 *
 * <p>Resumable and bounded: one item reads at most {@link #PAGES_PER_ITEM} pages and stops after the
 * page on which it passed {@link #WRITES_PER_ITEM} writes, stores its cursor ({@link SweepCursor}) in
 * the progress store after each page and asks for a re-check to go on, so a sweep never holds a
 * worker for the whole org and a crash resumes at the last stored page (that page is read again;
 * every write checks the item's state first, so nothing is done twice).
 *
 * <p>Page order ({@link ForgeClient#openIssuesPage}) moves an item we write to the front, never past
 * the cursor; a close removes an item and pulls the next page's first items onto this page, so a page
 * with a close is read again before moving on.
 */
public final class StaleHandler implements ModuleHandler {
    static final int PAGES_PER_ITEM = 5;
    static final int WRITES_PER_ITEM = 120;
    static final Duration NEXT_PAGES_AFTER = Duration.ofSeconds(1);

    @Override
    public ModuleId module() {
        return ModuleId.STALE;
    }

    @Override
    public Result handle(WorkItem work, HandlerContext context) throws ForgeCallException, InterruptedException {
        JsonNode payload = work.envelope().payload();
        String forge = payload.path("forge").asText("");
        String orgName = payload.path("org").asText("");
        if (forge.isEmpty() || orgName.isEmpty()) {
            throw InvalidInputException.payload("a stale tick names its forge and org");
        }
        Optional<OrgConfig> org = context.config().orgs().values().stream()
                .filter(o -> o.forge().equals(forge) && DeliveryNames.sameName(o.name(), orgName)).findFirst();
        if (org.isEmpty()) {
            return Result.done("org " + forge + ":" + orgName + " is not configured any more");
        }
        List<String> repos = org.get().repositories().values().stream().map(RepoConfig::name).toList();
        if (repos.isEmpty()) {
            return Result.done("org " + orgName + " lists no repositories; stale sweeps only listed repositories");
        }
        String job = ScheduledJobs.staleName(forge, org.get().name());
        String sweep = work.envelope().deliveryId();
        ProgressStore progress = context.progress();
        Optional<SweepCursor> stored = SweepCursor.decode(progress.get(job));
        SweepCursor cursor;
        if (stored.isPresent() && stored.get().sweep().equals(sweep) && repos.contains(stored.get().repo())) {
            cursor = stored.get();
        } else if (work.isRecheck()) {
            // A later tick took the job over (or this sweep finished): its cursor is not ours.
            return Result.done("sweep " + sweep + " was finished or taken over by a later tick");
        } else {
            cursor = new SweepCursor(sweep, repos.get(0), 1);
        }

        Tally tally = new Tally();
        ForgeClient client = context.clients().forOwner(forge, org.get().name());
        Instant now = context.clock().instant();
        for (int pages = 0; pages < PAGES_PER_ITEM && tally.writes < WRITES_PER_ITEM; ) {
            RepoRef repo = new RepoRef(forge, org.get().name(), cursor.repo());
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
                    closed += sweep(client, repo, issue, settings.get(), now, tally) ? 1 : 0;
                }
                repoDone = !page.more() && closed == 0;
                if (!repoDone) {
                    cursor = cursor.atPage(closed > 0 ? cursor.page() : cursor.page() + 1);
                }
            }
            if (repoDone) {
                int next = repos.indexOf(cursor.repo()) + 1;
                if (next >= repos.size()) {
                    progress.remove(job);
                    return Result.done("sweep finished: " + tally);
                }
                cursor = new SweepCursor(sweep, repos.get(next), 1);
            }
            progress.put(job, cursor.encode());
        }
        return Result.recheckAfter(NEXT_PAGES_AFTER, "next page: " + cursor.repo() + " page " + cursor.page() + "; " + tally);
    }

    /** Acts on one listed item; true when it was closed (it left the open list). */
    private static boolean sweep(ForgeClient client, RepoRef repo, ForgeIssue issue, StaleSettings settings, Instant now,
                                 Tally tally) throws ForgeCallException, InterruptedException {
        switch (StalePolicy.look(issue, settings, now)) {
            case StalePolicy.Ignore ignore -> {
                return false;
            }
            case StalePolicy.Mark mark -> {
                // Label first: a crash before the comment leaves a labelled item that closes on time;
                // the other order would leave a commented item that is no longer idle.
                client.addLabels(repo, issue.number(), List.of(settings.staleLabel()));
                tally.writes++;
                if (!settings.staleComment().isEmpty()) {
                    client.comment(repo, issue.number(), StaleMarkers.staleComment(settings.staleComment()));
                    tally.writes++;
                }
                tally.marked++;
                return false;
            }
            case StalePolicy.Review review -> {
                return reviewMarked(client, repo, issue, settings, now, tally);
            }
        }
    }

    private static boolean reviewMarked(ForgeClient client, RepoRef repo, ForgeIssue issue, StaleSettings settings,
                                        Instant now, Tally tally) throws ForgeCallException, InterruptedException {
        switch (StalePolicy.review(issue, client.comments(repo, issue.number()), settings, now)) {
            case StalePolicy.Keep keep -> {
                return false;
            }
            case StalePolicy.Unmark unmark -> {
                client.removeLabel(repo, issue.number(), settings.staleLabel());
                tally.writes++;
                tally.unmarked++;
                return false;
            }
            case StalePolicy.Close close -> {
                if (close.postComment()) {
                    client.comment(repo, issue.number(), StaleMarkers.closeComment(settings.closeComment()));
                    tally.writes++;
                }
                client.closeIssue(repo, issue.number(), CloseReason.NOT_PLANNED);
                tally.writes++;
                tally.closed++;
                return true;
            }
        }
    }

    /** This item's counts, for the outcome's note. */
    private static final class Tally {
        int marked;
        int closed;
        int unmarked;
        int writes;

        @Override
        public String toString() {
            return marked + " marked, " + closed + " closed, " + unmarked + " unmarked";
        }
    }
}
