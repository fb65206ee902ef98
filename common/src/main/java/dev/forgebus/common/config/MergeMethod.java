package dev.forgebus.common.config;

import java.util.Set;

/**
 * How a pull request is merged. GitHub knows three methods; Forgejo and Gitea two more, so the
 * set allowed depends on the forge type and is checked at load, not at the first merge.
 */
public enum MergeMethod {
    MERGE("merge"),
    SQUASH("squash"),
    REBASE("rebase"),
    REBASE_MERGE("rebase-merge"),
    FAST_FORWARD_ONLY("fast-forward-only");

    private final String id;

    MergeMethod(String id) {
        this.id = id;
    }

    /** The word in the config, which is also the value the forge's merge API takes. */
    public String id() {
        return id;
    }

    public boolean supportedBy(ForgeType type) {
        return type != ForgeType.GITHUB || Set.of(MERGE, SQUASH, REBASE).contains(this);
    }
}
