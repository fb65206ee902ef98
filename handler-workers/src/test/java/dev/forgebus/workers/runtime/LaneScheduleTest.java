package dev.forgebus.workers.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import dev.forgebus.workers.runtime.LaneSchedule.Rewind;
import dev.forgebus.workers.runtime.LaneSchedule.Start;
import dev.forgebus.workers.runtime.LaneSchedule.Ticket;

/**
 * The worker's lanes without a broker, a thread or a clock: records are handed in as if polled,
 * time is an argument, and the test plays the handler threads by finishing tickets itself.
 */
class LaneScheduleTest {
    private static final Instant NOW = Instant.parse("2026-05-01T12:00:00Z");
    private static final TopicPartition WORK_0 = new TopicPartition("fb.work.triage", 0);
    private static final TopicPartition WORK_1 = new TopicPartition("fb.work.triage", 1);
    private static final TopicPartition TIER_0 = new TopicPartition("fb.retry.triage.0", 0);

    /** A fetched record: its offset and, on a retry tier, when it is due. */
    private record Item(String id, long offset, Instant due) {
        static Item at(String id, long offset) {
            return new Item(id, offset, null);
        }

        static Item due(String id, long offset, Instant due) {
            return new Item(id, offset, due);
        }
    }

    private final LaneSchedule<Item> lanes = schedule(100);

    private static LaneSchedule<Item> schedule(int maxHeld) {
        return new LaneSchedule<>(maxHeld, Item::offset, item -> Optional.ofNullable(item.due()));
    }

    private List<String> started(Instant now) {
        return lanes.dispatch(now).starts().stream().map(s -> s.record().id()).toList();
    }

    private Ticket startOne(TopicPartition partition) {
        List<Start<Item>> starts = lanes.dispatch(NOW).starts().stream().filter(s -> s.ticket().partition().equals(partition)).toList();
        assertThat(starts).as("one start on " + partition).hasSize(1);
        return starts.get(0).ticket();
    }

    @Test
    void a_second_item_of_a_partition_waits_while_the_first_runs_and_another_partition_flows() {
        lanes.assigned(List.of(WORK_0, WORK_1));
        lanes.fetched(WORK_0, List.of(Item.at("a", 10), Item.at("b", 11)));
        lanes.fetched(WORK_1, List.of(Item.at("c", 3)));

        assertThat(started(NOW)).containsExactlyInAnyOrder("a", "c");
        assertThat(started(NOW)).as("b waits for a, c's partition has nothing more").isEmpty();
        assertThat(lanes.itemsHeld(WORK_0)).isEqualTo(2);
    }

    @Test
    void a_partition_never_has_two_items_in_flight_and_takes_them_in_offset_order() {
        lanes.assigned(List.of(WORK_0));
        lanes.fetched(WORK_0, List.of(Item.at("a", 10), Item.at("b", 11), Item.at("c", 12)));

        Ticket a = startOne(WORK_0);
        assertThat(lanes.dispatch(NOW).starts()).isEmpty();
        assertThat(lanes.finished(a)).isTrue();
        Ticket b = startOne(WORK_0);
        assertThat(lanes.dispatch(NOW).starts()).isEmpty();
        lanes.finished(b);
        Ticket c = startOne(WORK_0);

        assertThat(List.of(a.offset(), b.offset(), c.offset())).containsExactly(10L, 11L, 12L);
        assertThat(lanes.inFlight(WORK_0)).contains(c);
    }

