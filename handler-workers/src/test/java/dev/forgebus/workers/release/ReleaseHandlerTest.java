package dev.forgebus.workers.release;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;

import org.junit.jupiter.api.Test;

/** The handler's pure parts: which version a tag names, which tag a version gets, notification keys. */
class ReleaseHandlerTest {

    @Test
    void a_tag_names_the_version_of_its_section_or_the_semver_inside_it() {
        Optional<Changelog> changelog = Optional.of(Changelog.parse("## [1.2.0]\n- a\n"));

        assertThat(ReleaseHandler.versionOf("v1.2.0", changelog)).isEqualTo("1.2.0");
        assertThat(ReleaseHandler.versionOf("lib-2.0.0-rc.1", Optional.empty())).isEqualTo("2.0.0-rc.1");
        assertThat(ReleaseHandler.versionOf("nightly", Optional.empty())).isEqualTo("nightly");
    }

    @Test
    void a_merged_version_is_tagged_as_the_pattern_wants() {
        assertThat(ReleaseHandler.tagFor("1.2.0", "v*")).isEqualTo("v1.2.0");
        assertThat(ReleaseHandler.tagFor("v1.2.0", "[0-9]*")).isEqualTo("1.2.0");
        assertThat(ReleaseHandler.tagFor("1.2.0", "*")).isEqualTo("1.2.0");
    }

    @Test
    void a_notification_key_is_made_of_allowed_characters_and_bounded() {
        assertThat(ReleaseHandler.notificationKey("release/1.0 x")).isEqualTo("release:release-1.0-x");
        assertThat(ReleaseHandler.notificationKey("v" + "1".repeat(300))).hasSize(100);
    }
}
