package dev.forgebus.workers;

import java.util.Objects;
import java.util.Optional;

import dev.forgebus.common.config.ModuleId;
import dev.forgebus.common.config.RepoRef;
import dev.forgebus.forge.CheckReport;
import dev.forgebus.forge.ForgeCallException;
import dev.forgebus.forge.ForgeClient;

/**
 * A module's one line on a pull request's head, where people look (issue 14 item 5): a check run or
 * commit status named {@code forgebus/<module id>} ({@link ForgeClient#reportCheck}), like Mergify's
 * summary check or Tide's status context.
 *
 * <p>Written only when what it says changed: the last report per repository, pull request and module
 * is kept in the module's progress store (key {@code feedback:<forge>:<owner>/<repo>#<number>}, value
 * head SHA, state and text), so re-evaluating a pull request that still waits for the same checks costs
 * no forge write. A new head SHA is a new commit, so it gets its own check (the old head's stays as it was).
 */
public final class ForgeFeedback {
    private final HandlerContext context;
    private final ForgeClient forge;
    private final RepoRef repo;
    private final ModuleId module;

    public ForgeFeedback(HandlerContext context, ForgeClient forge, RepoRef repo, ModuleId module) {
        this.context = Objects.requireNonNull(context, "context");
        this.forge = Objects.requireNonNull(forge, "forge");
        this.repo = Objects.requireNonNull(repo, "repo");
        this.module = Objects.requireNonNull(module, "module");
    }

    /**
     * Reports {@code summary} in {@code state} on head {@code sha} of pull request {@code number},
     * unless that is exactly what was reported last. Answers whether it wrote to the forge.
     */
    public boolean report(long number, String sha, CheckReport.State state, String summary)
            throws ForgeCallException, InterruptedException {
        CheckReport report = new CheckReport("forgebus/" + module.id(), state, summary);
        String key = "feedback:" + repo.forgeId() + ":" + repo.owner() + "/" + repo.repo() + "#" + number;
        String value = sha + "\n" + state + "\n" + report.summary();
        ProgressStore progress = context.progress();
        Optional<String> last = progress.get(key);
        if (last.isPresent() && last.get().equals(value)) {
            return false;
        }
        forge.reportCheck(repo, sha, report);
        progress.put(key, value);
        return true;
    }
}
