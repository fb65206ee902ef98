package dev.forgebus.common.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

class RetryTopicsTest {
    private final TopicNames topics = new TopicNames("forgebus");

    @Test
    void every_module_gets_one_retry_topic_per_backoff_entry_and_at_least_one() {
        assertThat(TopicProvisioner.allTopics(topics, List.of("triage"), 2))
                .contains("forgebus.work.triage", "forgebus.retry.triage.0", "forgebus.retry.triage.1")
                .doesNotContain("forgebus.retry.triage.2");
        assertThat(TopicProvisioner.allTopics(topics, List.of("triage"), 0)).contains("forgebus.retry.triage.0");
        assertThatThrownBy(() -> topics.retry("triage", -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void a_replay_strips_the_retry_headers_so_a_replayed_item_starts_at_attempt_one() {
        assertThat(DeadLetterHeaders.isFailureHeader(topics, "forgebus.retry.attempt")).isTrue();
        assertThat(DeadLetterHeaders.isFailureHeader(topics, "forgebus.retry.due-at")).isTrue();
        assertThat(DeadLetterHeaders.isFailureHeader(topics, "forgebus.delivery-id")).isFalse();
    }

    @Test
    void every_module_gets_a_compacted_progress_topic_and_a_prefix_naming_progress_compacts_nothing_else() {
        assertThat(TopicProvisioner.allTopics(topics, List.of("stale"), 1)).contains("forgebus.progress.stale");
        assertThat(TopicNames.isCompacted("forgebus.progress.stale")).isTrue();
        assertThat(TopicNames.isCompacted("forgebus.work.stale")).isFalse();
        TopicNames odd = new TopicNames("x.progress.stale");
        assertThat(TopicProvisioner.allTopics(odd, List.of("stale"), 1)).filteredOn(TopicNames::isCompacted)
                .containsExactlyInAnyOrder("x.progress.stale.dlq-replayed", "x.progress.stale.progress.stale");
    }
}
