package dev.forgebus.common.kafka;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/**
 * Answers "can this process reach Kafka right now?" for {@code /ready}. The answer is cached
 * for a short time so that a load balancer polling {@code /ready} does not turn into a stream
 * of metadata requests.
 */
public final class KafkaReachability {
    /** Outcome of one check; {@code reason} is empty when reachable. */
    public record Status(boolean reachable, String reason) {
    }

    private final Admin admin;
    private final Duration timeout;
    private final Duration cacheFor;
    private final Clock clock;
    private Status last = new Status(false, "not checked yet");
    private Instant checkedAt = Instant.EPOCH;

    public KafkaReachability(Admin admin, Duration timeout, Duration cacheFor, Clock clock) {
        this.admin = admin;
        this.timeout = timeout;
        this.cacheFor = cacheFor;
        this.clock = clock;
    }

    public synchronized Status check() {
        Instant now = clock.instant();
        if (now.isBefore(checkedAt.plus(cacheFor))) {
            return last;
        }
        try {
            var nodes = admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) timeout.toMillis()))
                    .nodes().get(timeout.toMillis() + 500, TimeUnit.MILLISECONDS);
            last = nodes.isEmpty() ? new Status(false, "kafka: no broker available") : new Status(true, "");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            last = new Status(false, "kafka: interrupted");
        } catch (Exception e) {
            last = new Status(false, "kafka not reachable: " + e.getClass().getSimpleName());
        }
        checkedAt = clock.instant();
        return last;
    }
}
