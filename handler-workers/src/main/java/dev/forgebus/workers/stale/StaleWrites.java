package dev.forgebus.workers.stale;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.forgebus.common.config.RepoRef;
import dev.forgebus.forge.CloseReason;
import dev.forgebus.forge.ForgeCallException;
import dev.forgebus.forge.ForgeClient;

/**
 * The stale module's writes, counted for the outcome note. For a repository under {@code dry_run}
 * nothing reaches the forge and the note says what would have been done: a count per action and the
 * first {@link #LISTED_PER_ACTION} items ({@code repo#number}) of each, so the note stays bounded.
 */
final class StaleWrites {
    static final int LISTED_PER_ACTION = 20;
    private static final List<String> ACTIONS = List.of("mark", "close", "unmark");

    private final ForgeClient client;
    private final Map<String, Integer> done = new LinkedHashMap<>();
    private final Map<String, Integer> wouldDo = new LinkedHashMap<>();
    private final Map<String, List<String>> wouldDoItems = new LinkedHashMap<>();
    private int writes;

    StaleWrites(ForgeClient client) {
        this.client = client;
        for (String action : ACTIONS) {
            done.put(action, 0);
            wouldDo.put(action, 0);
            wouldDoItems.put(action, new ArrayList<>());
        }
    }

    void mark(RepoRef repo, long number, String label, String comment, boolean dryRun)
            throws ForgeCallException, InterruptedException {
        if (!dryRun) {
            // Label first: a crash before the comment leaves a labelled item that closes on time;
            // the other order would leave a commented item that is no longer idle.
            client.addLabels(repo, number, List.of(label));
            writes++;
            if (!comment.isEmpty()) {
                client.comment(repo, number, StaleMarkers.staleComment(comment));
                writes++;
            }
        }
        count("mark", repo, number, dryRun);
    }

    void unmark(RepoRef repo, long number, String label, boolean dryRun) throws ForgeCallException, InterruptedException {
        if (!dryRun) {
            client.removeLabel(repo, number, label);
            writes++;
        }
        count("unmark", repo, number, dryRun);
    }

    void close(RepoRef repo, long number, String comment, boolean dryRun) throws ForgeCallException, InterruptedException {
        if (!dryRun) {
            if (!comment.isEmpty()) {
                client.comment(repo, number, StaleMarkers.closeComment(comment));
                writes++;
            }
            client.closeIssue(repo, number, CloseReason.NOT_PLANNED);
            writes++;
        }
        count("close", repo, number, dryRun);
    }

    /** Writes made (none for dry-run repositories), for the per-item write bound. */
    int writes() {
        return writes;
    }

    private void count(String action, RepoRef repo, long number, boolean dryRun) {
        if (!dryRun) {
            done.merge(action, 1, Integer::sum);
            return;
        }
        wouldDo.merge(action, 1, Integer::sum);
        List<String> listed = wouldDoItems.get(action);
        if (listed.size() < LISTED_PER_ACTION) {
            listed.add(repo.repo() + "#" + number);
        }
    }

    @Override
    public String toString() {
        StringBuilder note = new StringBuilder(done.get("mark") + " marked, " + done.get("close") + " closed, "
                + done.get("unmark") + " unmarked");
        if (wouldDo.values().stream().anyMatch(n -> n > 0)) {
            note.append("; dry run, not written:");
            for (String action : ACTIONS) {
                List<String> listed = wouldDoItems.get(action);
                note.append(" would ").append(action).append(' ').append(wouldDo.get(action));
                if (!listed.isEmpty()) {
                    note.append(" (").append(String.join(" ", listed)).append(wouldDo.get(action) > listed.size() ? " ..." : "").append(')');
                }
                note.append(action.equals("unmark") ? "" : ",");
            }
        }
        return note.toString();
    }
}
