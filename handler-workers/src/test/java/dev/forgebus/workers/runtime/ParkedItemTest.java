package dev.forgebus.workers.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.forgebus.common.config.ModuleId;
import dev.forgebus.common.event.WorkOutcome;
import dev.forgebus.fakeforge.SettableClock;
import dev.forgebus.forge.ForgeCallException;
import dev.forgebus.workers.WorkItem;

/**
 * An item whose credential the forge paused (the gate refused the call, no request went out) is
 * parked in a retry tier until the pause ends: no attempt spent, {@code retry.parkings} one
 * higher, and a forged parkings header on the work topic counts for nothing.
 */
@Tag("integration")
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ParkedItemTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final ModuleId MODULE = ModuleId.TRIAGE;
    private static final Instant T0 = Instant.parse("2026-03-01T00:00:00Z");

    @Test
    void a_refused_item_parks_until_the_pause_ends_without_spending_an_attempt() {
        try (var kit = WorkerTestKit.create("parked", MODULE, 1)) {
            var clock = new SettableClock(T0);
            var settings = kit.settings().withRetries(3, List.of(Duration.ofSeconds(1), Duration.ofMinutes(1))).withClock(clock);
            var handler = new ScriptedHandler(MODULE).script("paused",
                    ScriptedHandler.failing(ForgeCallException.refusedByGate("github/org-a", Duration.ofMinutes(10))));
            var outcomes = kit.outcomes();
            var tier1 = kit.reader(kit.topics.retry(MODULE.id(), 1));
            String p = kit.topics.prefix() + ".";
            // A writer of the work topic claims the item was parked 23 times already: counts for nothing.
            kit.send(0, "paused", Map.of(p + ModuleWorker.PARKINGS, "23"));

            try (var worker = ModuleWorker.start(settings, handler, WorkerTestKit.SERVICES, new SimpleMeterRegistry())) {
                await().atMost(WAIT).until(() -> tier1.records().size() == 1);
                Map<String, String> h = headers(tier1.records().get(0));
                assertThat(h).containsEntry(p + "retry.attempt", "0")
                        .containsEntry(p + ModuleWorker.PARKINGS, "1")
                        .containsEntry(p + "retry.due-at", T0.plus(Duration.ofMinutes(10)).toString());

                clock.advance(Duration.ofMinutes(10));
                await().atMost(WAIT).until(() -> outcomes.outcomes().stream().anyMatch(o -> o.deliveryId().equals("paused")));
            }
            assertThat(handler.items("paused")).extracting(WorkItem::attempt).containsExactly(1, 1);
            assertThat(handler.items("paused")).extracting(WorkItem::isRecheck).containsExactly(false, false);
            assertThat(outcomes.outcomes()).filteredOn(o -> o.deliveryId().equals("paused")).singleElement()
                    .satisfies(o -> {
                        assertThat(o.status()).isEqualTo(WorkOutcome.Status.DONE);
                        assertThat(o.attempts()).isEqualTo(1);
                    });
        }
    }

    private static Map<String, String> headers(ConsumerRecord<byte[], byte[]> record) {
        Map<String, String> h = new HashMap<>();
        for (Header header : record.headers()) {
            h.put(header.key(), new String(header.value(), StandardCharsets.UTF_8));
        }
        return h;
    }
}
