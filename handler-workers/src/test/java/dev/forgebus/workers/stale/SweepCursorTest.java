package dev.forgebus.workers.stale;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;

import org.junit.jupiter.api.Test;

class SweepCursorTest {

    @Test
    void a_cursor_reads_back_what_it_wrote() {
        SweepCursor cursor = new SweepCursor("cron:stale:github:MyOrg@1700000000", "app", 3);

        assertThat(SweepCursor.decode(Optional.of(cursor.encode()))).contains(cursor);
    }

    @Test
    void an_unreadable_or_missing_cursor_is_empty_so_the_sweep_starts_over() {
        assertThat(SweepCursor.decode(Optional.empty())).isEmpty();
        assertThat(SweepCursor.decode(Optional.of("not json"))).isEmpty();
        assertThat(SweepCursor.decode(Optional.of("{\"sweep\":\"x\",\"repo\":\"app\",\"page\":0}"))).isEmpty();
        assertThat(SweepCursor.decode(Optional.of("{\"sweep\":\"x\",\"page\":2}"))).isEmpty();
    }
}
