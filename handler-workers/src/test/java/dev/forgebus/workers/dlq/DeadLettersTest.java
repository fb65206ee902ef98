package dev.forgebus.workers.dlq;

import static dev.forgebus.workers.runtime.ScriptedHandler.failing;
import static dev.forgebus.workers.runtime.WorkerTestKit.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Tag;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import dev.forgebus.common.config.ModuleId;
import dev.forgebus.common.event.Json;
import dev.forgebus.common.event.WorkOutcome;
import dev.forgebus.forge.ForgeCallException;
import dev.forgebus.workers.runtime.ModuleWorker;
import dev.forgebus.workers.runtime.ScriptedHandler;
import dev.forgebus.workers.runtime.WorkerSettings;
import dev.forgebus.workers.runtime.WorkerTestKit;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** {@code dlq list|show|replay} over dead letters written by a real worker on the embedded broker. */
@Tag("integration")
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DeadLettersTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final ModuleId MODULE = ModuleId.RELEASE;
    private static final Optional<DeadLetterSource> RELEASE = Optional.of(DeadLetterSource.of(MODULE));

    @Test
    void list_shows_the_newest_dead_letters_last_and_show_gives_one_with_its_value() throws Exception {
        try (var kit = WorkerTestKit.create("dlqlist", MODULE, 1);
             var deadLetters = new DeadLetters(kit.bootstrap, kit.topics, WAIT, WorkerSettings.DEFAULT_MAX_RECORD_BYTES)) {
            var handler = new ScriptedHandler(MODULE);
            for (String id : List.of("d-1", "d-2", "d-3")) {
                handler.always(id, failing(ForgeCallException.permanent(422, "422 tag " + id + " is not a version")));
            }
            var dlqTopic = kit.deadLetters();
            List<Long> offsets = List.of(kit.send(0, "d-1").offset(), kit.send(0, "d-2").offset(), kit.send(0, "d-3").offset());
            try (var worker = ModuleWorker.start(kit.settings(), handler, WorkerTestKit.SERVICES, new SimpleMeterRegistry())) {
                await().atMost(WAIT).until(() -> dlqTopic.records().size() == 3);
            }

            List<DeadLetter> all = deadLetters.list(RELEASE, 10, Optional.empty());
            assertThat(all).extracting(DeadLetter::id).containsExactly("release:0:0", "release:0:1", "release:0:2");
            DeadLetter first = all.get(0);
            assertThat(first.module()).isEqualTo("release");
            assertThat(first.key()).isEqualTo("gh/Org/repo");
            assertThat(first.deliveryId()).isEqualTo("d-1");
            assertThat(first.event()).isEqualTo("issues.opened");
            assertThat(first.errorClass()).isEqualTo("PERMANENT");
            assertThat(first.errorMessage()).isEqualTo("422 tag d-1 is not a version");
            assertThat(first.attempts()).isEqualTo(1);
            assertThat(first.firstFailedAt()).isNotNull();
            assertThat(first.originalTopic()).isEqualTo(kit.topics.work("release"));
            assertThat(first.originalPartition()).isZero();
            assertThat(first.originalOffset()).isEqualTo(offsets.get(0));
            assertThat(first.replayCount()).isZero();
            assertThat(first.replayOf()).isNull();
            assertThat(first.deadLetteredAt()).isNotNull();
            assertThat(first.value()).as("list leaves values out").isNull();

            assertThat(deadLetters.list(Optional.empty(), 2, Optional.empty())).extracting(DeadLetter::deliveryId)
                    .containsExactly("d-2", "d-3");
            Instant newest = all.get(2).deadLetteredAt();
            assertThat(deadLetters.list(RELEASE, 10, Optional.of(newest))).extracting(DeadLetter::deliveryId).contains("d-3");
            assertThat(deadLetters.list(RELEASE, 10, Optional.of(newest.plusMillis(1)))).isEmpty();
            assertThat(deadLetters.list(Optional.of(DeadLetterSource.of(ModuleId.MIRROR)), 10, Optional.empty())).as("a module without topics").isEmpty();

            DeadLetter shown = deadLetters.show("release:0:1").orElseThrow();
            assertThat(shown.deliveryId()).isEqualTo("d-2");
            assertThat(shown.value()).isEqualTo(text(WorkerTestKit.envelope("d-2", "Org", "repo").toJson()));
            assertThat(deadLetters.show("release:0:99")).isEmpty();
            assertThatThrownBy(() -> deadLetters.show("nosuch:0:1")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("unknown module 'nosuch'");
            assertThatThrownBy(() -> deadLetters.show("release:x")).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("module:partition:offset");

            String json = Json.MAPPER.writeValueAsString(all);
            assertThat(json).contains("\"id\":\"release:0:0\"").doesNotContain("\"value\"").contains("\"deadLetteredAt\":\"20");
        }
    }

    @Test
    void a_dry_run_lists_what_would_be_replayed_and_sends_nothing() {
        try (var kit = WorkerTestKit.create("dlqdry", MODULE, 1);
             var deadLetters = new DeadLetters(kit.bootstrap, kit.topics, WAIT, WorkerSettings.DEFAULT_MAX_RECORD_BYTES)) {
            var handler = new ScriptedHandler(MODULE)
                    .always("d-1", failing(ForgeCallException.permanent(404, "404 Not Found")))
                    .always("d-2", failing(ForgeCallException.permanent(404, "404 Not Found")));
            var dlqTopic = kit.deadLetters();
            kit.send(0, "d-1");
            kit.send(0, "d-2");
            try (var worker = ModuleWorker.start(kit.settings(), handler, WorkerTestKit.SERVICES, new SimpleMeterRegistry())) {
                await().atMost(WAIT).until(() -> dlqTopic.records().size() == 2);
            }

            ReplayResult result = deadLetters.replay(ReplayRequest.selecting(RELEASE, List.of(), Optional.empty(), true, false));

            assertThat(result.dryRun()).isTrue();
            assertThat(result.replayed()).extracting(ReplayResult.Replayed::deadLetterId, ReplayResult.Replayed::replayCount,
                            ReplayResult.Replayed::partition)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple("release:0:0", 1, null),
                            org.assertj.core.groups.Tuple.tuple("release:0:1", 1, null));
            var work = kit.reader(kit.topics.work("release"));
            await().during(Duration.ofMillis(500)).atMost(WAIT).until(() -> work.records().size() == 2);
        }
    }

    @Test
    void a_replayed_item_goes_back_to_work_and_a_second_failure_shows_the_raised_replay_count() throws Exception {
        try (var kit = WorkerTestKit.create("dlqreplay", MODULE, 1);
             var deadLetters = new DeadLetters(kit.bootstrap, kit.topics, WAIT, WorkerSettings.DEFAULT_MAX_RECORD_BYTES)) {
            // Fails on the first delivery and on the first replay, succeeds on the second replay.
            var handler = new ScriptedHandler(MODULE).script("d-1",
                    failing(ForgeCallException.permanent(422, "422 release body too long")),
                    failing(ForgeCallException.permanent(422, "422 release body too long")));
            var dlqTopic = kit.deadLetters();
            var work = kit.reader(kit.topics.work("release"));
            var outcomes = kit.outcomes();
            kit.send(0, "d-1", Map.of("x-trace", "trace-1"));
            ConsumerRecord<byte[], byte[]> original = records(work, 1).get(0);

            try (var worker = ModuleWorker.start(kit.settings(), handler, WorkerTestKit.SERVICES, new SimpleMeterRegistry())) {
                await().atMost(WAIT).until(() -> dlqTopic.records().size() == 1);

                ReplayResult first = deadLetters.replay(ReplayRequest.selecting(Optional.empty(), ids("release:0:0"), Optional.empty(), false, false));
                assertThat(first.notFound()).isEmpty();
                assertThat(first.replayed()).singleElement().satisfies(r -> {
                    assertThat(r.deadLetterId()).isEqualTo("release:0:0");
                    assertThat(r.replayCount()).isEqualTo(1);
                    assertThat(r.topic()).isEqualTo(kit.topics.work("release"));
                    assertThat(r.offset()).isEqualTo(1L);
                    assertThat(r.deliveryId()).isEqualTo("d-1");
                });
                ConsumerRecord<byte[], byte[]> replayed = records(work, 2).get(1);
                assertThat(replayed.key()).isEqualTo(original.key());
                assertThat(replayed.value()).isEqualTo(original.value());
                Map<String, String> h = headers(replayed);
                String p = kit.topics.prefix() + ".";
                for (Header header : original.headers()) {
                    assertThat(h).containsEntry(header.key(), text(header.value()));
                }
                assertThat(h).containsEntry(p + "replay-of", "release:0:0").containsEntry(p + "replay-count", "1");
                assertThat(h.keySet()).noneMatch(k -> k.startsWith(p + "error.") || k.startsWith(p + "original."));

                // The replay fails again: its dead letter keeps the replay count.
                await().atMost(WAIT).until(() -> dlqTopic.records().size() == 2);
                DeadLetter again = deadLetters.show("release:0:1").orElseThrow();
                assertThat(again.replayCount()).isEqualTo(1);
                assertThat(again.replayOf()).isEqualTo("release:0:0");
                assertThat(again.originalOffset()).isEqualTo(1);
                assertThat(again.attempts()).isEqualTo(1);

                ReplayResult second = deadLetters.replay(ReplayRequest.selecting(RELEASE, ids("release:0:1", "release:0:42"),
                        Optional.empty(), false, false));
                assertThat(second.replayed()).extracting(ReplayResult.Replayed::replayCount).containsExactly(2);
                assertThat(second.notFound()).containsExactly("release:0:42");
                assertThat(headers(records(work, 3).get(2))).containsEntry(p + "replay-count", "2").containsEntry(p + "replay-of", "release:0:1");

                await().atMost(WAIT).until(() -> outcomes.outcomes().size() == 3);
            }
            assertThat(outcomes.outcomes()).extracting(WorkOutcome::status).containsExactly(
                    WorkOutcome.Status.DEAD_LETTER, WorkOutcome.Status.DEAD_LETTER, WorkOutcome.Status.DONE);
            assertThat(handler.calls("d-1")).isEqualTo(3);

            assertThatThrownBy(() -> deadLetters.replay(ReplayRequest.selecting(Optional.of(DeadLetterSource.of(ModuleId.TRIAGE)),
                    ids("release:0:0"), Optional.empty(), false, false))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not of module triage");
            assertThat(deadLetters.replay(ReplayRequest.selecting(RELEASE, List.of(), Optional.of(Instant.now().plusSeconds(3600)),
                    false, false)).replayed()).as("nothing that recent").isEmpty();
        }
    }

    @Test
    void a_second_replay_of_the_same_selection_skips_what_was_replayed_unless_again() {
        Instant at = Instant.parse("2026-03-04T05:06:07Z");
        try (var kit = WorkerTestKit.create("dlqmarks", MODULE, 1);
             var deadLetters = new DeadLetters(kit.bootstrap, kit.topics, WAIT, WorkerSettings.DEFAULT_MAX_RECORD_BYTES,
                     Clock.fixed(at, ZoneOffset.UTC))) {
            // Given two dead letters (the worker stopped, so replays stay on the work topic)
            var handler = new ScriptedHandler(MODULE)
                    .always("d-1", failing(ForgeCallException.permanent(404, "404 Not Found")))
                    .always("d-2", failing(ForgeCallException.permanent(404, "404 Not Found")));
            var dlqTopic = kit.deadLetters();
            var work = kit.reader(kit.topics.work("release"));
            kit.send(0, "d-1");
            kit.send(0, "d-2");
            try (var worker = ModuleWorker.start(kit.settings(), handler, WorkerTestKit.SERVICES, new SimpleMeterRegistry())) {
                await().atMost(WAIT).until(() -> dlqTopic.records().size() == 2);
            }
            ReplayRequest selection = ReplayRequest.selecting(RELEASE, List.of(), Optional.empty(), false, false);

            // When the module's dead letters are replayed twice
            ReplayResult first = deadLetters.replay(selection);
            ReplayResult second = deadLetters.replay(selection);

            // Then the first replays both and marks them; the second skips both, saying why
            assertThat(first.replayed()).extracting(ReplayResult.Replayed::deadLetterId).containsExactly("release:0:0", "release:0:1");
            assertThat(first.skipped()).isEmpty();
            assertThat(second.replayed()).isEmpty();
            assertThat(second.skipped()).extracting(ReplayResult.Skipped::deadLetterId).containsExactly("release:0:0", "release:0:1");
            assertThat(second.skipped().get(0).reason()).contains("replayed before", "again");
            await().during(Duration.ofMillis(500)).atMost(WAIT).until(() -> work.records().size() == 4);
            assertThat(deadLetters.list(RELEASE, 10, Optional.empty())).extracting(DeadLetter::replayed)
                    .containsOnly(new ReplayMark(1, at, at));
            assertThat(deadLetters.show("release:0:1").orElseThrow().replayed()).isEqualTo(new ReplayMark(1, at, at));

            // And a dry run with again marks nothing, a replay with again replays and counts once more
            assertThat(deadLetters.replay(ReplayRequest.selecting(RELEASE, List.of(), Optional.empty(), true, true)).replayed()).hasSize(2);
            ReplayResult again = deadLetters.replay(ReplayRequest.selecting(Optional.empty(), ids("release:0:0"), Optional.empty(), false, true));
            assertThat(again.replayed()).extracting(ReplayResult.Replayed::deadLetterId).containsExactly("release:0:0");
            assertThat(deadLetters.show("release:0:0").orElseThrow().replayed().times()).isEqualTo(2);
            assertThat(deadLetters.show("release:0:1").orElseThrow().replayed().times()).isEqualTo(1);
            await().atMost(WAIT).until(() -> work.records().size() == 5);
        }
    }

    @Test
    void dedup_dead_letters_are_listed_shown_and_replayed_to_raw_with_their_raw_headers() {
        try (var kit = WorkerTestKit.create("dlqdedup", MODULE, 1);
             var deadLetters = new DeadLetters(kit.bootstrap, kit.topics, WAIT, WorkerSettings.DEFAULT_MAX_RECORD_BYTES)) {
            // Given a raw record dedup-streams could not process, dead-lettered as it writes them
            String p = kit.topics.prefix() + ".";
            byte[] body = WorkerTestKit.bytes("{\"action\":\"opened\",\"issue\":{\"number\":7}}");
            var rawHeaders = new java.util.LinkedHashMap<String, String>();
            rawHeaders.put(p + "forge", "gh");
            rawHeaders.put(p + "forge-type", "github");
            rawHeaders.put(p + "delivery-id", "raw-1");
            rawHeaders.put(p + "event", "issues");
            rawHeaders.put(p + "action", "opened");
            rawHeaders.put(p + "owner", "Org");
            rawHeaders.put(p + "repo", "repo");
            rawHeaders.put(p + "received-at", "2026-01-02T03:04:05Z");
            rawHeaders.put("content-type", "application/json");
            var headers = new RecordHeaders();
            rawHeaders.forEach((k, v) -> headers.add(k, WorkerTestKit.bytes(v)));
            Map.of("error.class", "RecordTooLargeException", "error.message", "envelope over the size limit",
                    "error.attempts", "1", "error.first-failed-at", "2026-01-02T03:04:06Z",
                    "original.topic", kit.topics.raw(), "original.partition", "0", "original.offset", "17")
                    .forEach((k, v) -> headers.add(p + k, WorkerTestKit.bytes(v)));
            kit.sendTo(kit.topics.dedupDeadLetters(), 0, WorkerTestKit.bytes("gh/Org/repo"), body, headers);
            Optional<DeadLetterSource> dedup = Optional.of(DeadLetterSource.DEDUP);

            // When it is listed, shown and replayed
            List<DeadLetter> listed = deadLetters.list(dedup, 10, Optional.empty());
            List<DeadLetter> everything = deadLetters.list(Optional.empty(), 10, Optional.empty());
            DeadLetter shown = deadLetters.show("dedup:0:0").orElseThrow();
            ReplayResult result = deadLetters.replay(ReplayRequest.selecting(dedup, List.of(), Optional.empty(), false, false));

            // Then it reads like the others, and its replay is the raw record again on raw
            assertThat(listed).singleElement().satisfies(l -> {
                assertThat(l.id()).isEqualTo("dedup:0:0");
                assertThat(l.module()).isEqualTo("dedup");
                assertThat(l.deliveryId()).isEqualTo("raw-1");
                assertThat(l.event()).isEqualTo("issues.opened");
                assertThat(l.errorClass()).isEqualTo("RecordTooLargeException");
                assertThat(l.originalTopic()).isEqualTo(kit.topics.raw());
                assertThat(l.originalOffset()).isEqualTo(17);
            });
            assertThat(everything).extracting(DeadLetter::id).contains("dedup:0:0");
            assertThat(shown.value()).isEqualTo(text(body));
            assertThat(result.replayed()).singleElement().satisfies(r -> {
                assertThat(r.topic()).isEqualTo(kit.topics.raw());
                assertThat(r.module()).isEqualTo("dedup");
                assertThat(r.deliveryId()).isEqualTo("raw-1");
            });
            ConsumerRecord<byte[], byte[]> replayed = records(kit.reader(kit.topics.raw()), 1).get(0);
            assertThat(text(replayed.key())).isEqualTo("gh/Org/repo");
            assertThat(replayed.value()).isEqualTo(body);
            Map<String, String> h = headers(replayed);
            assertThat(h).containsAllEntriesOf(rawHeaders)
                    .containsEntry(p + "replay-of", "dedup:0:0").containsEntry(p + "replay-count", "1");
            assertThat(h.keySet()).noneMatch(k -> k.startsWith(p + "error.") || k.startsWith(p + "original."));
            assertThat(deadLetters.show("dedup:0:0").orElseThrow().replayed().times()).isEqualTo(1);
        }
    }

    @Test
    void the_id_a_worker_logs_when_it_dead_letters_is_the_one_show_accepts() throws Exception {
        var logged = new ListAppender<ILoggingEvent>();
        Logger workerLog = (Logger) LoggerFactory.getLogger(ModuleWorker.class);
        logged.start();
        workerLog.addAppender(logged);
        try (var kit = WorkerTestKit.create("dlqlogid", MODULE, 1);
             var deadLetters = new DeadLetters(kit.bootstrap, kit.topics, WAIT, WorkerSettings.DEFAULT_MAX_RECORD_BYTES)) {
            // Given a work item that succeeds before the one that fails, the failing item's work
            // offset (1) differs from its dead letter's offset (0).
            var handler = new ScriptedHandler(MODULE).always("d-bad", failing(ForgeCallException.permanent(422, "422 nope")));
            var dlqTopic = kit.deadLetters();
            kit.send(0, "d-ok");
            kit.send(0, "d-bad");

            // When the worker dead-letters it
            try (var worker = ModuleWorker.start(kit.settings(), handler, WorkerTestKit.SERVICES, new SimpleMeterRegistry())) {
                await().atMost(WAIT).until(() -> dlqTopic.records().size() == 1);
                await().atMost(WAIT).until(() -> deadLetterLines(logged).size() == 1);
            }

            // Then every id-shaped token on its log line is one that `dlq show` finds, and it is the failed item
            String line = deadLetterLines(logged).get(0);
            var ids = java.util.regex.Pattern.compile("release:\\d+:\\d+").matcher(line).results()
                    .map(java.util.regex.MatchResult::group).toList();
            assertThat(ids).as(line).isNotEmpty();
            for (String id : ids) {
                assertThat(deadLetters.show(id)).as("dlq show " + id + " (from: " + line + ")").get()
                        .extracting(DeadLetter::deliveryId).isEqualTo("d-bad");
            }
        } finally {
            workerLog.detachAppender(logged);
        }
    }

    private static List<String> deadLetterLines(ListAppender<ILoggingEvent> logged) {
        synchronized (logged) { // AppenderBase appends under the appender's own lock
            return logged.list.stream().map(ILoggingEvent::getFormattedMessage).filter(m -> m.contains("dead-letter")).toList();
        }
    }

    private static List<DeadLetterId> ids(String... ids) {
        return java.util.Arrays.stream(ids).map(id -> DeadLetterId.parse(dev.forgebus.common.config.ModuleCatalog.standard(), id)).toList();
    }

    private static List<ConsumerRecord<byte[], byte[]>> records(WorkerTestKit.TopicReader reader, int n) {
        await().atMost(WAIT).until(() -> reader.records().size() >= n);
        return reader.records();
    }

    private static Map<String, String> headers(ConsumerRecord<byte[], byte[]> record) {
        Map<String, String> map = new HashMap<>();
        for (Header header : record.headers()) {
            map.put(header.key(), text(header.value()));
        }
        return map;
    }
}
