package dev.forgebus.forge;

import java.util.Objects;
import java.util.Optional;

/**
 * What a release should be.
 *
 * @param targetCommitish where a tag that does not exist yet is created (a branch or SHA); empty: the default branch
 */
public record ReleaseDraft(String tag, Optional<String> targetCommitish, String name, String body, boolean draft,
                           boolean prerelease) {

    public ReleaseDraft {
        Objects.requireNonNull(tag, "tag");
        Objects.requireNonNull(targetCommitish, "targetCommitish");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(body, "body");
    }
}
