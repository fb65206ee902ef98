package dev.forgebus.workers;

import java.time.Duration;
import java.util.Objects;

/** What a {@link ModuleHandler} answers for one item: a closed set. */
public sealed interface Result {

    /** The one {@link Done} with nothing to say. */
    Done DONE = new Done("");

    /** Done; {@code note} goes to the DONE outcome. */
    static Done done(String note) {
        return new Done(note);
    }

    /** Look at the item again after {@code after}. */
    static RecheckAfter recheckAfter(Duration after, String reason) {
        return new RecheckAfter(after, reason);
    }

    /**
     * The item is finished.
     *
     * @param note what the DONE outcome should say although the item is done (e.g. that a broken
     *             {@code .ops.yaml} was ignored), "" when nothing; never a secret
     */
    record Done(String note) implements Result {
        public Done {
            Objects.requireNonNull(note, "note");
        }
    }

    /**
     * Not finished: hand the item back to the handler after {@code after} (at the earliest; the
     * runtime may deliver it later, never sooner), with {@link WorkItem#isRecheck()} true. No
     * thread or partition waits meanwhile; the item waits in a retry topic and survives restarts.
     *
     * @param after  how long to wait; not negative
     * @param reason why, for the logs and the item's {@code recheck.reason} header; never a secret
     */
    record RecheckAfter(Duration after, String reason) implements Result {
        public RecheckAfter {
            Objects.requireNonNull(after, "after");
            Objects.requireNonNull(reason, "reason");
            if (after.isNegative()) {
                throw new IllegalArgumentException("after must not be negative: " + after);
            }
        }
    }
}
