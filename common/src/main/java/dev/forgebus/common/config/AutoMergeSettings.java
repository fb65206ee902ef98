package dev.forgebus.common.config;

import java.util.List;
import java.util.Objects;

/**
 * Auto-merge (SPEC 7.7).
 *
 * @param enabled        false switches the module off for the scope
 * @param triggerLabel   the label that asks for the pull request to be merged
 * @param mergeMethod    how to merge
 * @param requiredChecks check-run or status names that must all be green on the head SHA; empty
 *                       means every check reported on the head must be green (none reported: the
 *                       label alone is enough)
 * @param deleteBranch   delete the head branch after the merge
 * @param reportStatus   keep one check run (GitHub) or commit status (Forgejo/Gitea) named
 *                       {@code forgebus/auto_merge} on a labelled pull request's head saying what it waits for
 */
public record AutoMergeSettings(boolean enabled, String triggerLabel, MergeMethod mergeMethod, List<String> requiredChecks,
                        boolean deleteBranch, boolean reportStatus) implements ModuleBlock {

    public static final String DEFAULT_TRIGGER_LABEL = "auto-merge";

    public AutoMergeSettings {
        Objects.requireNonNull(triggerLabel, "triggerLabel");
        Objects.requireNonNull(mergeMethod, "mergeMethod");
        requiredChecks = List.copyOf(requiredChecks);
    }
}
