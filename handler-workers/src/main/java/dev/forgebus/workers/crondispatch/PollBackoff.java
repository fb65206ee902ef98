package dev.forgebus.workers.crondispatch;

import java.time.Duration;

/**
 * How long to wait before looking at a dispatched run again: half the time waited so far, at least
 * {@link #MIN} and at most {@link #MAX}, cut so the last look falls on the timeout. Growing with the
 * wait keeps the number of looks (each a re-check of the tick's item, whose re-checks in all are
 * capped at {@code ModuleWorker.MAX_RECHECKS_TOTAL}) to about fifteen for a ten-minute run, while a
 * short run is seen finished within seconds. Each look touches the sweep lock in the progress store,
 * which is progress for the runtime, so the looks at one run are bounded by {@code run_timeout}.
 */
final class PollBackoff {

    static final Duration MIN = Duration.ofSeconds(2);
    static final Duration MAX = Duration.ofMinutes(5);

    private PollBackoff() {
    }

    static Duration next(Duration waited, Duration runTimeout) {
        Duration half = waited.dividedBy(2);
        Duration d = half.compareTo(MIN) < 0 ? MIN : half.compareTo(MAX) > 0 ? MAX : half;
        Duration left = runTimeout.minus(waited);
        if (!left.isNegative() && !left.isZero() && left.compareTo(d) < 0) {
            return left;
        }
        return d;
    }
}
