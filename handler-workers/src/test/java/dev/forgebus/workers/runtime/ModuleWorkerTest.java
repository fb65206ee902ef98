package dev.forgebus.workers.runtime;

import static dev.forgebus.workers.runtime.ScriptedHandler.failing;
import static dev.forgebus.workers.runtime.ScriptedHandler.throwing;
import static dev.forgebus.workers.runtime.WorkerTestKit.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.forgebus.common.config.ModuleId;
import dev.forgebus.common.event.EventEnvelope;
import dev.forgebus.common.event.WorkOutcome;
import dev.forgebus.forge.ForgeCallException;
import dev.forgebus.fakeforge.SettableClock;
import dev.forgebus.workers.Result;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * The worker runtime against the real embedded broker, with a fake module that fails as told.
 * Each test has its own topics and consumer group (a unique topic prefix).
 */
@Tag("integration")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ModuleWorkerTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final ModuleId MODULE = ModuleId.TRIAGE;

    private final MeterRegistry registry = new SimpleMeterRegistry();

    @Test
    void a_successful_item_is_handled_once_reported_done_and_committed() {
        try (var kit = WorkerTestKit.create("success", MODULE, 1)) {
            var handler = new ScriptedHandler(MODULE);
            var outcomes = kit.outcomes();
            long offset = kit.send(0, "d-1").offset();

            try (var worker = ModuleWorker.start(kit.settings(), handler, WorkerTestKit.SERVICES, registry)) {
                await().atMost(WAIT).until(() -> outcomes.outcomes().size() == 1);
                await().atMost(WAIT).until(() -> kit.committed(0) == offset + 1);
                assertThat(worker.isRunning()).isTrue();
                await().atMost(WAIT).until(() -> registry.get("forgebus.worker.lag").tag("module", "triage").gauge().value() == 0);
            }

            // A new worker of the group starts after the committed offset: d-1 is not handled again.
            kit.send(0, "d-2");
            try (var worker = ModuleWorker.start(kit.settings(), handler, WorkerTestKit.SERVICES, registry)) {
                await().atMost(WAIT).until(() -> outcomes.outcomes().size() == 2);
            }
            assertThat(handler.calls()).containsExactly("d-1", "d-2");
            ConsumerRecord<byte[], byte[]> first = records(outcomes, 2).get(0);
            assertThat(text(first.key())).isEqualTo("gh/Org/repo");
            WorkOutcome done = WorkOutcome.fromJson(first.value());
            assertThat(done.status()).isEqualTo(WorkOutcome.Status.DONE);
            assertThat(done.attempts()).isEqualTo(1);
            assertThat(done.module()).isEqualTo("triage");
            assertThat(done.forge()).isEqualTo("gh");
            assertThat(done.deliveryId()).isEqualTo("d-1");
            assertThat(done.error()).isEmpty();
            assertThat(count("forgebus.worker.processed", "outcome", "done")).isEqualTo(2);
        }
    }

    @Test
    void a_note_of_the_handler_is_the_reason_of_the_done_outcome() {
        try (var kit = WorkerTestKit.create("note", MODULE, 1)) {
            var noting = new ScriptedHandler(MODULE)
                    .answering("d-1", item -> Result.done(".ops.yaml:2: broken; the last good one stays in force"));
            var outcomes = kit.outcomes();
            kit.send(0, "d-1");

            try (var worker = ModuleWorker.start(kit.settings(), noting, WorkerTestKit.SERVICES, registry)) {
                await().atMost(WAIT).until(() -> outcomes.outcomes().size() == 1);
            }
            WorkOutcome outcome = outcomes.outcomes().get(0);
            assertThat(outcome.status()).isEqualTo(WorkOutcome.Status.DONE);
            assertThat(outcome.error()).isEqualTo(".ops.yaml:2: broken; the last good one stays in force");
        }
    }

    @Test
    void a_transient_failure_twice_then_success_is_done_after_two_retries() {
        try (var kit = WorkerTestKit.create("transient", MODULE, 1)) {
            var handler = new ScriptedHandler(MODULE).script("d-1",
                    failing(ForgeCallException.transientFailure(502, "502 Bad Gateway")),
                    failing(ForgeCallException.transientFailure(502, "502 Bad Gateway")));
            var outcomes = kit.outcomes();
            long offset = kit.send(0, "d-1").offset();

            try (var worker = ModuleWorker.start(kit.settings(), handler, WorkerTestKit.SERVICES, registry)) {
                await().atMost(WAIT).until(() -> outcomes.outcomes().size() == 1);
                await().atMost(WAIT).until(() -> kit.committed(0) == offset + 1);
            }
            WorkOutcome outcome = outcomes.outcomes().get(0);
            assertThat(outcome.status()).isEqualTo(WorkOutcome.Status.DONE);
            assertThat(outcome.attempts()).isEqualTo(3);
            assertThat(handler.calls("d-1")).isEqualTo(3);
            assertThat(count("forgebus.worker.retries")).isEqualTo(2);
            assertThat(count("forgebus.worker.processed", "outcome", "done")).isEqualTo(1);
            assertThat(count("forgebus.worker.dead_letters")).isZero();
            assertThat(registry.get("forgebus.worker.attempt.latency").tag("module", "triage").timer().count()).isEqualTo(3);
        }
    }

    @Test
    void a_permanent_failure_is_dead_lettered_at_once_with_every_header_and_a_dead_letter_outcome() {
        try (var kit = WorkerTestKit.create("permanent", MODULE, 1)) {
            var handler = new ScriptedHandler(MODULE).script("d-1",
                    failing(ForgeCallException.permanent(404, "404 Not Found: POST /repos/Org/repo/issues/7/labels")));
            var outcomes = kit.outcomes();
            var deadLetters = kit.deadLetters();
            var sent = kit.send(0, "d-1", Map.of("x-trace", "trace-1"));
            ConsumerRecord<byte[], byte[]> original = records(kit.reader(kit.topics.work("triage")), 1).get(0);

            try (var worker = ModuleWorker.start(kit.settings(), handler, WorkerTestKit.SERVICES, registry)) {
                await().atMost(WAIT).until(() -> outcomes.outcomes().size() == 1);
                await().atMost(WAIT).until(() -> kit.committed(0) == sent.offset() + 1);
            }

            assertThat(handler.calls("d-1")).isEqualTo(1);
            ConsumerRecord<byte[], byte[]> dead = records(deadLetters, 1).get(0);
            assertThat(dead.key()).isEqualTo(original.key());
            assertThat(dead.value()).isEqualTo(original.value());
            for (Header header : original.headers()) {
                assertThat(dead.headers().lastHeader(header.key())).as(header.key()).isNotNull()
                        .extracting(Header::value).isEqualTo(header.value());
            }
            Map<String, String> h = headers(dead);
            String p = kit.topics.prefix() + ".";
            assertThat(h).containsEntry(p + "error.class", "PERMANENT")
                    .containsEntry(p + "error.message", "404 Not Found: POST /repos/Org/repo/issues/7/labels")
                    .containsEntry(p + "error.attempts", "1")
                    .containsEntry(p + "original.topic", kit.topics.work("triage"))
                    .containsEntry(p + "original.partition", "0")
                    .containsEntry(p + "original.offset", Long.toString(sent.offset()))
                    .containsEntry("x-trace", "trace-1");
            assertThat(Instant.parse(h.get(p + "error.first-failed-at"))).isBeforeOrEqualTo(Instant.ofEpochMilli(dead.timestamp()).plusSeconds(1));

            WorkOutcome outcome = outcomes.outcomes().get(0);
            assertThat(outcome.status()).isEqualTo(WorkOutcome.Status.DEAD_LETTER);
            assertThat(outcome.attempts()).isEqualTo(1);
            assertThat(outcome.error()).isEqualTo("PERMANENT: 404 Not Found: POST /repos/Org/repo/issues/7/labels");
            assertThat(count("forgebus.worker.dead_letters")).isEqualTo(1);
            assertThat(count("forgebus.worker.processed", "outcome", "dead_letter")).isEqualTo(1);
            assertThat(count("forgebus.worker.retries")).isZero();
        }
    }

    @Test
    void spent_attempts_dead_letter_with_attempts_equal_to_max_attempts() {
        try (var kit = WorkerTestKit.create("exhausted", MODULE, 1)) {
            var handler = new ScriptedHandler(MODULE)
                    .always("forge-down", failing(ForgeCallException.transientFailure(503, "503 Service Unavailable")))
                    .always("bug", throwing(new IllegalStateException("no label named null")));
            var deadLetters = kit.deadLetters();
            var outcomes = kit.outcomes();
            kit.send(0, "forge-down");
            kit.send(0, "bug");

            try (var worker = ModuleWorker.start(kit.settings(), handler, WorkerTestKit.SERVICES, registry)) {
                await().atMost(WAIT).until(() -> deadLetters.records().size() == 2 && outcomes.outcomes().size() == 2);
            }

            String p = kit.topics.prefix() + ".";
            Map<String, String> forgeDown = headers(deadLetters.records().get(0));
            assertThat(forgeDown).containsEntry(p + "error.class", "TRANSIENT")
                    .containsEntry(p + "error.message", "503 Service Unavailable")
                    .containsEntry(p + "error.attempts", "3");
            Map<String, String> bug = headers(deadLetters.records().get(1));
            assertThat(bug).containsEntry(p + "error.class", "IllegalStateException")
                    .containsEntry(p + "error.message", "no label named null")
                    .containsEntry(p + "error.attempts", "3");
            assertThat(outcomes.outcomes()).extracting(WorkOutcome::status, WorkOutcome::attempts)
                    .containsOnly(org.assertj.core.groups.Tuple.tuple(WorkOutcome.Status.DEAD_LETTER, 3));
            assertThat(handler.calls("forge-down")).isEqualTo(3);
            assertThat(handler.calls("bug")).isEqualTo(3);
            assertThat(count("forgebus.worker.retries")).isEqualTo(4);
        }
    }

    @Test
    void an_unreadable_item_is_dead_lettered_at_once_without_calling_the_module() {
        try (var kit = WorkerTestKit.create("unreadable", MODULE, 1)) {
            var handler = new ScriptedHandler(MODULE);
            var deadLetters = kit.deadLetters();
            var outcomes = kit.outcomes();
            var headers = new org.apache.kafka.common.header.internals.RecordHeaders();
            headers.add(kit.topics.header("forge"), WorkerTestKit.bytes("gh"));
            headers.add(kit.topics.header("delivery-id"), WorkerTestKit.bytes("d-bad"));
            kit.sendRaw(0, WorkerTestKit.bytes("gh/Org/repo"), WorkerTestKit.bytes("{not json"), headers);

            try (var worker = ModuleWorker.start(kit.settings(), handler, WorkerTestKit.SERVICES, registry)) {
                await().atMost(WAIT).until(() -> outcomes.outcomes().size() == 1);
            }
            assertThat(handler.calls()).isEmpty();
            ConsumerRecord<byte[], byte[]> dead = records(deadLetters, 1).get(0);
            assertThat(text(dead.value())).isEqualTo("{not json");
            String p = kit.topics.prefix() + ".";
            assertThat(headers(dead)).containsEntry(p + "error.class", "UNREADABLE")
                    .containsEntry(p + "error.message", "unreadable work item")
                    .containsEntry(p + "error.attempts", "1");
            WorkOutcome outcome = outcomes.outcomes().get(0);
            assertThat(outcome.status()).isEqualTo(WorkOutcome.Status.DEAD_LETTER);
            assertThat(outcome.deliveryId()).isEqualTo("d-bad");
            assertThat(outcome.forge()).isEqualTo("gh");
        }
    }

    @Test
    void an_item_cut_off_by_close_is_redone_exactly_once_by_the_next_worker() throws Exception {
        try (var kit = WorkerTestKit.create("crash", MODULE, 1)) {
            CountDownLatch started = new CountDownLatch(1);
            var handler = new ScriptedHandler(MODULE).script("d-1", item -> {
                started.countDown();
                new CountDownLatch(1).await(); // blocks until the worker interrupts it
            });
            var outcomes = kit.outcomes();
            kit.send(0, "d-1");
            var settings = kit.settings().withCloseTimeout(Duration.ofMillis(300));

            var first = ModuleWorker.start(settings, handler, WorkerTestKit.SERVICES, registry);
            assertThat(started.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
            first.close();
            assertThat(first.isRunning()).isFalse();
            assertThat(kit.committed(0)).as("nothing committed for the cut-off item").isEqualTo(-1);

            long sentinel = kit.send(0, "d-2").offset();
            try (var second = ModuleWorker.start(settings, handler, WorkerTestKit.SERVICES, registry)) {
                await().atMost(WAIT).until(() -> outcomes.outcomes().size() == 2);
                await().atMost(WAIT).until(() -> kit.committed(0) == sentinel + 1);
            }
            // d-2 comes after d-1 in the partition: once it is done, d-1 cannot be handled again.
            assertThat(handler.calls()).containsExactly("d-1", "d-1", "d-2");
            assertThat(outcomes.outcomes()).extracting(WorkOutcome::deliveryId, WorkOutcome::status).containsExactly(
                    org.assertj.core.groups.Tuple.tuple("d-1", WorkOutcome.Status.DONE),
                    org.assertj.core.groups.Tuple.tuple("d-2", WorkOutcome.Status.DONE));
        }
    }

    @Test
    void a_polling_loop_that_dies_fails_liveness_and_a_closed_worker_does_not() {
        try (var kit = WorkerTestKit.create("dies", MODULE, 1)) {
            // Given a worker whose clock (read by the polling loop) breaks once armed
            java.util.concurrent.atomic.AtomicBoolean broken = new java.util.concurrent.atomic.AtomicBoolean();
            java.time.Clock clock = new java.time.Clock() {
                @Override
                public java.time.ZoneId getZone() {
                    return java.time.ZoneOffset.UTC;
                }

                @Override
                public java.time.Clock withZone(java.time.ZoneId zone) {
                    return this;
                }

                @Override
                public Instant instant() {
                    if (broken.get()) {
                        throw new IllegalStateException("clock broke");
                    }
                    return Instant.now();
                }
            };
            var handler = new ScriptedHandler(MODULE);
            try (var dying = ModuleWorker.start(kit.settings().withClock(clock), handler, WorkerTestKit.SERVICES, registry);
                 var closed = ModuleWorker.start(kit.settings(), handler, WorkerTestKit.SERVICES, registry)) {
                await().atMost(WAIT).until(() -> dying.isRunning() && closed.isRunning());
                assertThat(dying.liveness().alive()).isTrue();

                // When the dying worker's loop throws, and the other is closed normally
                broken.set(true);
                closed.close();

                // Then only the one whose loop died is dead, and it says why
                await().atMost(WAIT).until(() -> !dying.liveness().alive());
                assertThat(dying.liveness().reason()).isEqualTo("polling loop died: IllegalStateException: clock broke");
                assertThat(closed.liveness().alive()).isTrue();
            }
        }
    }

    @Test
    void a_retry_waits_in_its_retry_topic_until_due_while_later_items_of_its_partition_flow() {
        try (var kit = WorkerTestKit.create("pause", MODULE, 2)) {
            var clock = new SettableClock(Instant.parse("2026-03-01T00:00:00Z"));
            var settings = kit.settings().withRetries(3, List.of(Duration.ofMinutes(1))).withClock(clock);
            var handler = new ScriptedHandler(MODULE).script("a", failing(ForgeCallException.rateLimited(429, "429 Too Many Requests", null)));
            var outcomes = kit.outcomes();
            kit.send(0, "a");
            kit.send(0, "b");
            kit.send(1, "c");
            kit.send(1, "d");

            try (var worker = ModuleWorker.start(settings, handler, WorkerTestKit.SERVICES, registry)) {
                await().atMost(WAIT).until(() -> done(outcomes).containsAll(List.of("b", "c", "d")));
                kit.send(1, "e");
                await().atMost(WAIT).until(() -> done(outcomes).contains("e"));
                assertThat(handler.calls("a")).as("a waits for its backoff on the clock").isEqualTo(1);

                clock.advance(Duration.ofMinutes(1));
                await().atMost(WAIT).until(() -> done(outcomes).contains("a"));
            }
            assertThat(handler.calls().stream().filter(id -> id.equals("a") || id.equals("b"))).containsExactly("a", "b", "a");
            assertThat(outcomes.outcomes().stream().filter(o -> o.deliveryId().equals("a")).findFirst().orElseThrow().attempts())
                    .isEqualTo(2);
            assertThat(count("forgebus.worker.rebalances")).isZero();
        }
    }

    /** Issue 10: a forge answering 500 for one repository must not hold up another on the same partition. */
    @Test
    void an_item_whose_forge_keeps_answering_500_does_not_delay_another_repository_on_the_same_partition() {
        try (var kit = WorkerTestKit.create("nonblocking", MODULE, 1)) {
            // Given one partition, a repository whose forge always answers 500, and a long backoff
            var clock = new SettableClock(Instant.parse("2026-03-01T00:00:00Z"));
            var settings = kit.settings().withRetries(5, List.of(Duration.ofSeconds(1), Duration.ofMinutes(10))).withClock(clock);
            var handler = new ScriptedHandler(MODULE)
                    .always("flaky", failing(ForgeCallException.transientFailure(500, "500 Internal Server Error")));
            var outcomes = kit.outcomes();
            kit.sendFor(0, "flaky", "broken", Map.of());

            try (var worker = ModuleWorker.start(settings, handler, WorkerTestKit.SERVICES, registry)) {
                await().atMost(WAIT).until(() -> handler.calls("flaky") == 1);
                // When an item of another repository arrives behind it
                kit.sendFor(0, "healthy", "fine", Map.of());

                // Then it is done while the flaky item waits for its retry: the clock stands still, so
                // that retry is not due yet, and nothing but the partition moving on can let "healthy" through
                await().atMost(WAIT).until(() -> done(outcomes).contains("healthy"));
                assertThat(handler.calls("flaky")).isEqualTo(1);
                assertThat(kit.committed(0)).as("the work partition moved on past both").isEqualTo(2);

                // and the flaky item is retried when due, from its retry topic
                clock.advance(Duration.ofSeconds(1));
                await().atMost(WAIT).until(() -> handler.calls("flaky") == 2);
            }
            assertThat(done(outcomes)).containsExactly("healthy");
        }
    }

    @Test
    void retry_headers_on_a_work_topic_item_neither_hold_its_partition_nor_spend_its_attempts() {
        try (var kit = WorkerTestKit.create("forgedretry", MODULE, 1)) {
            // Given a work item carrying retry headers it could only have got from a writer of the work topic
            var clock = new SettableClock(Instant.parse("2026-03-01T00:00:00Z"));
            var settings = kit.settings().withRetries(2, List.of(Duration.ofSeconds(1))).withClock(clock);
            var handler = new ScriptedHandler(MODULE);
            var outcomes = kit.outcomes();
            kit.sendFor(0, "forged", "repo", Map.of(
                    kit.topics.header(dev.forgebus.common.kafka.DeadLetterHeaders.RETRY_DUE_AT), "2099-01-01T00:00:00Z",
                    kit.topics.header(dev.forgebus.common.kafka.DeadLetterHeaders.RETRY_ATTEMPT), "999"));

            // When the worker runs, Then it is handled now, at its first attempt
            try (var worker = ModuleWorker.start(settings, handler, WorkerTestKit.SERVICES, registry)) {
                await().atMost(WAIT).until(() -> done(outcomes).contains("forged"));
            }
            assertThat(handler.calls("forged")).isEqualTo(1);
        }
    }

    @Test
    void attempts_and_first_failure_time_survive_a_worker_restart() {
        try (var kit = WorkerTestKit.create("restart", MODULE, 1)) {
            // Given an item whose forge keeps failing, 3 attempts, 1 minute between them
            Instant t0 = Instant.parse("2026-03-01T00:00:00Z");
            var clock = new SettableClock(t0);
            var settings = kit.settings().withRetries(3, List.of(Duration.ofMinutes(1))).withClock(clock);
            var handler = new ScriptedHandler(MODULE)
                    .always("flaky", failing(ForgeCallException.transientFailure(503, "503 Service Unavailable")));
            var deadLetters = kit.deadLetters();
            var outcomes = kit.outcomes();
            long offset = kit.send(0, "flaky").offset();

            // When the first worker fails it once and stops
            try (var first = ModuleWorker.start(settings, handler, WorkerTestKit.SERVICES, registry)) {
                await().atMost(WAIT).until(() -> handler.calls("flaky") == 1 && kit.committed(0) == offset + 1);
            }
            // and a new worker takes over once the retry is due, and again after the next backoff
            clock.advance(Duration.ofMinutes(1));
            try (var second = ModuleWorker.start(settings, handler, WorkerTestKit.SERVICES, registry)) {
                await().atMost(WAIT).until(() -> handler.calls("flaky") == 2);
                clock.advance(Duration.ofMinutes(1));
                await().atMost(WAIT).until(() -> deadLetters.records().size() == 1 && outcomes.outcomes().size() == 1);
            }

            // Then the dead letter counts every attempt since the first failure, before the restart
            String p = kit.topics.prefix() + ".";
            Map<String, String> h = headers(deadLetters.records().get(0));
            assertThat(handler.calls("flaky")).isEqualTo(3);
            assertThat(h).containsEntry(p + "error.attempts", "3")
                    .containsEntry(p + "error.first-failed-at", t0.toString())
                    .containsEntry(p + "original.topic", kit.topics.work("triage"))
                    .containsEntry(p + "original.offset", Long.toString(offset));
            assertThat(h.keySet()).noneMatch(k -> k.startsWith(p + "retry."));
            assertThat(outcomes.outcomes().get(0).attempts()).isEqualTo(3);
            assertThat(outcomes.outcomes().get(0).status()).isEqualTo(WorkOutcome.Status.DEAD_LETTER);
        }
    }

    @Test
    void a_retried_item_that_succeeds_is_done_once_and_is_not_redone_after_a_restart() {
        try (var kit = WorkerTestKit.create("retrydone", MODULE, 1)) {
            var clock = new SettableClock(Instant.parse("2026-03-01T00:00:00Z"));
            var settings = kit.settings().withRetries(3, List.of(Duration.ofMinutes(1))).withClock(clock);
            var handler = new ScriptedHandler(MODULE).script("d-1", failing(ForgeCallException.transientFailure(502, "502 Bad Gateway")));
            var outcomes = kit.outcomes();
            long offset = kit.send(0, "d-1").offset();
            String tier0 = kit.topics.retry("triage", 0);

            try (var worker = ModuleWorker.start(settings, handler, WorkerTestKit.SERVICES, registry)) {
                await().atMost(WAIT).until(() -> handler.calls("d-1") == 1);
                clock.advance(Duration.ofMinutes(1));
                await().atMost(WAIT).until(() -> done(outcomes).contains("d-1"));
                await().atMost(WAIT).until(() -> kit.committed(0) == offset + 1 && kit.committed(tier0, 0) == 1);
            }
            try (var worker = ModuleWorker.start(settings, handler, WorkerTestKit.SERVICES, registry)) {
                kit.send(0, "d-2");
                await().atMost(WAIT).until(() -> done(outcomes).contains("d-2"));
            }
            assertThat(handler.calls()).containsExactly("d-1", "d-1", "d-2");
            assertThat(done(outcomes)).containsExactly("d-1", "d-2");
            assertThat(outcomes.outcomes().get(0).attempts()).isEqualTo(2);
        }
    }

    @Test
    void one_item_per_partition_is_in_flight_while_other_partitions_flow() {
        try (var kit = WorkerTestKit.create("inflight", MODULE, 2)) {
            CountDownLatch release = new CountDownLatch(1);
            var handler = new ScriptedHandler(MODULE).script("a", item -> release.await());
            var outcomes = kit.outcomes();
            kit.send(0, "a");
            kit.send(0, "b");
            kit.send(1, "c");

            try (var worker = ModuleWorker.start(kit.settings().withConcurrency(4), handler, WorkerTestKit.SERVICES, registry)) {
                await().atMost(WAIT).until(() -> done(outcomes).contains("c") && handler.calls("a") == 1);
                assertThat(handler.calls("b")).as("b waits for a, its partition's item in flight").isZero();
                release.countDown();
                await().atMost(WAIT).until(() -> done(outcomes).containsAll(List.of("a", "b")));
            }
            assertThat(handler.calls().stream().filter(id -> !id.equals("c"))).containsExactly("a", "b");
        }
    }

    /**
     * The backoff (3 s, on the real clock) is three times {@code max.poll.interval.ms} (1 s): were
     * the wait done on the polling thread, the consumer would be thrown out of its group and the
     * partition revoked. Paused and still polling, the worker keeps its partition and the item
     * completes on its second attempt.
     */
    @Test
    void a_backoff_longer_than_max_poll_interval_causes_no_rebalance() {
        try (var kit = WorkerTestKit.create("pollinterval", MODULE, 1)) {
            var settings = kit.settings().withRetries(2, List.of(Duration.ofSeconds(3))).withMaxPollInterval(Duration.ofSeconds(1));
            var handler = new ScriptedHandler(MODULE).script("slow", failing(ForgeCallException.transientFailure(502, "502 Bad Gateway")));
            var outcomes = kit.outcomes();
            kit.send(0, "slow");

            try (var worker = ModuleWorker.start(settings, handler, WorkerTestKit.SERVICES, registry)) {
                await().atMost(WAIT).until(() -> handler.calls("slow") == 1);
                long failedAt = System.nanoTime();
                await().atMost(WAIT).until(() -> done(outcomes).contains("slow"));
                assertThat(Duration.ofNanos(System.nanoTime() - failedAt)).isGreaterThanOrEqualTo(Duration.ofMillis(2900));
                assertThat(worker.isRunning()).isTrue();
            }
            assertThat(handler.calls("slow")).isEqualTo(2);
            assertThat(count("forgebus.worker.rebalances")).isZero();
        }
    }

    /** The reader's records once it has read at least {@code n}. */
    static List<ConsumerRecord<byte[], byte[]>> records(WorkerTestKit.TopicReader reader, int n) {
        await().atMost(WAIT).until(() -> reader.records().size() >= n);
        return reader.records();
    }

    private static List<String> done(WorkerTestKit.TopicReader outcomes) {
        return outcomes.outcomes().stream().filter(o -> o.status() == WorkOutcome.Status.DONE).map(WorkOutcome::deliveryId).toList();
    }

    private double count(String name, String... tags) {
        var search = registry.find(name).tag("module", "triage");
        if (tags.length > 0) {
            search = search.tags(tags);
        }
        var counter = search.counter();
        return counter == null ? 0 : counter.count();
    }

    private static Map<String, String> headers(ConsumerRecord<byte[], byte[]> record) {
        Map<String, String> map = new HashMap<>();
        for (Header header : record.headers()) {
            map.put(header.key(), text(header.value()));
        }
        return map;
    }
}
