package dev.forgebus.common.config;

import java.util.Objects;

/**
 * Mirror verification (SPEC 7.8), configured per repository only: a mirror names one other
 * repository, which no org-wide default could.
 *
 * @param enabled         false switches the check off
 * @param primaryForge    forge id holding the primary, authoritative copy of this repository
 * @param mirror          the mirror to compare against
 * @param verifyOnPush    compare on every push to the primary
 * @param maxDriftSeconds how long heads may differ before a sync is triggered and drift reported
 * @param tags            compare a pushed tag too ({@code tags}, default false: branches only)
 */
public record MirrorSettings(boolean enabled, String primaryForge, RepoRef mirror, boolean verifyOnPush, int maxDriftSeconds,
                             boolean tags) implements ModuleBlock {

    public static final int DEFAULT_MAX_DRIFT_SECONDS = 300;

    /** Branches only, as without a {@code tags} key. */
    public MirrorSettings(boolean enabled, String primaryForge, RepoRef mirror, boolean verifyOnPush, int maxDriftSeconds) {
        this(enabled, primaryForge, mirror, verifyOnPush, maxDriftSeconds, false);
    }

    public MirrorSettings {
        Objects.requireNonNull(primaryForge, "primaryForge");
        Objects.requireNonNull(mirror, "mirror");
    }
}
