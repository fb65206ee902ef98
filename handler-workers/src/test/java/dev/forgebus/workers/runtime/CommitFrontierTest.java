package dev.forgebus.workers.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** What a worker may commit, without a consumer: the test plays the commits. */
class CommitFrontierTest {
    private static final TopicPartition WORK_0 = new TopicPartition("fb.work.triage", 0);
    private static final TopicPartition WORK_1 = new TopicPartition("fb.work.triage", 1);

    private final CommitFrontier frontier = new CommitFrontier();

    @Test
    void nothing_is_pending_before_an_item_finished() {
        assertThat(frontier.isEmpty()).isTrue();
        assertThat(frontier.pending()).isEmpty();
    }

    @Test
    void a_finished_item_makes_the_offset_after_it_committable() {
        frontier.finished(WORK_0, 10);
        frontier.finished(WORK_0, 11);
        frontier.finished(WORK_1, 3);

        assertThat(frontier.pending()).containsExactlyInAnyOrderEntriesOf(Map.of(WORK_0, 12L, WORK_1, 4L));
    }

    @Test
    void a_commit_clears_what_it_carried() {
        frontier.finished(WORK_0, 10);

        frontier.committed(frontier.pending());

        assertThat(frontier.isEmpty()).isTrue();
    }

    @Test
    void an_item_finished_while_a_commit_was_under_way_is_kept_for_the_next_commit() {
        frontier.finished(WORK_0, 10);
        frontier.finished(WORK_1, 3);
        Map<TopicPartition, Long> sent = frontier.pending();
        frontier.finished(WORK_0, 11); // finished meanwhile

        frontier.committed(sent);

        assertThat(frontier.pending()).containsExactlyEntriesOf(Map.of(WORK_0, 12L));
    }

    @Test
    void forgotten_partitions_commit_nothing_more() {
        frontier.finished(WORK_0, 10);
        frontier.finished(WORK_1, 3);

        frontier.forget(List.of(WORK_0));

        assertThat(frontier.pending()).containsExactlyEntriesOf(Map.of(WORK_1, 4L));
    }

    @Test
    void the_pending_view_is_a_copy_that_later_finishes_do_not_change() {
        frontier.finished(WORK_0, 10);
        Map<TopicPartition, Long> sent = frontier.pending();

        frontier.finished(WORK_0, 11);

        assertThat(sent).containsExactlyEntriesOf(Map.of(WORK_0, 11L));
    }
}
