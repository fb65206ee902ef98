package dev.forgebus.workers.runtime;

import java.time.Duration;
import java.util.Objects;

/**
 * What the runtime does with a work item after one attempt: a closed set, decided in one place
 * ({@link RetryPolicy}) and acted on in another ({@link ModuleWorker}), the way Kafka's
 * {@code DeserializationHandlerResponse} separates the decision from the mechanics.
 */
public sealed interface Decision {

    /**
     * The handler returned: publish the DONE outcome, commit.
     *
     * @param note what the outcome should say although the item is done (e.g. that a broken
     *             {@code .ops.yaml} was ignored), "" when nothing; never a secret
     */
    record Done(String note) implements Decision {
        public Done {
            Objects.requireNonNull(note, "note");
        }
    }

    /**
     * The attempt failed and may be retried after {@code delay}: move the item to its retry tier,
     * due {@code delay} from now, and commit its offset once Kafka acknowledged the move.
     */
    record RetryAfter(Duration delay, Failure failure) implements Decision {
        public RetryAfter {
            Objects.requireNonNull(delay, "delay");
            Objects.requireNonNull(failure, "failure");
            if (delay.isNegative()) {
                throw new IllegalArgumentException("delay must not be negative: " + delay);
            }
        }
    }

    /**
     * The handler asked to see the item again after {@code delay} (no failure, no attempt spent):
     * move it to the retry tier for that delay, due {@code delay} from now, and commit its offset
     * once Kafka acknowledged the move. {@code progressed}: the handling that asked wrote to the
     * item's progress store, which starts its count of re-checks without progress again.
     */
    record Recheck(Duration delay, String reason, boolean progressed) implements Decision {
        public Recheck {
            Objects.requireNonNull(delay, "delay");
            Objects.requireNonNull(reason, "reason");
            if (delay.isNegative()) {
                throw new IllegalArgumentException("delay must not be negative: " + delay);
            }
        }
    }

    /**
     * The forge paused the item's credential and the gate refused the call without sending it
     * ({@link dev.forgebus.forge.ForgeCallException#refusedByGate()}): move the item to the retry
     * tier for {@code delay}, due when the pause ends, without spending an attempt, and commit its
     * offset once Kafka acknowledged the move. Bounded by {@link RetryPolicy#MAX_PARKINGS}.
     */
    record Parked(Duration delay, Failure failure) implements Decision {
        public Parked {
            Objects.requireNonNull(delay, "delay");
            Objects.requireNonNull(failure, "failure");
            if (delay.isNegative()) {
                throw new IllegalArgumentException("delay must not be negative: " + delay);
            }
        }
    }

    /** Retrying cannot help, or attempts are spent: dead letter, DEAD_LETTER outcome, commit. */
    record DeadLetter(Failure failure) implements Decision {
        public DeadLetter {
            Objects.requireNonNull(failure, "failure");
        }
    }

    /** The one {@link Done} value. */
    Done DONE = new Done("");
}
