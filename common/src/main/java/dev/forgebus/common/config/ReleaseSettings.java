package dev.forgebus.common.config;

import java.util.Objects;

/**
 * Release automation (SPEC 7.6).
 *
 * @param enabled       false switches the module off for the scope
 * @param trigger       what creates a release
 * @param tagPattern    fnmatch pattern of release tags
 * @param changelogPath file read at the tag for the release body
 * @param draft         create releases as drafts
 * @param releaseLabel  the label that makes a merged pull request a release (merge_label, both)
 * @param reportStatus  keep one check run (GitHub) or commit status (Forgejo/Gitea) named
 *                      {@code forgebus/release} on the released pull request's head saying what became of it
 */
public record ReleaseSettings(boolean enabled, ReleaseTrigger trigger, String tagPattern, String changelogPath, boolean draft,
                      String releaseLabel, boolean reportStatus) implements ModuleBlock {

    public static final String DEFAULT_TAG_PATTERN = "v*";
    public static final String DEFAULT_CHANGELOG_PATH = "CHANGELOG.md";
    public static final String DEFAULT_RELEASE_LABEL = "release";

    public ReleaseSettings {
        Objects.requireNonNull(trigger, "trigger");
        Objects.requireNonNull(tagPattern, "tagPattern");
        Objects.requireNonNull(changelogPath, "changelogPath");
        Objects.requireNonNull(releaseLabel, "releaseLabel");
    }
}
