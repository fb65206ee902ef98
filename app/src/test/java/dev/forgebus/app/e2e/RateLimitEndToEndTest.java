package dev.forgebus.app.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.forgebus.fakeforge.FakeForge;

/**
 * A burst of 5N events against a budget of N requests per second: the forge never sees more
 * than N calls in a window and every event completes.
 */
class RateLimitEndToEndTest {
    private static final int N = 10; // calls per second: requests_per_hour 36000

    @TempDir
    Path dir;

    @Test
    void a_burst_of_5N_events_stays_within_N_calls_per_second_and_all_complete() throws Exception {
        try (FakeForge forge = FakeForge.start(FakeForge.Flavor.GITHUB);
             RunningForgebus forgebus = new RunningForgebus(
                     RunningForgebus.config(forge.apiUrl().toString(), TriageEndToEndTest.freePort(), "")
                             .replace("requests_per_hour: 360000", "requests_per_hour: " + (N * 3600)),
                     dir.resolve("data"))) {
            int events = 5 * N;
            for (int i = 1; i <= events; i++) {
                forge.createIssue("MyOrg", "app", i, "crash " + i);
            }
            for (int i = 1; i <= events; i++) {
                assertThat(forgebus.postGithub("issues", RunningForgebus.newDelivery(),
                        RunningForgebus.issueOpened("app", i, "crash " + i)).statusCode()).isEqualTo(202);
            }

            await().atMost(Duration.ofSeconds(120)).until(() -> {
                for (int i = 1; i <= events; i++) {
                    if (!forge.labels("MyOrg", "app", i).contains("bug")) {
                        return false;
                    }
                }
                return true;
            });

            // The limiter spaces calls 1/N s apart; allow 150 ms of jitter between permit and
            // arrival (thread scheduling on a loaded 2-core machine was seen to take 74 ms): no
            // N+1 calls may arrive within 850 ms. Without the limiter they arrive within a few ms.
            List<Instant> arrivals = forge.requests().stream().map(r -> r.arrivedAt()).sorted().toList();
            assertThat(arrivals).hasSizeGreaterThanOrEqualTo(events);
            for (int i = 0; i + N < arrivals.size(); i++) {
                Duration span = Duration.between(arrivals.get(i), arrivals.get(i + N));
                assertThat(span).as("calls %d..%d", i, i + N).isGreaterThanOrEqualTo(Duration.ofMillis(850));
            }
        }
    }
}
