package dev.forgebus.workers.release;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;

import org.junit.jupiter.api.Test;

/** The release body: the section, a cut one with its marker and link, or a "no notes" body with a note. */
class ReleaseNotesTest {

    private static final Optional<String> LINK = Optional.of("https://github.com/MyOrg/lib/blob/v1.0.0/CHANGELOG.md");

    @Test
    void a_section_over_125000_characters_is_cut_with_a_marker_and_a_link_to_the_file_at_the_tag() {
        Changelog changelog = Changelog.parse("## 1.0.0\n" + "- line of notes\n".repeat(20_000));

        ReleaseNotes notes = ReleaseNotes.of(Optional.of(changelog), "1.0.0", "CHANGELOG.md", "v1.0.0", LINK);

        assertThat(notes.body()).hasSize(ReleaseNotes.MAX_BODY).startsWith("- line of notes")
                .endsWith("[CHANGELOG.md](https://github.com/MyOrg/lib/blob/v1.0.0/CHANGELOG.md).*");
        assertThat(notes.note()).contains("cut from 319999 to 125000");
    }

    @Test
    void a_missing_section_gives_a_no_notes_body_and_a_note_not_a_failure() {
        ReleaseNotes notes = ReleaseNotes.of(Optional.of(Changelog.parse("## 0.9.0\n- old\n")), "1.0.0", "CHANGELOG.md",
                "v1.0.0", LINK);

        assertThat(notes.body()).isEqualTo("No release notes for 1.0.0: no section for 1.0.0 in CHANGELOG.md at v1.0.0.");
        assertThat(notes.note()).isEqualTo("no notes: no section for 1.0.0 in CHANGELOG.md");
    }

    @Test
    void a_missing_file_gives_a_no_notes_body_naming_the_file() {
        ReleaseNotes notes = ReleaseNotes.of(Optional.empty(), "1.0.0", "docs/CHANGES.md", "v1.0.0", LINK);

        assertThat(notes.body()).contains("docs/CHANGES.md does not exist at v1.0.0");
        assertThat(notes.note()).isEqualTo("no notes: docs/CHANGES.md not found at v1.0.0");
    }

    @Test
    void the_file_link_has_each_forges_shape_and_odd_tags_are_encoded() {
        assertThat(ReleaseNotes.fileLink("github", "https://github.com/MyOrg/lib", "v1.0.0", "CHANGELOG.md"))
                .contains("https://github.com/MyOrg/lib/blob/v1.0.0/CHANGELOG.md");
        assertThat(ReleaseNotes.fileLink("forgejo", "https://codeberg.org/MyOrg/lib/", "release/1.0 #2", "/docs/CHANGES.md"))
                .contains("https://codeberg.org/MyOrg/lib/src/tag/release/1.0%20%232/docs/CHANGES.md");
        assertThat(ReleaseNotes.fileLink("github", "javascript:alert(1)", "v1", "C.md")).isEmpty();
    }
}
