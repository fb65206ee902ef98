package dev.forgebus.workers.migrations;

import java.time.Duration;
import java.util.List;

/** The wait before retry number {@code retry} (1 first) of a file that met a lock timeout. */
@FunctionalInterface
public interface Backoff {

    /** SPEC 7.12: 2, 5, 10, 20, 30 s, then 30 s for every later retry. */
    List<Duration> STANDARD_DELAYS = List.of(Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(10),
            Duration.ofSeconds(20), Duration.ofSeconds(30));

    void pause(int retry) throws InterruptedException;

    /** Sleeps {@code delays[retry - 1]} (the last one past the end). */
    static Backoff of(List<Duration> delays) {
        List<Duration> copy = List.copyOf(delays);
        return retry -> Thread.sleep(copy.get(Math.min(retry, copy.size()) - 1));
    }

    static Backoff standard() {
        return of(STANDARD_DELAYS);
    }
}
