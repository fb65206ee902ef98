package dev.forgebus.workers.release;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** SemVer 2.0.0: what makes a release a pre-release, and finding a version in a pull request title. */
class SemVerTest {

    @Test
    void a_pre_release_part_makes_a_pre_release_and_build_metadata_does_not() {
        assertThat(SemVer.parse("v1.2.0-rc.1")).hasValueSatisfying(v -> {
            assertThat(v.text()).isEqualTo("1.2.0-rc.1");
            assertThat(v.isPreRelease()).isTrue();
        });
        assertThat(SemVer.parse("1.2.0-alpha")).hasValueSatisfying(v -> assertThat(v.preRelease()).isEqualTo("alpha"));
        assertThat(SemVer.parse("1.2.0+build.5")).hasValueSatisfying(v -> assertThat(v.isPreRelease()).isFalse());
        assertThat(SemVer.parse("1.2.0")).hasValueSatisfying(v -> assertThat(v.isPreRelease()).isFalse());
    }

    @Test
    void tags_that_are_not_semver_are_not_versions() {
        assertThat(SemVer.parse("v1.2")).isEmpty();
        assertThat(SemVer.parse("01.2.3")).isEmpty();
        assertThat(SemVer.parse("1.2.3-")).isEmpty();
        assertThat(SemVer.parse("1.2.3-01")).as("numeric identifiers have no leading zero").isEmpty();
        assertThat(SemVer.parse("nightly-2026-01-01")).isEmpty();
        assertThat(SemVer.parse("")).isEmpty();
    }

    @Test
    void a_version_is_found_in_a_pull_request_title_only_as_its_own_word() {
        assertThat(SemVer.find("Release 1.4.0")).hasValueSatisfying(v -> assertThat(v.text()).isEqualTo("1.4.0"));
        assertThat(SemVer.find("chore: bump to v2.0.0-rc.1.")).hasValueSatisfying(v -> assertThat(v.text()).isEqualTo("2.0.0-rc.1"));
        assertThat(SemVer.find("lib-1.2.3")).isEmpty();
        assertThat(SemVer.find("Update docs for 1.2.3.4")).isEmpty();
        assertThat(SemVer.find("Fix typo")).isEmpty();
    }

    @Test
    void a_tag_names_a_semver_whole_or_as_its_last_part() {
        assertThat(SemVer.inTag("v1.2.0-beta.2")).hasValueSatisfying(v -> assertThat(v.isPreRelease()).isTrue());
        assertThat(SemVer.inTag("lib-2.0.0-rc.1")).hasValueSatisfying(v -> assertThat(v.text()).isEqualTo("2.0.0-rc.1"));
        assertThat(SemVer.inTag("pkg@1.0.0")).hasValueSatisfying(v -> assertThat(v.text()).isEqualTo("1.0.0"));
        assertThat(SemVer.inTag("release-candidate")).isEmpty();
        assertThat(SemVer.inTag("v1.2")).isEmpty();
    }
}
