package dev.forgebus.workers.notifications;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.forgebus.common.config.ChannelType;
import dev.forgebus.common.config.NotificationChannel;
import dev.forgebus.common.config.Secret;
import dev.forgebus.common.emit.Notification;
import dev.forgebus.common.event.Json;
import dev.forgebus.fakeforge.FakeReceivers;
import dev.forgebus.fakeforge.FakeReceivers.Reply;

/** One channel post against the fake receivers: real HTTP, the limiter's waits recorded instead of slept. */
class ChannelDeliveryTest {

    private static final OutgoingNotification RELEASE = new OutgoingNotification("emit:release:d-1:release:v1", "github",
            "MyOrg", "app", "release", "d-1", Notification.of("release:v1", "release", "v1 released", "notes"));

    private final FakeReceivers receivers;
    private final List<Duration> slept = new ArrayList<>();
    private final ChannelDelivery delivery;

    ChannelDeliveryTest() throws Exception {
        receivers = FakeReceivers.start();
        delivery = new ChannelDelivery(new HttpChannelPoster(), new ChannelLimiter(), slept::add,
                Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC));
    }

    @AfterEach
    void stop() {
        receivers.close();
    }

    private NotificationChannel channel(ChannelType type, String path) {
        return new NotificationChannel(type.id(), type, Secret.of(receivers.url(path).toString()), List.of());
    }

    @Test
    void a_slack_429_is_waited_out_as_asked_and_the_message_goes_once() throws Exception {
        receivers.script("slack/T/B/token", Reply.RATE_LIMITED, Reply.OK);

        ChannelDelivery.Outcome outcome = delivery.send(channel(ChannelType.SLACK, "slack/T/B/token"), RELEASE);

        assertThat(outcome).isEqualTo(new ChannelDelivery.Delivered(2));
        assertThat(receivers.accepted("slack/T/B/token")).hasSize(1);
        assertThat(slept).singleElement().satisfies(d -> assertThat(d).isBetween(Duration.ofMillis(900), Duration.ofSeconds(1)));
    }

    @Test
    void a_429_storm_is_a_rate_limited_failure_after_a_bounded_number_of_posts() throws Exception {
        receivers.script("discord/1/x", Reply.RATE_LIMITED);

        ChannelDelivery.Outcome outcome = delivery.send(channel(ChannelType.DISCORD, "discord/1/x"), RELEASE);

        assertThat(outcome).isInstanceOfSatisfying(ChannelDelivery.Failed.class,
                f -> assertThat(f.kind()).isEqualTo(ChannelDelivery.Kind.RATE_LIMITED));
        assertThat(receivers.received("discord/1/x")).hasSize(ChannelDelivery.MAX_TRIES);
    }

    @Test
    void a_500_is_transient_and_a_404_permanent_and_neither_reason_names_the_url() throws Exception {
        receivers.script("dead/hook-token-123", Reply.NOT_FOUND);
        receivers.script("flaky/hook-token-456", Reply.SERVER_ERROR);

        ChannelDelivery.Outcome dead = delivery.send(channel(ChannelType.SLACK, "dead/hook-token-123"), RELEASE);
        ChannelDelivery.Outcome flaky = delivery.send(channel(ChannelType.WEBHOOK, "flaky/hook-token-456"), RELEASE);

        assertThat(dead).isInstanceOfSatisfying(ChannelDelivery.Failed.class, f -> {
            assertThat(f.kind()).isEqualTo(ChannelDelivery.Kind.PERMANENT);
            assertThat(f.reason()).startsWith("channel slack (slack): HTTP 404: no_service").doesNotContain("hook-token-123");
        });
        assertThat(flaky).isInstanceOfSatisfying(ChannelDelivery.Failed.class,
                f -> assertThat(f.kind()).isEqualTo(ChannelDelivery.Kind.TRANSIENT));
    }

    @Test
    void a_receiver_that_does_not_answer_is_transient_without_the_url_in_the_reason() throws Exception {
        int port;
        try (var socket = new java.net.ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        NotificationChannel gone = new NotificationChannel("gone", ChannelType.WEBHOOK,
                Secret.of("http://127.0.0.1:" + port + "/secret-path-789"), List.of());

        ChannelDelivery.Outcome outcome = delivery.send(gone, RELEASE);

        assertThat(outcome).isInstanceOfSatisfying(ChannelDelivery.Failed.class, f -> {
            assertThat(f.kind()).isEqualTo(ChannelDelivery.Kind.TRANSIENT);
            assertThat(f.reason()).doesNotContain("secret-path-789");
        });
    }

    @Test
    void a_huge_answer_is_read_only_up_to_the_bound() throws Exception {
        receivers.script("huge", Reply.HUGE);

        ReceiverAnswer answer = new HttpChannelPoster().post(receivers.url("huge"), java.util.Map.of(), "{}".getBytes());

        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.body()).hasSize(HttpChannelPoster.MAX_BODY_BYTES);
    }

    @Test
    void a_signed_webhook_post_carries_the_standard_webhooks_headers() throws Exception {
        NotificationChannel signed = new NotificationChannel("ops", ChannelType.WEBHOOK, Secret.of(receivers.url("ops").toString()),
                List.of(), java.util.Optional.of(Secret.of("plain-secret")));

        assertThat(delivery.send(signed, RELEASE)).isInstanceOf(ChannelDelivery.Delivered.class);

        FakeReceivers.Received post = receivers.received("ops").getFirst();
        assertThat(post.header("webhook-id")).isEqualTo(ChannelDelivery.messageId(RELEASE.id())).startsWith("msg_");
        assertThat(post.header("webhook-timestamp")).isEqualTo("1767225600");
        assertThat(post.header("webhook-signature")).isEqualTo(WebhookSignature.sign(Secret.of("plain-secret"),
                post.header("webhook-id"), 1767225600L, post.body().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        JsonNode body = Json.MAPPER.readTree(post.body());
        assertThat(body.path("data").path("title").asText()).isEqualTo("v1 released");
    }
}
