package dev.forgebus.workers.release;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** tag_pattern is fnmatch (Python's fnmatchcase): the cases release tags meet. */
class TagPatternTest {

    @Test
    void a_star_matches_any_run_of_characters_slashes_included() {
        assertThat(TagPattern.of("v*").matches("v1.2.0")).isTrue();
        assertThat(TagPattern.of("v*").matches("v")).isTrue();
        assertThat(TagPattern.of("v*").matches("1.2.0")).isFalse();
        assertThat(TagPattern.of("release/*").matches("release/1.2/final")).isTrue();
        assertThat(TagPattern.of("*").matches("anything at all")).isTrue();
    }

    @Test
    void a_question_mark_is_exactly_one_character() {
        assertThat(TagPattern.of("v?.0").matches("v1.0")).isTrue();
        assertThat(TagPattern.of("v?.0").matches("v10.0")).isFalse();
    }

    @Test
    void classes_ranges_and_negation_work_and_an_unclosed_bracket_is_literal() {
        assertThat(TagPattern.of("v[0-9]*").matches("v2.0.0")).isTrue();
        assertThat(TagPattern.of("v[0-9]*").matches("vx")).isFalse();
        assertThat(TagPattern.of("v[!0-9]*").matches("vx")).isTrue();
        assertThat(TagPattern.of("v[!0-9]*").matches("v2")).isFalse();
        assertThat(TagPattern.of("[]]x").matches("]x")).isTrue();
        assertThat(TagPattern.of("v[1").matches("v[1")).isTrue();
        assertThat(TagPattern.of("v[1").matches("v1")).isFalse();
    }

    @Test
    void regex_characters_are_literal_and_matching_is_case_sensitive() {
        assertThat(TagPattern.of("v1.2.0").matches("v1x2x0")).isFalse();
        assertThat(TagPattern.of("lib-(core)+*").matches("lib-(core)+1.0")).isTrue();
        assertThat(TagPattern.of("v*").matches("V1.0.0")).isFalse();
        assertThat(TagPattern.of("[\\d]").matches("5")).as("no regex escapes inside a class").isFalse();
    }

    @Test
    void odd_tags_are_matched_without_a_crash() {
        assertThat(TagPattern.of("v*").matches("v1.0.0\u0000")).isTrue();
        assertThat(TagPattern.of("*-nightly").matches("2026-01-01-nightly")).isTrue();
        assertThat(TagPattern.of("v*").matches("v" + "9".repeat(10_000))).isTrue();
    }
}
