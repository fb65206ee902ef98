package dev.forgebus.forge;

/** What a merge request answered, when the forge answered at all. */
public sealed interface MergeOutcome {

    /** Merged; {@code sha} is the merge commit where the forge reports it (else empty). */
    record Merged(String sha) implements MergeOutcome {
    }

    /** The forge refused: not mergeable now (conflicts, failing protections, already merged, closed). */
    record NotMergeable(String message) implements MergeOutcome {
    }

    /** The head moved since it was checked: re-evaluate on the new head. */
    record HeadMoved(String message) implements MergeOutcome {
    }
}
