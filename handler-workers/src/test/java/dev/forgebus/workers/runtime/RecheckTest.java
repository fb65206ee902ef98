package dev.forgebus.workers.runtime;

import static dev.forgebus.workers.runtime.WorkerTestKit.bytes;
import static dev.forgebus.workers.runtime.WorkerTestKit.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.forgebus.common.config.ModuleId;
import dev.forgebus.common.event.WorkOutcome;
import dev.forgebus.fakeforge.SettableClock;
import dev.forgebus.workers.Result;
import dev.forgebus.workers.WorkItem;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * {@link Result.RecheckAfter} against the real embedded broker: the item waits in a retry tier on
 * the injected clock, holding no partition, spending no attempt, and surviving a worker restart.
 */
@Tag("integration")
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class RecheckTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final ModuleId MODULE = ModuleId.TRIAGE;
    private static final Instant T0 = Instant.parse("2026-03-01T00:00:00Z");
    private static final Result.RecheckAfter FIVE_MINUTES = Result.recheckAfter(Duration.ofMinutes(5), "checks still running");

    private final MeterRegistry registry = new SimpleMeterRegistry();

    @Test
    void a_recheck_comes_back_only_when_the_clock_passed_its_delay_without_holding_its_partition_or_spending_an_attempt() {
        try (var kit = WorkerTestKit.create("recheck", MODULE, 1)) {
            // Given tiers of 1 s and 1 min, and a handler that wants to look at "slow" again in 5 min
            var clock = new SettableClock(T0);
            var settings = kit.settings().withRetries(3, List.of(Duration.ofSeconds(1), Duration.ofMinutes(1))).withClock(clock);
            var handler = new ScriptedHandler(MODULE).answering("slow", item -> FIVE_MINUTES);
            var outcomes = kit.outcomes();
            var tier1 = kit.reader(kit.topics.retry(MODULE.id(), 1));
            kit.sendFor(0, "slow", "repo-a", Map.of());
            long other = kit.sendFor(0, "other", "repo-b", Map.of()).offset();

            try (var worker = ModuleWorker.start(settings, handler, WorkerTestKit.SERVICES, registry)) {
                // When it asks for the re-check, another repository's item behind it on the same partition flows
                await().atMost(WAIT).until(() -> done(outcomes).contains("other"));
                await().atMost(WAIT).until(() -> kit.committed(0) == other + 1);
                assertThat(done(outcomes)).doesNotContain("slow");

                // and the item waits in the largest tier not above 5 min, due in 5 min, with no attempt spent
                Map<String, String> h = headers(ModuleWorkerTest.records(tier1, 1).get(0));
                String p = kit.topics.prefix() + ".";
                assertThat(h).containsEntry(p + "retry.due-at", T0.plus(Duration.ofMinutes(5)).toString())
                        .containsEntry(p + "retry.attempt", "0")
                        .containsEntry(p + "recheck.count", "1")
                        .containsEntry(p + "recheck.reason", "checks still running")
                        .doesNotContainKey(p + "retry.first-failed-at");

                // Then it is not called again before 5 min on the clock (a later item proves the loop went on)
                clock.advance(Duration.ofMinutes(5).minusSeconds(1));
                kit.sendFor(0, "later", "repo-b", Map.of());
                await().atMost(WAIT).until(() -> done(outcomes).contains("later"));
                assertThat(handler.calls("slow")).isEqualTo(1);

                // and once 5 min passed it is called again, as a re-check, still at attempt 1
                clock.advance(Duration.ofSeconds(1));
                await().atMost(WAIT).until(() -> done(outcomes).contains("slow"));
            }
            List<WorkItem> items = handler.items("slow");
            assertThat(items).extracting(WorkItem::isRecheck, WorkItem::rechecks, WorkItem::attempt)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(false, 0, 1), org.assertj.core.groups.Tuple.tuple(true, 1, 1));
            assertThat(items.get(1).firstFailedAt()).isEmpty();
            assertThat(outcomes.outcomes()).filteredOn(o -> o.deliveryId().equals("slow"))
                    .singleElement().satisfies(o -> {
                        assertThat(o.status()).isEqualTo(WorkOutcome.Status.DONE);
                        assertThat(o.attempts()).isEqualTo(1);
                    });
            assertThat(registry.get("forgebus.worker.rechecks").tag("module", "triage").counter().count()).isEqualTo(1);
            assertThat(registry.get("forgebus.worker.retries").tag("module", "triage").counter().count()).isZero();
        }
    }

    @Test
    void a_recheck_survives_a_worker_restart_and_fires_once() {
        try (var kit = WorkerTestKit.create("recheckrestart", MODULE, 1)) {
            var clock = new SettableClock(T0);
            var settings = kit.settings().withRetries(3, List.of(Duration.ofMinutes(1))).withClock(clock);
            var handler = new ScriptedHandler(MODULE).answering("slow", item -> FIVE_MINUTES);
            var outcomes = kit.outcomes();
            String tier = kit.topics.retry(MODULE.id(), 0);
            var waiting = kit.reader(tier);
            long offset = kit.send(0, "slow").offset();

            // Given a worker that scheduled the re-check and was closed before it was due
            try (var first = ModuleWorker.start(settings, handler, WorkerTestKit.SERVICES, registry)) {
                await().atMost(WAIT).until(() -> kit.committed(0) == offset + 1 && waiting.records().size() == 1);
            }

            // When a new worker runs past the due time
            try (var second = ModuleWorker.start(settings, handler, WorkerTestKit.SERVICES, registry)) {
                clock.advance(Duration.ofMinutes(5));
                await().atMost(WAIT).until(() -> done(outcomes).contains("slow"));
                await().atMost(WAIT).until(() -> kit.committed(tier, 0) == 1);
            }
            // and yet another one starts afterwards (a later item proves it polled everything)
            try (var third = ModuleWorker.start(settings, handler, WorkerTestKit.SERVICES, registry)) {
                kit.send(0, "after");
                await().atMost(WAIT).until(() -> done(outcomes).contains("after"));
            }

            // Then the re-check fired once, and the item is DONE once
            assertThat(handler.items("slow")).extracting(WorkItem::isRecheck).containsExactly(false, true);
            assertThat(outcomes.outcomes()).filteredOn(o -> o.deliveryId().equals("slow")).singleElement()
                    .extracting(WorkOutcome::status).isEqualTo(WorkOutcome.Status.DONE);
        }
    }

    @Test
    void a_handler_that_keeps_asking_for_rechecks_is_done_at_the_limit_with_a_note() {
        try (var kit = WorkerTestKit.create("rechecklimit", MODULE, 1)) {
            // Given an item in its retry tier that has had all but one of its re-checks, as the worker writes it
            var handler = new ScriptedHandler(MODULE).alwaysAnswering("loop", item -> Result.recheckAfter(Duration.ZERO, "again"));
            var outcomes = kit.outcomes();
            var headers = new RecordHeaders();
            headers.add(kit.topics.header("retry.attempt"), bytes("0"));
            headers.add(kit.topics.header("retry.due-at"), bytes(T0.toString()));
            headers.add(kit.topics.header("recheck.count"), bytes(Integer.toString(ModuleWorker.MAX_RECHECKS - 1)));
            headers.add(kit.topics.header("recheck.reason"), bytes("again"));
            var item = WorkerTestKit.envelope("loop", "Org", "repo");
            kit.sendTo(kit.topics.retry(MODULE.id(), 0), 0, bytes(item.key()), item.toJson(), headers);

            // When the handler asks for yet another re-check, twice
            try (var worker = ModuleWorker.start(kit.settings(), handler, WorkerTestKit.SERVICES, registry)) {
                await().atMost(WAIT).until(() -> done(outcomes).contains("loop"));
            }

            // Then the last re-check allowed is made, and the next request finishes the item with a note
            assertThat(handler.items("loop")).extracting(WorkItem::rechecks)
                    .containsExactly(ModuleWorker.MAX_RECHECKS - 1, ModuleWorker.MAX_RECHECKS);
            assertThat(outcomes.outcomes()).singleElement().satisfies(o -> {
                assertThat(o.status()).isEqualTo(WorkOutcome.Status.DONE);
                assertThat(o.error()).startsWith("re-check limit reached (100 without progress)").contains("again");
            });
        }
    }

    @Test
    void recheck_headers_on_a_work_topic_item_do_not_make_it_a_recheck() {
        try (var kit = WorkerTestKit.create("recheckforged", MODULE, 1)) {
            var handler = new ScriptedHandler(MODULE);
            var outcomes = kit.outcomes();
            kit.send(0, "forged", Map.of(kit.topics.header("recheck.count"), "100", kit.topics.header("recheck.reason"), "x"));

            try (var worker = ModuleWorker.start(kit.settings(), handler, WorkerTestKit.SERVICES, registry)) {
                await().atMost(WAIT).until(() -> done(outcomes).contains("forged"));
            }
            assertThat(handler.items("forged")).singleElement().satisfies(i -> {
                assertThat(i.isRecheck()).isFalse();
                assertThat(i.rechecks()).isZero();
            });
        }
    }

    private static List<String> done(WorkerTestKit.TopicReader outcomes) {
        return outcomes.outcomes().stream().filter(o -> o.status() == WorkOutcome.Status.DONE).map(WorkOutcome::deliveryId).toList();
    }

    private static Map<String, String> headers(ConsumerRecord<byte[], byte[]> record) {
        Map<String, String> map = new HashMap<>();
        for (Header header : record.headers()) {
            map.put(header.key(), text(header.value()));
        }
        return map;
    }
}
