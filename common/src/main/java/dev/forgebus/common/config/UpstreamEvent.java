package dev.forgebus.common.config;

/** What in an upstream repository fires its dependency triggers (SPEC 7.4). */
public enum UpstreamEvent {
    /** A published release. */
    RELEASE("release"),
    /** A pushed tag. */
    TAG_PUSH("tag_push");

    private final String id;

    UpstreamEvent(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }
}
