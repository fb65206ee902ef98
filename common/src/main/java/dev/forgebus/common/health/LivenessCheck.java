package dev.forgebus.common.health;

/**
 * One condition of {@code /health}: fails only when a part of the process is dead and will not
 * recover by itself (a stream client stopped by an error, a worker loop that died), so that an
 * orchestrator restarts the process. Passing states that merely wait (Kafka unreachable,
 * rebalancing, a normal close) are {@link ReadinessCheck}s, not liveness failures. A check must
 * answer quickly and never throw.
 */
@FunctionalInterface
public interface LivenessCheck {

    /** {@code reason} is empty when alive. */
    record Status(boolean alive, String reason) {
        public static Status ok() {
            return new Status(true, "");
        }

        public static Status dead(String reason) {
            return new Status(false, reason);
        }
    }

    Status check();

    /** This check with its reason prefixed by the part it is about ({@code "dedup: ..."}). */
    static LivenessCheck of(String part, LivenessCheck check) {
        return () -> {
            Status status = check.check();
            return status.alive() ? status : Status.dead(part + ": " + status.reason());
        };
    }
}
