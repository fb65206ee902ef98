package dev.forgebus.workers.dlq;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Which dead letters {@code forgebus dlq replay} sends back. A replay must say what it replays:
 * a source, ids or a since-instant, or {@code all} on its own; an empty selection is refused
 * rather than read as "everything", so a typo cannot replay every dead letter.
 *
 * @param source only this source's dead letters (every source when empty)
 * @param ids    only these dead letters; every dead letter matching {@code source} and
 *               {@code since} when empty
 * @param since  only dead letters written at or after this instant
 * @param all    every dead letter of every source; excludes the other selectors
 * @param dryRun list what would be replayed, send nothing
 * @param again  replay dead letters that were replayed before, too (skipped otherwise)
 */
public record ReplayRequest(Optional<DeadLetterSource> source, List<DeadLetterId> ids, Optional<Instant> since, boolean all,
                            boolean dryRun, boolean again) {

    public ReplayRequest {
        Objects.requireNonNull(source, "source");
        ids = ids == null ? List.of() : List.copyOf(ids);
        Objects.requireNonNull(since, "since");
        boolean selects = source.isPresent() || !ids.isEmpty() || since.isPresent();
        if (all && selects) {
            throw new IllegalArgumentException("all replays every dead letter: it cannot be combined with module, ids or since");
        }
        if (!all && !selects) {
            throw new IllegalArgumentException("a replay must name what it replays (module, ids or since), or say all");
        }
        for (DeadLetterId id : ids) {
            if (source.isPresent() && !source.get().equals(id.source())) {
                throw new IllegalArgumentException("dead letter " + id + " is not of module " + source.get().id());
            }
        }
    }

    /** Every dead letter of every source. */
    public static ReplayRequest everything(boolean dryRun, boolean again) {
        return new ReplayRequest(Optional.empty(), List.of(), Optional.empty(), true, dryRun, again);
    }

    /** A selection by source, ids and since (at least one of them). */
    public static ReplayRequest selecting(Optional<DeadLetterSource> source, List<DeadLetterId> ids, Optional<Instant> since,
                                          boolean dryRun, boolean again) {
        return new ReplayRequest(source, ids, since, false, dryRun, again);
    }
}
