package dev.forgebus.common.health;

/**
 * One condition of {@code /ready}: each role contributes the checks its work depends on
 * (Kafka reachable, its stream thread running, ...). A check must answer quickly and never
 * throw; it reports failure as a {@link Status} with a reason fit for operators.
 */
@FunctionalInterface
public interface ReadinessCheck {

    /** {@code reason} is empty when ready. */
    record Status(boolean ready, String reason) {
        public static Status ok() {
            return new Status(true, "");
        }

        public static Status notReady(String reason) {
            return new Status(false, reason);
        }
    }

    Status check();

    /** This check with its reason prefixed by the part it is about ({@code "dedup: ..."}, {@code "kafka: ..."}). */
    static ReadinessCheck of(String part, ReadinessCheck check) {
        return () -> {
            Status status = check.check();
            return status.ready() ? status : Status.notReady(part + ": " + status.reason());
        };
    }
}
