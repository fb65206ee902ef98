package dev.forgebus.workers.notifications;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import dev.forgebus.common.config.ChannelType;
import dev.forgebus.common.config.Secret;

class ChannelLimiterTest {

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final ChannelLimiter limiter = new ChannelLimiter(nanos::get);
    private static final Secret SLACK = Secret.of("https://hooks.slack.com/services/T/B/X");
    private static final Secret OTHER_SLACK = Secret.of("https://hooks.slack.com/services/T/B/Y");
    private static final Secret DISCORD = Secret.of("https://discord.com/api/webhooks/1/x");
    private static final Duration LONGEST = Duration.ofSeconds(5);

    @Test
    void slack_sends_one_message_per_second_per_webhook() {
        assertThat(limiter.turn(ChannelType.SLACK, SLACK, LONGEST)).isEqualTo(new ChannelLimiter.Go(Duration.ZERO));
        assertThat(limiter.turn(ChannelType.SLACK, SLACK, LONGEST)).isEqualTo(new ChannelLimiter.Go(Duration.ofSeconds(1)));
        assertThat(limiter.turn(ChannelType.SLACK, SLACK, LONGEST)).isEqualTo(new ChannelLimiter.Go(Duration.ofSeconds(2)));
        assertThat(limiter.turn(ChannelType.SLACK, OTHER_SLACK, LONGEST)).as("another webhook has its own pace")
                .isEqualTo(new ChannelLimiter.Go(Duration.ZERO));

        nanos.addAndGet(Duration.ofSeconds(3).toNanos());
        assertThat(limiter.turn(ChannelType.SLACK, SLACK, LONGEST)).isEqualTo(new ChannelLimiter.Go(Duration.ZERO));
    }

    @Test
    void discord_has_no_pace_of_its_own_but_waits_what_the_receiver_asked() {
        assertThat(limiter.turn(ChannelType.DISCORD, DISCORD, LONGEST)).isEqualTo(new ChannelLimiter.Go(Duration.ZERO));
        assertThat(limiter.turn(ChannelType.DISCORD, DISCORD, LONGEST)).isEqualTo(new ChannelLimiter.Go(Duration.ZERO));

        limiter.hold(DISCORD, Duration.ofMillis(1500));

        assertThat(limiter.turn(ChannelType.DISCORD, DISCORD, LONGEST)).isEqualTo(new ChannelLimiter.Go(Duration.ofMillis(1500)));
    }

    @Test
    void a_hold_longer_than_the_caller_may_wait_is_answered_later_and_takes_no_slot() {
        limiter.hold(DISCORD, Duration.ofSeconds(30));

        assertThat(limiter.turn(ChannelType.DISCORD, DISCORD, LONGEST)).isEqualTo(new ChannelLimiter.Later(Duration.ofSeconds(30)));
        nanos.addAndGet(Duration.ofSeconds(30).toNanos());
        assertThat(limiter.turn(ChannelType.DISCORD, DISCORD, LONGEST)).isEqualTo(new ChannelLimiter.Go(Duration.ZERO));
    }
}
