package dev.forgebus.common.config;

/** What creates a release (SPEC 7.6). */
public enum ReleaseTrigger {
    /** A pushed tag matching the tag pattern. */
    TAG_PUSH("tag_push"),
    /** A merged pull request carrying the release label: Forgebus creates tag and release. */
    MERGE_LABEL("merge_label"),
    /** Either. */
    BOTH("both");

    private final String id;

    ReleaseTrigger(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    public boolean onTagPush() {
        return this != MERGE_LABEL;
    }

    public boolean onMergeLabel() {
        return this != TAG_PUSH;
    }
}
