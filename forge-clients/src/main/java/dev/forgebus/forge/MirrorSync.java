package dev.forgebus.forge;

/** What a mirror sync request did. */
public enum MirrorSync {
    /** The forge queued a sync. */
    REQUESTED,
    /** The forge has no pull-mirror sync (GitHub). */
    UNSUPPORTED
}
