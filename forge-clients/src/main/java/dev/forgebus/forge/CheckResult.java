package dev.forgebus.forge;

import java.util.Objects;

/** One check on a commit: a check run or the latest commit status of a context. */
public record CheckResult(String name, State state) {

    /** Where a check stands. */
    public enum State {
        /** Queued, in progress, or pending. */
        PENDING,
        /** Success, or a neutral or skipped conclusion. */
        SUCCESS,
        /** Failure, error, cancelled, timed out, action required. */
        FAILURE
    }

    public CheckResult {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(state, "state");
    }
}
