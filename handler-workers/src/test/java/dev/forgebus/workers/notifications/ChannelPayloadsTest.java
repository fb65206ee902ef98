package dev.forgebus.workers.notifications;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.forgebus.common.config.Secret;
import dev.forgebus.common.emit.Notification;
import dev.forgebus.common.event.Json;

class ChannelPayloadsTest {

    private static OutgoingNotification outgoing(Notification n) {
        return new OutgoingNotification("emit:release:d-1:release:v1.2.0", "github", "MyOrg", "app", "release", "d-1", n);
    }

    private static JsonNode json(byte[] body) throws Exception {
        return Json.MAPPER.readTree(body);
    }

    @Test
    void slack_gets_block_kit_text_with_its_control_characters_escaped_so_a_title_cannot_ping_the_channel() throws Exception {
        Notification n = Notification.of("k", "release", "v1.2.0 <!channel> & co", "Fixed <a> bug")
                .withLink("https://github.example/MyOrg/app/releases/tag/v1.2.0");

        JsonNode body = json(ChannelPayloads.slack(outgoing(n)));

        assertThat(body.path("text").asText()).isEqualTo("v1.2.0 &lt;!channel&gt; &amp; co");
        JsonNode section = body.path("blocks").get(0);
        assertThat(section.path("type").asText()).isEqualTo("section");
        assertThat(section.path("text").path("type").asText()).isEqualTo("mrkdwn");
        assertThat(section.path("text").path("text").asText())
                .startsWith("*v1.2.0 &lt;!channel&gt; &amp; co*\nFixed &lt;a&gt; bug")
                .contains("<https://github.example/MyOrg/app/releases/tag/v1.2.0|Open>")
                .endsWith("MyOrg/app · release (from release)")
                .doesNotContain("<!channel>");
    }

    @Test
    void discord_content_is_cut_at_2000_characters_with_a_marker_and_mentions_are_off() throws Exception {
        Notification n = Notification.of("k", "release", "@everyone v1.2.0", "x".repeat(Notification.MAX_TEXT))
                .withLink("https://github.example/r");

        JsonNode body = json(ChannelPayloads.discord(outgoing(n)));

        String content = body.path("content").asText();
        assertThat(content).hasSize(ChannelPayloads.DISCORD_CONTENT_LIMIT).startsWith("**@everyone v1.2.0**\nxxx")
                .contains(ChannelPayloads.CUT_MARKER).endsWith("<https://github.example/r>\nMyOrg/app · release (from release)");
        assertThat(body.path("allowed_mentions").path("parse").isArray()).isTrue();
        assertThat(body.path("allowed_mentions").path("parse")).isEmpty();
    }

    @Test
    void a_short_discord_message_is_not_cut() throws Exception {
        JsonNode body = json(ChannelPayloads.discord(outgoing(Notification.of("k", "merged", "PR #4 merged", "squash"))));

        assertThat(body.path("content").asText()).isEqualTo("**PR #4 merged**\nsquash\nMyOrg/app · merged (from release)");
    }

    @Test
    void a_cut_never_splits_a_surrogate_pair() {
        String text = "a".repeat(10) + "😀" + "b".repeat(20);
        String cut = ChannelPayloads.cut(text, 10 + ChannelPayloads.CUT_MARKER.length() + 1);

        assertThat(cut).isEqualTo("a".repeat(10) + ChannelPayloads.CUT_MARKER);
    }

    @Test
    void the_webhook_body_carries_the_event_and_its_standard_webhooks_signature_verifies_with_the_secret() throws Exception {
        Notification n = Notification.of("release:v1.2.0", "release", "v1.2.0 released", "notes");
        Instant at = Instant.parse("2026-01-01T00:00:00Z");
        byte[] body = ChannelPayloads.webhook(outgoing(n), at);
        byte[] key = "a-32-byte-key-for-hmac-sha256!!!".getBytes(StandardCharsets.UTF_8);
        Secret secret = Secret.of("whsec_" + Base64.getEncoder().encodeToString(key));

        String signature = WebhookSignature.sign(secret, "msg_1", at.getEpochSecond(), body);

        // What a receiver does (standardwebhooks.com): HMAC of "<id>.<timestamp>.<body>" with the decoded key
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        mac.update(("msg_1." + at.getEpochSecond() + ".").getBytes(StandardCharsets.UTF_8));
        assertThat(signature).isEqualTo("v1," + Base64.getEncoder().encodeToString(mac.doFinal(body)));
        assertThat(WebhookSignature.sign(Secret.of("other"), "msg_1", at.getEpochSecond(), body)).isNotEqualTo(signature);
        JsonNode json = json(body);
        assertThat(json.path("type").asText()).isEqualTo("forgebus.notification");
        assertThat(json.path("timestamp").asText()).isEqualTo("2026-01-01T00:00:00Z");
        assertThat(json.path("data").path("kind").asText()).isEqualTo("release");
        assertThat(json.path("data").path("repository").path("owner").asText()).isEqualTo("MyOrg");
        assertThat(json.path("data").path("id").asText()).isEqualTo("emit:release:d-1:release:v1.2.0");
    }
}
