package dev.forgebus.workers.release;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** Real changelog shapes: Keep a Changelog headings, Unreleased, the link footer, CRLF, a BOM, huge files. */
class ChangelogTest {

    private static final String KEEP_A_CHANGELOG = """
            # Changelog
            All notable changes to this project will be documented in this file.

            ## [Unreleased]
            ### Added
            - Something not released yet

            ## [1.2.0] - 2026-01-01
            ### Added
            - New visual identity by [@tylerfortune8](https://github.com/tylerfortune8).

            ### Fixed
            - Crash on start ([#123])

            ## [1.1.0-rc.1] - 2025-12-01
            - Release candidate

            ## [1.0.0] - 2025-11-01
            - First release

            [unreleased]: https://github.com/olivierlacan/keep-a-changelog/compare/v1.2.0...HEAD
            [1.2.0]: https://github.com/olivierlacan/keep-a-changelog/compare/v1.1.0...v1.2.0
            [1.0.0]: https://github.com/olivierlacan/keep-a-changelog/releases/tag/v1.0.0
            """;

    @Test
    void a_bracketed_heading_with_a_date_gives_its_section_without_the_next_one() {
        assertThat(Changelog.parse(KEEP_A_CHANGELOG).section("1.2.0")).hasValueSatisfying(s -> assertThat(s.body())
                .startsWith("### Added\n- New visual identity")
                .endsWith("- Crash on start ([#123])")
                .doesNotContain("Release candidate"));
    }

    @Test
    void unreleased_is_never_a_section_and_the_newest_released_one_comes_first() {
        Changelog changelog = Changelog.parse(KEEP_A_CHANGELOG);

        assertThat(changelog.section("Unreleased")).isEmpty();
        assertThat(changelog.newestReleased()).hasValueSatisfying(s -> assertThat(s.version()).isEqualTo("1.2.0"));
        assertThat(changelog.sections()).extracting(Changelog.Section::version).containsExactly("1.2.0", "1.1.0-rc.1", "1.0.0");
    }

    @Test
    void the_link_reference_footer_is_kept_out_of_the_last_section() {
        assertThat(Changelog.parse(KEEP_A_CHANGELOG).section("v1.0.0"))
                .hasValueSatisfying(s -> assertThat(s.body()).isEqualTo("- First release"));
    }

    @Test
    void plain_and_v_prefixed_headings_name_the_same_versions_as_tags_do() {
        Changelog changelog = Changelog.parse("## 2.0.0\n- two\n\n## v1.9.0 (2025-01-01)\n- one nine\n");

        assertThat(changelog.section("v2.0.0")).hasValueSatisfying(s -> assertThat(s.body()).isEqualTo("- two"));
        assertThat(changelog.section("1.9.0")).hasValueSatisfying(s -> assertThat(s.body()).isEqualTo("- one nine"));
        assertThat(changelog.section("1.9")).isEmpty();
    }

    @Test
    void crlf_line_ends_and_a_utf8_bom_read_like_plain_text() {
        byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
        byte[] text = "## [1.2.0] - 2026-01-01\r\n- Añadido: ✓\r\n\r\n## [1.1.0]\r\n- old\r\n".getBytes(StandardCharsets.UTF_8);
        byte[] file = new byte[bom.length + text.length];
        System.arraycopy(bom, 0, file, 0, bom.length);
        System.arraycopy(text, 0, file, bom.length, text.length);

        assertThat(Changelog.parse(file).section("1.2.0")).hasValueSatisfying(s -> assertThat(s.body()).isEqualTo("- Añadido: ✓"));
    }

    @Test
    void other_level_two_headings_end_a_section_and_level_three_ones_do_not() {
        Changelog changelog = Changelog.parse("## 1.0.0\n### Fixed\n- a\n## Contributors\n- people\n");

        assertThat(changelog.section("1.0.0")).hasValueSatisfying(s -> assertThat(s.body()).isEqualTo("### Fixed\n- a"));
        assertThat(changelog.sections()).hasSize(1);
    }

    @Test
    void a_version_heading_inside_a_code_fence_is_text() {
        Changelog changelog = Changelog.parse("## 1.0.0\n```\n## 0.9.0\n```\n- a\n");

        assertThat(changelog.section("1.0.0")).hasValueSatisfying(s -> assertThat(s.body()).isEqualTo("```\n## 0.9.0\n```\n- a"));
        assertThat(changelog.section("0.9.0")).isEmpty();
    }

    @Test
    void a_ten_megabyte_changelog_is_read_up_to_the_cap_and_says_so() {
        StringBuilder text = new StringBuilder("## [3.0.0] - 2026-02-01\n- newest\n\n## [2.0.0]\n");
        while (text.length() < 10 * 1024 * 1024) {
            text.append("- a very long list of changes, one line after another, é\n");
        }
        text.append("\n## [0.0.1]\n- at the very end\n");

        Changelog changelog = Changelog.parse(text.toString().getBytes(StandardCharsets.UTF_8));

        assertThat(changelog.truncated()).isTrue();
        assertThat(changelog.section("3.0.0")).hasValueSatisfying(s -> assertThat(s.body()).isEqualTo("- newest"));
        assertThat(changelog.section("2.0.0")).hasValueSatisfying(s -> {
            assertThat(s.body().length()).isLessThanOrEqualTo(Changelog.MAX_BYTES);
            assertThat(s.body()).doesNotContain("\uFFFD");
        });
        assertThat(changelog.section("0.0.1")).as("beyond the cap").isEmpty();
    }

    @Test
    void an_empty_file_has_no_sections() {
        assertThat(Changelog.parse(new byte[0]).sections()).isEmpty();
        assertThat(Changelog.parse(new byte[0]).newestReleased()).isEmpty();
    }
}
