package dev.forgebus.workers.notifications;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import dev.forgebus.common.config.ChannelType;
import dev.forgebus.common.config.NotificationChannel;
import dev.forgebus.common.config.Secret;

class ChannelSelectionTest {

    private static final NotificationChannel RELEASES = new NotificationChannel("releases", ChannelType.SLACK,
            Secret.of("https://hooks.slack.com/a"), List.of("release"));
    private static final NotificationChannel EVERYTHING = new NotificationChannel("all", ChannelType.DISCORD,
            Secret.of("https://discord.com/api/webhooks/1/x"), List.of());
    private static final NotificationChannel OPS = new NotificationChannel("ops", ChannelType.WEBHOOK,
            Secret.of("https://ops.example/n"), List.of("dlq", "health_down"));

    @Test
    void a_channel_gets_the_kinds_its_events_filter_names_and_an_empty_filter_gets_every_kind() {
        assertThat(ChannelSelection.of(List.of(RELEASES, EVERYTHING, OPS), "release", Set.of())).containsExactly(RELEASES, EVERYTHING);
        assertThat(ChannelSelection.of(List.of(RELEASES, EVERYTHING, OPS), "merged", Set.of())).containsExactly(EVERYTHING);
        assertThat(ChannelSelection.of(List.of(RELEASES, OPS), "mirror_drift", Set.of())).isEmpty();
    }

    @Test
    void a_dlq_notice_about_a_failed_notification_leaves_out_the_channels_that_failed_it() {
        assertThat(ChannelSelection.of(List.of(RELEASES, EVERYTHING, OPS), "dlq", Set.of("ops"))).containsExactly(EVERYTHING);
    }
}
