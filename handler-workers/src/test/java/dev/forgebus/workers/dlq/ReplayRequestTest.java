package dev.forgebus.workers.dlq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.forgebus.common.config.ModuleId;

/** What a replay request must say, and the dead-letter ids it names. */
class ReplayRequestTest {
    private static final dev.forgebus.common.config.ModuleCatalog STANDARD = dev.forgebus.common.config.ModuleCatalog.standard();

    @Test
    void a_replay_without_a_selection_is_refused() {
        assertThatThrownBy(() -> ReplayRequest.selecting(Optional.empty(), List.of(), Optional.empty(), false, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must name what it replays").hasMessageContaining("all");
    }

    @Test
    void all_together_with_another_selector_is_refused_as_ambiguous() {
        assertThatThrownBy(() -> new ReplayRequest(Optional.of(DeadLetterSource.DEDUP), List.of(), Optional.empty(), true, false, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot be combined");
        assertThatThrownBy(() -> new ReplayRequest(Optional.empty(), List.of(), Optional.of(Instant.EPOCH), true, false, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot be combined");
        assertThat(ReplayRequest.everything(false, false).all()).isTrue();
    }

    @Test
    void ids_of_another_module_than_the_one_named_are_refused() {
        assertThatThrownBy(() -> ReplayRequest.selecting(Optional.of(DeadLetterSource.of(ModuleId.TRIAGE)),
                List.of(DeadLetterId.parse(STANDARD, "dedup:0:1")), Optional.empty(), false, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not of module triage");
    }

    @Test
    void malformed_or_out_of_range_dead_letter_ids_are_refused_with_the_expected_shape() {
        for (String bad : List.of("", "triage", "triage:1", "triage:1:2:3", "triage:-1:0", "triage:+1:0", "triage: 1:0",
                "triage:1:0x10", "triage:2147483648:0", "triage:0:99999999999999999999", "triage:0:9999999999999999999",
                "TRIAGE:0:1", "triage:0:1\n")) {
            assertThatThrownBy(() -> DeadLetterId.parse(STANDARD, bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageMatching("(?s).*(module:partition:offset|out of range).*");
        }
        assertThatThrownBy(() -> DeadLetterId.parse(STANDARD, "nosuch:0:1")).hasMessageContaining("unknown module 'nosuch'");
    }

    @Test
    void dedup_is_a_source_of_its_own_and_not_a_module() {
        DeadLetterId id = DeadLetterId.parse(STANDARD, "dedup:2:5");

        assertThat(id.source()).isInstanceOf(DeadLetterSource.Dedup.class);
        assertThat(id).hasToString("dedup:2:5");
        assertThat(DeadLetterId.parse(STANDARD, "auto-merge:2147483647:9223372036854775807").source())
                .isEqualTo(DeadLetterSource.of(ModuleId.AUTO_MERGE));
        assertThat(DeadLetterSource.all(STANDARD)).contains(DeadLetterSource.DEDUP).hasSize(STANDARD.ids().size() + 1);
    }
}
