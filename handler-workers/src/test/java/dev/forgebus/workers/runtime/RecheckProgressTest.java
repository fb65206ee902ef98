package dev.forgebus.workers.runtime;

import static dev.forgebus.workers.runtime.WorkerTestKit.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.forgebus.common.config.ModuleId;
import dev.forgebus.common.event.WorkOutcome;
import dev.forgebus.workers.Emitter;
import dev.forgebus.workers.HandlerContext;
import dev.forgebus.workers.HandlerServices;
import dev.forgebus.workers.ModuleHandler;
import dev.forgebus.workers.ProgressStore;
import dev.forgebus.workers.Result;
import dev.forgebus.workers.WorkItem;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * The re-check limit counts re-checks since the item last made durable progress (wrote to its
 * progress store during the handling that asked for the re-check), under an absolute ceiling: long
 * resumable work (a sweep over hundreds of repositories) is not cut, a handler that loops without
 * progress still is. Against the real embedded broker.
 */
@Tag("integration")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RecheckProgressTest {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final ModuleId MODULE = ModuleId.STALE;
    private static final Instant T0 = Instant.parse("2026-03-01T00:00:00Z");
    /** ModuleWorker.MAX_RECHECKS_TOTAL, spelled out so the test compiles against the code before it. */
    private static final int CEILING = 10_000;

    private final Map<String, String> store = new ConcurrentHashMap<>();
    private final HandlerServices services = new HandlerServices(WorkerTestKit.SERVICES.clients(), WorkerTestKit.SERVICES.settings(),
            Emitter.NONE, module -> new MapStore(store)).forModule(MODULE);

    @Test
    void a_handler_that_makes_progress_before_each_of_150_rechecks_is_not_cut_and_finishes_itself() {
        try (var kit = WorkerTestKit.create("recheckprogress", MODULE, 1)) {
            // Given a handler that writes its cursor and asks for a re-check 150 times, then is done
            var handler = new Looping(item -> item.rechecks() < 150, true);
            var outcomes = kit.outcomes();
            kit.send(0, "sweep");

            // When it runs
            try (var worker = ModuleWorker.start(kit.settings(), handler, services, new SimpleMeterRegistry())) {
                await().atMost(WAIT).until(() -> !outcomes.outcomes().isEmpty());
            }

            // Then every re-check it asked for was made and the item finished with its own answer, not the limit's
            assertThat(handler.seen).hasSize(151);
            assertThat(handler.seen.get(150).rechecks()).isEqualTo(150);
            assertThat(store).containsEntry("cursor", "150");
            assertThat(outcomes.outcomes()).singleElement().satisfies(o -> {
                assertThat(o.status()).isEqualTo(WorkOutcome.Status.DONE);
                assertThat(o.error()).isEqualTo("finished");
            });
        }
    }

    @Test
    void a_handler_that_never_makes_progress_is_cut_after_100_rechecks() {
        try (var kit = WorkerTestKit.create("rechecknoprogress", MODULE, 1)) {
            // Given a handler that asks for re-checks for ever and never writes progress
            var handler = new Looping(item -> true, false);
            var outcomes = kit.outcomes();
            kit.send(0, "loop");

            // When it runs
            try (var worker = ModuleWorker.start(kit.settings(), handler, services, new SimpleMeterRegistry())) {
                await().atMost(WAIT).until(() -> !outcomes.outcomes().isEmpty());
            }

            // Then it had its first delivery and 100 re-checks, and the 101st request finished it with a note
            assertThat(handler.seen).hasSize(ModuleWorker.MAX_RECHECKS + 1);
            assertThat(outcomes.outcomes()).singleElement().satisfies(o -> {
                assertThat(o.status()).isEqualTo(WorkOutcome.Status.DONE);
                assertThat(o.error()).startsWith("re-check limit reached (100 without progress)").contains("again");
            });
        }
    }

    @Test
    void progress_only_resets_the_count_since_progress_and_the_absolute_ceiling_still_ends_the_item() {
        try (var kit = WorkerTestKit.create("recheckceiling", MODULE, 1)) {
            // Given an item in its retry tier one re-check below the ceiling, whose handler makes progress each time
            var handler = new Looping(item -> true, true);
            var outcomes = kit.outcomes();
            var headers = new RecordHeaders();
            headers.add(kit.topics.header("retry.attempt"), bytes("0"));
            headers.add(kit.topics.header("retry.due-at"), bytes(T0.toString()));
            headers.add(kit.topics.header("recheck.count"), bytes(Integer.toString(CEILING - 1)));
            headers.add(kit.topics.header("recheck.since-progress"), bytes("0"));
            headers.add(kit.topics.header("recheck.reason"), bytes("again"));
            var item = WorkerTestKit.envelope("ceiling", "Org", "repo");
            kit.sendTo(kit.topics.retry(MODULE.id(), 0), 0, bytes(item.key()), item.toJson(), headers);

            // When it keeps asking
            try (var worker = ModuleWorker.start(kit.settings(), handler, services, new SimpleMeterRegistry())) {
                await().atMost(WAIT).until(() -> !outcomes.outcomes().isEmpty());
            }

            // Then the last re-check under the ceiling is made and the next request ends the item
            assertThat(handler.seen).extracting(WorkItem::rechecks)
                    .containsExactly(CEILING - 1, CEILING);
            assertThat(outcomes.outcomes()).singleElement().satisfies(o -> {
                assertThat(o.status()).isEqualTo(WorkOutcome.Status.DONE);
                assertThat(o.error()).startsWith("re-check ceiling reached (10000)");
            });
        }
    }

    /** Asks for an immediate re-check while {@code more} says so, writing its cursor first when {@code progresses}. */
    private static final class Looping implements ModuleHandler {
        private final java.util.function.Predicate<WorkItem> more;
        private final boolean progresses;
        final List<WorkItem> seen = new CopyOnWriteArrayList<>();

        Looping(java.util.function.Predicate<WorkItem> more, boolean progresses) {
            this.more = more;
            this.progresses = progresses;
        }

        @Override
        public ModuleId module() {
            return MODULE;
        }

        @Override
        public Result handle(WorkItem item, HandlerContext context) throws dev.forgebus.forge.ForgeCallException, InterruptedException {
            seen.add(item);
            if (!more.test(item)) {
                return Result.done("finished");
            }
            if (progresses) {
                context.progress().put("cursor", Integer.toString(item.rechecks() + 1));
            }
            return Result.recheckAfter(Duration.ZERO, "again");
        }
    }

    private record MapStore(Map<String, String> map) implements ProgressStore {
        @Override
        public Optional<String> get(String key) {
            return Optional.ofNullable(map.get(key));
        }

        @Override
        public void put(String key, String value) {
            map.put(key, value);
        }

        @Override
        public void remove(String key) {
            map.remove(key);
        }
    }
}
