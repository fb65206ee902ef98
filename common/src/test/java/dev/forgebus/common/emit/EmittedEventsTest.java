package dev.forgebus.common.emit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import dev.forgebus.common.event.DeliveryNames;
import dev.forgebus.common.event.Json;
import dev.forgebus.common.kafka.TopicNames;

class EmittedEventsTest {
    private static final TopicNames TOPICS = new TopicNames("fb");
    private static final Instant NOW = Instant.parse("2026-11-30T10:00:00Z");

    @Test
    void the_delivery_id_is_a_function_of_module_source_delivery_and_key() {
        assertThat(EmittedEvents.deliveryId("release", "d-42", "release:v1.2.0")).isEqualTo("emit:release:d-42:release:v1.2.0");
        assertThat(EmittedEvents.deliveryId("release", "d-42", "release:v1.2.0"))
                .isEqualTo(EmittedEvents.deliveryId("release", "d-42", "release:v1.2.0"))
                .isNotEqualTo(EmittedEvents.deliveryId("mirror", "d-42", "release:v1.2.0"));
    }

    @Test
    void a_delivery_id_that_would_be_too_long_is_hashed_and_stays_a_valid_delivery_id() {
        String longSource = "m".repeat(200);
        String id = EmittedEvents.deliveryId("dependency-triggers", longSource, "k".repeat(100));
        assertThat(id).startsWith("emit-sha256:dependency-triggers:").hasSizeLessThanOrEqualTo(DeliveryNames.MAX_DELIVERY_ID);
        assertThat(DeliveryNames.isDeliveryId(id)).isTrue();
        assertThat(EmittedEvents.deliveryId("dependency-triggers", longSource, "k".repeat(99))).isNotEqualTo(id);
    }

    @Test
    void a_notification_record_carries_the_raw_headers_under_the_reserved_forge_and_its_source_forge_in_the_value() throws Exception {
        Notification n = Notification.of("release:v1.2.0", "release", "v1.2.0 released", "MyOrg/app v1.2.0")
                .withLink("https://github.example/MyOrg/app/releases/v1.2.0");
        ProducerRecord<String, byte[]> r = EmittedEvents.notificationRecord(TOPICS, "release", "d-42", "github", "MyOrg", "app", n, NOW);

        assertThat(r.topic()).isEqualTo("fb.raw");
        assertThat(r.key()).isEqualTo("forgebus/MyOrg/app");
        assertThat(header(r, "fb.forge")).isEqualTo("forgebus");
        assertThat(header(r, "fb.delivery-id")).isEqualTo("emit:release:d-42:release:v1.2.0");
        assertThat(header(r, "fb.event")).isEqualTo("notification");
        assertThat(header(r, "fb.action")).isEqualTo("release");
        assertThat(header(r, "fb.owner")).isEqualTo("MyOrg");
        assertThat(header(r, "fb.repo")).isEqualTo("app");
        var payload = Json.MAPPER.readTree(r.value());
        assertThat(payload.path("forge").asText()).isEqualTo("github");
        assertThat(payload.path("module").asText()).isEqualTo("release");
        assertThat(Notification.fromPayload(payload)).isEqualTo(n);
    }

    @Test
    void oversized_or_unprintable_notification_fields_are_refused() {
        assertThatThrownBy(() -> Notification.of("k", "release", "t".repeat(201), ""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("title has 201 characters; at most 200");
        assertThatThrownBy(() -> Notification.of("k", "release", "t", "x".repeat(4001)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("text has 4001 characters");
        assertThatThrownBy(() -> Notification.of("k", "release", "line\nbreak", ""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("title contains a control character");
        assertThatThrownBy(() -> Notification.of("k", "release", "t", "bell\u0007"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("control character");
        assertThatThrownBy(() -> Notification.of("k", "release", "t", "half \uD800 pair"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unpaired surrogate");
        assertThatThrownBy(() -> Notification.of("k/../x", "release", "t", ""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("key");
        assertThatThrownBy(() -> Notification.of("k", "Release!", "t", ""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("kind");
        assertThatThrownBy(() -> Notification.of("k", "release", "t", "").withLink("javascript:alert(1)"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("http(s)");
        assertThatThrownBy(() -> Notification.of("k", "release", "t", "").withLink("https://user:pw@host/x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no user info");
        assertThat(Notification.of("k", "mirror_drift", "Drift on main", "line one\nline two\ttabbed").text()).contains("\n");
    }

    @Test
    void a_notification_record_for_a_name_outside_the_delivery_rules_is_refused() {
        Notification n = Notification.of("k", "release", "t", "");
        assertThatThrownBy(() -> EmittedEvents.notificationRecord(TOPICS, "release", "d-1", "github", "My Org", "app", n, NOW))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EmittedEvents.notificationRecord(TOPICS, "Not A_Module", "d-1", "github", "MyOrg", "app", n, NOW))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> EmittedEvents.notificationRecord(TOPICS, "release", "d-1", "github", "", "app", n, NOW))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static String header(ProducerRecord<String, byte[]> r, String name) {
        return new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