    @Test
    void a_retry_tier_head_not_yet_due_makes_its_lane_wait_holding_nothing_and_rewinds_to_it() {
        lanes.assigned(List.of(TIER_0, WORK_0));
        lanes.fetched(TIER_0, List.of(Item.due("r1", 40, NOW.plusSeconds(30)), Item.due("r2", 41, NOW.plusSeconds(31))));
        lanes.fetched(WORK_0, List.of(Item.at("w", 7)));

        var dispatch = lanes.dispatch(NOW);

        assertThat(dispatch.starts()).extracting(s -> s.record().id()).containsExactly("w");
        assertThat(dispatch.rewinds()).containsExactly(new Rewind(TIER_0, 40));
        assertThat(lanes.itemsHeld(TIER_0)).as("what lay behind the head is dropped, fetched again later").isZero();
        assertThat(lanes.toPause(NOW)).contains(TIER_0);
        assertThat(lanes.pollTimeout(NOW, Duration.ofMinutes(1))).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void a_waiting_lane_goes_on_when_the_time_given_reaches_its_due_time_and_not_before() {
        lanes.assigned(List.of(TIER_0));
        Item head = Item.due("r1", 40, NOW.plusSeconds(30));
        lanes.fetched(TIER_0, List.of(head));
        lanes.dispatch(NOW);

        Instant almost = NOW.plusSeconds(30).minusNanos(1);
        assertThat(lanes.toPause(almost)).contains(TIER_0);
        lanes.fetched(TIER_0, List.of(head)); // a stray fetch before the pause took effect
        assertThat(started(almost)).isEmpty();

        Instant due = NOW.plusSeconds(30);
        assertThat(lanes.pollTimeout(due, Duration.ofMinutes(1))).isEqualTo(Duration.ofMinutes(1));
        assertThat(started(due)).containsExactly("r1");
    }

    @Test
    void a_due_head_runs_at_once_even_when_items_behind_it_are_not_due() {
        lanes.assigned(List.of(TIER_0));
        lanes.fetched(TIER_0, List.of(Item.due("r1", 40, NOW.minusSeconds(1)), Item.due("r2", 41, NOW.plusSeconds(60))));

        var dispatch = lanes.dispatch(NOW);

        assertThat(dispatch.starts()).extracting(s -> s.record().id()).containsExactly("r1");
        assertThat(dispatch.rewinds()).isEmpty();
    }

    @Test
    void a_redo_rewinds_to_the_item_and_holds_its_partition_until_the_redo_is_due() {
        lanes.assigned(List.of(WORK_0));
        lanes.fetched(WORK_0, List.of(Item.at("a", 10), Item.at("b", 11)));
        Ticket a = startOne(WORK_0);

        Optional<Rewind> rewind = lanes.redo(a, NOW.plusSeconds(5));

        assertThat(rewind).contains(new Rewind(WORK_0, 10));
        assertThat(lanes.itemsHeld(WORK_0)).isZero();
        assertThat(lanes.toPause(NOW.plusSeconds(4))).containsExactly(WORK_0);
        assertThat(lanes.toPause(NOW.plusSeconds(5))).isEmpty();
        assertThat(lanes.pollTimeout(NOW.plusSeconds(1), Duration.ofMinutes(1))).isEqualTo(Duration.ofSeconds(4));
    }

    @Test
    void an_abandoned_item_rewinds_its_partition_to_it_without_waiting() {
        lanes.assigned(List.of(WORK_0));
        lanes.fetched(WORK_0, List.of(Item.at("a", 10), Item.at("b", 11)));
        Ticket a = startOne(WORK_0);

        assertThat(lanes.abandoned(a)).contains(new Rewind(WORK_0, 10));
        assertThat(lanes.itemsHeld(WORK_0)).isZero();
        assertThat(lanes.toPause(NOW)).isEmpty();
    }

    @Test
    void a_partition_that_runs_or_holds_anything_is_paused_and_an_idle_one_is_not() {
        lanes.assigned(List.of(WORK_0, WORK_1, TIER_0));
        lanes.fetched(WORK_0, List.of(Item.at("a", 10)));
        lanes.fetched(WORK_1, List.of(Item.at("c", 3), Item.at("d", 4)));
        startOne(WORK_0);

        assertThat(lanes.toPause(NOW)).containsExactlyInAnyOrder(WORK_0, WORK_1);
    }

    @Test
    void every_partition_is_paused_while_the_lanes_hold_max_held_records_together() {
        LaneSchedule<Item> small = schedule(3);
        small.assigned(List.of(WORK_0, WORK_1, TIER_0));
        small.fetched(WORK_0, List.of(Item.at("a", 10), Item.at("b", 11)));
        small.fetched(WORK_1, List.of(Item.at("c", 3)));
        assertThat(small.toPause(NOW)).as("three held").containsExactlyInAnyOrder(WORK_0, WORK_1, TIER_0);

        small.dispatch(NOW); // a and c start: one held
        assertThat(small.toPause(NOW)).containsExactlyInAnyOrder(WORK_0, WORK_1);
    }

    /**
     * The subtle side of the bound: it is shared. When one busy partition alone fills it, idle
     * partitions stay paused (fetch nothing new) until that partition's head finishes, however long
     * its handler waits (e.g. on a credential the forge paused): the whole worker follows its
     * slowest full lane. One finish is enough to let the others fetch again.
     */
    @Test
    void one_partition_holding_max_held_records_keeps_every_other_partition_paused_until_its_head_finishes() {
        LaneSchedule<Item> small = schedule(2);
        small.assigned(List.of(WORK_0, WORK_1));
        small.fetched(WORK_0, List.of(Item.at("a", 10), Item.at("b", 11), Item.at("c", 12)));
        Ticket a = small.dispatch(NOW).starts().get(0).ticket();

        assertThat(small.toPause(NOW.plus(Duration.ofHours(1)))).as("b and c held: full").contains(WORK_1);

        small.finished(a);
        small.dispatch(NOW); // b starts, c alone is held
        assertThat(small.toPause(NOW)).containsExactly(WORK_0);
    }

    @Test
    void revoked_partitions_drop_what_they_held_and_report_what_was_in_flight() {
        lanes.assigned(List.of(WORK_0, WORK_1));
        lanes.fetched(WORK_0, List.of(Item.at("a", 10), Item.at("b", 11)));
        lanes.fetched(WORK_1, List.of(Item.at("c", 3)));
        List<Ticket> started = lanes.dispatch(NOW).starts().stream().map(Start::ticket).toList();
        Ticket a = started.stream().filter(t -> t.partition().equals(WORK_0)).findFirst().orElseThrow();
        assertThat(started).hasSize(2);

        assertThat(lanes.dropped(List.of(WORK_0))).containsExactly(a);

        assertThat(lanes.partitions()).containsExactly(WORK_1);
        assertThat(lanes.itemsHeld(WORK_0)).isZero();
        assertThat(lanes.finished(a)).as("its completion no longer counts").isFalse();
        lanes.fetched(WORK_0, List.of(Item.at("late", 12)));
        assertThat(lanes.dispatch(NOW).starts()).as("records of a partition not assigned are ignored").isEmpty();
    }

    @Test
    void a_late_completion_from_before_a_revocation_cannot_finish_the_same_offset_reassigned_to_this_worker() {
        // Given a in flight when its partition was revoked (its thread interrupted too late) ...
        lanes.assigned(List.of(WORK_0));
        lanes.fetched(WORK_0, List.of(Item.at("a", 10)));
        Ticket old = startOne(WORK_0);
        lanes.dropped(List.of(WORK_0));
        // ... and the partition assigned back, the same record fetched and started again.
        lanes.assigned(List.of(WORK_0));
        lanes.fetched(WORK_0, List.of(Item.at("a", 10), Item.at("b", 11)));
        Ticket again = startOne(WORK_0);
        assertThat(again.offset()).isEqualTo(old.offset());

        // When the old attempt reports in.
        boolean counted = lanes.finished(old);
        Optional<Rewind> rewound = lanes.abandoned(old);

        // Then the new attempt is untouched: still in flight, b still waiting behind it.
        assertThat(counted).isFalse();
        assertThat(rewound).isEmpty();
        assertThat(lanes.inFlight(WORK_0)).contains(again);
        assertThat(lanes.itemsHeld(WORK_0)).isEqualTo(2);
        assertThat(lanes.dispatch(NOW).starts()).isEmpty();
    }

    @Test
    void a_start_the_pool_refused_goes_back_to_the_head_of_its_lane() {
        lanes.assigned(List.of(WORK_0));
        lanes.fetched(WORK_0, List.of(Item.at("a", 10), Item.at("b", 11)));
        Start<Item> a = lanes.dispatch(NOW).starts().get(0);

        lanes.notStarted(a);

        assertThat(lanes.inFlight(WORK_0)).isEmpty();
        assertThat(started(NOW)).containsExactly("a");
    }

    @Test
    void in_flight_counts_only_the_partitions_asked_about() {
        lanes.assigned(List.of(WORK_0, WORK_1));
        lanes.fetched(WORK_0, List.of(Item.at("a", 10)));
        Ticket a = startOne(WORK_0);

        assertThat(lanes.inFlight(List.of(WORK_1))).isFalse();
        assertThat(lanes.inFlight(List.of(WORK_0, WORK_1))).isTrue();
        lanes.finished(a);
        assertThat(lanes.inFlight(List.of(WORK_0, WORK_1))).isFalse();
    }

    @Test
    void a_schedule_that_could_hold_nothing_is_refused() {
        assertThatThrownBy(() -> schedule(0)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxHeld");
    }
}
