package dev.forgebus.common.schedule;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.Optional;

import com.cronutils.model.time.ExecutionTime;

/**
 * When a scheduled job fires. Fire times are whole seconds, computed from the job alone (never
 * from when a process started), so every scheduler replica computes the same ones, hence the
 * same tick ids.
 */
public sealed interface JobSchedule permits JobSchedule.CronSchedule, JobSchedule.Every {

    /** The latest fire time at or before {@code t}; empty when there is none. */
    Optional<Instant> latestAtOrBefore(Instant t);

    /** The first fire time strictly after {@code t}. */
    Instant nextAfter(Instant t);

    /** As written: the cron expression, or {@code every 60s}. */
    String describe();

    ZoneId timeZone();

    /** A 5-field cron expression evaluated in a time zone (DST gaps and overlaps as cron-utils defines them). */
    final class CronSchedule implements JobSchedule {
        private final String expression;
        private final ZoneId zone;
        private final ExecutionTime executions;

        public CronSchedule(String expression, ZoneId zone) {
            this.expression = expression.strip();
            this.zone = Objects.requireNonNull(zone, "zone");
            this.executions = ExecutionTime.forCron(CronExpressions.parse(this.expression));
        }

        @Override
        public Optional<Instant> latestAtOrBefore(Instant t) {
            // cron-utils' lastExecution is strictly before its argument; fire times are whole minutes.
            ZonedDateTime after = t.truncatedTo(ChronoUnit.SECONDS).plusSeconds(1).atZone(zone);
            return executions.lastExecution(after).map(ZonedDateTime::toInstant);
        }

        @Override
        public Instant nextAfter(Instant t) {
            return executions.nextExecution(t.atZone(zone)).map(ZonedDateTime::toInstant)
                    .orElseThrow(() -> new IllegalStateException("cron '" + expression + "' never fires again"));
        }

        @Override
        public String describe() {
            return expression;
        }

        @Override
        public ZoneId timeZone() {
            return zone;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof CronSchedule c && c.expression.equals(expression) && c.zone.equals(zone);
        }

        @Override
        public int hashCode() {
            return Objects.hash(expression, zone);
        }

        @Override
        public String toString() {
            return expression + " (" + zone + ")";
        }
    }

    /**
     * A fixed interval aligned to the epoch: fire times are the multiples of {@code interval} since
     * 1970-01-01T00:00Z, so replicas started at different moments agree on them.
     */
    record Every(Duration interval) implements JobSchedule {
        public Every {
            if (interval.isNegative() || interval.toSeconds() < 1 || interval.toNanos() % 1_000_000_000L != 0) {
                throw new IllegalArgumentException("an interval is a whole number of seconds, at least 1: " + interval);
            }
        }

        @Override
        public Optional<Instant> latestAtOrBefore(Instant t) {
            long seconds = interval.toSeconds();
            return Optional.of(Instant.ofEpochSecond(Math.floorDiv(t.getEpochSecond(), seconds) * seconds));
        }

        @Override
        public Instant nextAfter(Instant t) {
            return latestAtOrBefore(t).orElseThrow().plus(interval);
        }

        @Override
        public String describe() {
            return "every " + interval.toSeconds() + "s";
        }

        @Override
        public ZoneId timeZone() {
            return ScheduledJobs.DEFAULT_TIME_ZONE;
        }
    }
}
