package dev.forgebus.common.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import org.junit.jupiter.api.Test;

/** A rejection record stays small and printable whatever the sender put in the path and headers. */
class RejectionTest {

    @Test
    void hostile_header_and_path_texts_are_cut_and_reduced_to_a_safe_alphabet() {
        Rejection r = new Rejection(Instant.parse("2026-03-01T12:00:00Z"), "gh\n<script>" + "x".repeat(500), "bad_signature", 401,
                "::1", "id\r\nX-Injected: 1" + "y".repeat(10_000), "issues\u0000");

        assertThat(r.forge()).hasSize(Rejection.MAX_FIELD).startsWith("gh??script?").doesNotContain("\n");
        assertThat(r.delivery()).hasSize(Rejection.MAX_DELIVERY).startsWith("id??X-Injected:?1").doesNotContain("\r");
        assertThat(r.event()).isEqualTo("issues?");
        assertThat(r.source()).isEqualTo("::1");
        assertThat(r.toJson().length).isLessThan(600);
    }

    @Test
    void a_record_round_trips_through_json_with_exactly_its_seven_fields() {
        Rejection r = new Rejection(Instant.parse("2026-03-01T12:00:00Z"), "github", "too_large", 413, "10.0.0.7", "", null);

        String json = new String(r.toJson(), StandardCharsets.UTF_8);

        assertThat(Rejection.fromJson(r.toJson())).isEqualTo(r);
        assertThat(json).isEqualTo("{\"time\":\"2026-03-01T12:00:00Z\",\"forge\":\"github\",\"reason\":\"too_large\",\"status\":413,"
                + "\"source\":\"10.0.0.7\",\"delivery\":\"\",\"event\":\"\"}");
        assertThat(r.deliveryId()).isEmpty();
    }
}
