package dev.forgebus.common.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class StrictUtf8Test {

    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    @Test
    void well_formed_text_and_escapes_pass() {
        assertThat(StrictUtf8.problem("{\"t\":\"caf\u00e9 \u2603 \uD83D\uDE00 \\ud83d\\ude00 \\\\ud800 \\n\"}".getBytes(StandardCharsets.UTF_8)))
                .isEmpty();
    }

    @Test
    void lone_surrogate_escapes_are_found() {
        assertThat(StrictUtf8.problem("\"\\ud800\"".getBytes(StandardCharsets.UTF_8))).isPresent();
        assertThat(StrictUtf8.problem("\"\\uDC00\"".getBytes(StandardCharsets.UTF_8))).isPresent();
        assertThat(StrictUtf8.problem("\"\\ud800\\u0041\"".getBytes(StandardCharsets.UTF_8))).isPresent();
        assertThat(StrictUtf8.problem("\"\\ud800".getBytes(StandardCharsets.UTF_8))).isPresent();
    }

    @Test
    void a_problem_is_found_at_every_offset_of_the_eight_byte_fast_path() {
        for (int prefix = 0; prefix < 17; prefix++) {
            String pad = "a".repeat(prefix);
            assertThat(StrictUtf8.problem(("\"" + pad + "\\ud800" + pad + "\"").getBytes(StandardCharsets.UTF_8))).as("escape after %d", prefix)
                    .isPresent();
            byte[] invalid = (pad + "xx" + pad).getBytes(StandardCharsets.UTF_8);
            invalid[prefix] = (byte) 0xC0;
            assertThat(StrictUtf8.problem(invalid)).as("invalid byte after %d", prefix).isPresent();
            assertThat(StrictUtf8.problem((pad + "\\\\" + pad).getBytes(StandardCharsets.UTF_8))).as("escaped backslash").isEmpty();
        }
    }

    @Test
    void malformed_utf8_is_found() {
        assertThat(StrictUtf8.problem(bytes(0xC0, 0x80))).as("overlong NUL").isPresent();
        assertThat(StrictUtf8.problem(bytes(0xED, 0xA0, 0x80))).as("encoded surrogate").isPresent();
        assertThat(StrictUtf8.problem(bytes(0xF4, 0x90, 0x80, 0x80))).as("above U+10FFFF").isPresent();
        assertThat(StrictUtf8.problem(bytes(0xE2, 0x98))).as("truncated").isPresent();
        assertThat(StrictUtf8.problem(bytes(0x80))).as("stray continuation").isPresent();
        assertThat(StrictUtf8.problem(bytes(0xF0, 0x9F, 0x98, 0x80))).as("emoji").isEmpty();
    }
}
