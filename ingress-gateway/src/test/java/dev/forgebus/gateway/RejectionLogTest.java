package dev.forgebus.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.Test;

import dev.forgebus.common.event.Rejection;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** The rejection log never blocks a request and never grows past its queue, whatever Kafka does. */
class RejectionLogTest {

    private static Rejection rejection(int i) {
        return new Rejection(Instant.parse("2026-03-01T12:00:00Z"), "github", "bad_signature", 401, "10.0.0.1", "d-" + i, "issues");
    }

    @Test
    void a_flood_against_a_stuck_writer_returns_at_once_and_counts_what_it_dropped() throws Exception {
        // Given a writer that never returns (Kafka away, the producer blocked)
        CountDownLatch stuck = new CountDownLatch(1);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (RejectionLog log = new RejectionLog((r, failed) -> stuck.await(), 100, registry)) {
            // When 100,000 refusals are recorded
            Rejection one = rejection(1);
            // (a record() that waited for the writer would never return: cut off instead of hanging the build)
            org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
                for (int i = 0; i < 100_000; i++) {
                    log.record(one);
                }
            });

            // Then everything past the queue (and the one in the writer) was dropped and counted
            assertThat(log.dropped()).isBetween(100_000L - 101, 100_000L - 100);
            assertThat(registry.get("forgebus.rejections.dropped").functionCounter().count()).isEqualTo(log.dropped());
            stuck.countDown();
        }
    }

    @Test
    void records_reach_the_writer_in_order_and_a_failed_send_counts_as_dropped() throws Exception {
        List<String> written = new CopyOnWriteArrayList<>();
        try (RejectionLog log = new RejectionLog((r, failed) -> {
            written.add(r.delivery());
            if (r.delivery().equals("d-2")) {
                failed.run();
            }
        }, 10, new SimpleMeterRegistry())) {
            log.record(rejection(1));
            log.record(rejection(2));
            log.record(rejection(3));

            await().atMost(Duration.ofSeconds(10)).until(() -> written.size() == 3);
            assertThat(written).containsExactly("d-1", "d-2", "d-3");
            assertThat(log.dropped()).isEqualTo(1);
        }
    }
}
