package dev.forgebus.workers.mirror;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.forgebus.common.config.RepoRef;
import dev.forgebus.common.event.Json;

class MirrorComparisonTest {
    private static final String A = "a".repeat(40);
    private static final String B = "b".repeat(40);
    private static final String C = "c".repeat(40);

    @Test
    void a_branch_push_names_the_branch_and_the_pushed_head() throws Exception {
        Optional<PushedRef> ref = PushedRef.of(payload("refs/heads/release/1.x", A, false));

        assertThat(ref).contains(new PushedRef(PushedRef.Kind.BRANCH, "release/1.x", Optional.of(A)));
    }

    @Test
    void a_tag_push_names_the_tag() throws Exception {
        assertThat(PushedRef.of(payload("refs/tags/v1.0.0", A, false)))
                .contains(new PushedRef(PushedRef.Kind.TAG, "v1.0.0", Optional.of(A)));
    }

    @Test
    void a_deletion_has_no_pushed_head_whether_flagged_or_zeroed() throws Exception {
        assertThat(PushedRef.of(payload("refs/heads/gone", "0".repeat(40), false)).orElseThrow().pushedSha()).isEmpty();
        assertThat(PushedRef.of(payload("refs/heads/gone", A, true)).orElseThrow().pushedSha()).isEmpty();
    }

    @Test
    void a_push_of_another_kind_of_ref_is_nothing_to_compare() throws Exception {
        assertThat(PushedRef.of(payload("refs/notes/commits", A, false))).isEmpty();
        assertThat(PushedRef.of(payload("refs/heads/", A, false))).isEmpty();
        assertThat(PushedRef.of(Json.MAPPER.readTree("{}"))).isEmpty();
    }

    @Test
    void equal_heads_are_in_sync_and_different_ones_are_not() {
        PushedRef main = new PushedRef(PushedRef.Kind.BRANCH, "main", Optional.of(A));

        assertThat(new MirrorComparison(main, Optional.of(A), Optional.of(A)).inSync()).isTrue();
        assertThat(new MirrorComparison(main, Optional.of(A), Optional.of(B)).inSync()).isFalse();
        assertThat(new MirrorComparison(main, Optional.of(A), Optional.empty()).inSync()).isFalse();
    }

    @Test
    void a_mirror_at_the_pushed_head_is_in_sync_although_the_primary_moved_on() {
        PushedRef main = new PushedRef(PushedRef.Kind.BRANCH, "main", Optional.of(A));

        assertThat(new MirrorComparison(main, Optional.of(C), Optional.of(A)).inSync()).isTrue();
    }

    @Test
    void a_deleted_ref_is_in_sync_once_the_mirror_lost_it_too() {
        PushedRef gone = new PushedRef(PushedRef.Kind.BRANCH, "gone", Optional.empty());

        assertThat(new MirrorComparison(gone, Optional.empty(), Optional.empty()).inSync()).isTrue();
        assertThat(new MirrorComparison(gone, Optional.empty(), Optional.of(B)).inSync()).isFalse();
    }

    @Test
    void the_comparison_shows_both_full_shas() {
        PushedRef main = new PushedRef(PushedRef.Kind.BRANCH, "main", Optional.of(A));

        assertThat(new MirrorComparison(main, Optional.of(A), Optional.empty()).shown())
                .isEqualTo("branch main: primary " + A + ", mirror none");
    }

    @Test
    void the_marker_key_is_readable_for_plain_names_and_hashed_for_long_or_non_ascii_ones() {
        RepoRef repo = new RepoRef("github", "MyOrg", "lib");

        assertThat(MirrorComparison.markerKey(repo, new PushedRef(PushedRef.Kind.TAG, "v1", Optional.of(A))))
                .isEqualTo("drift/github:MyOrg/lib/tag/v1");
        String odd = MirrorComparison.markerKey(repo, new PushedRef(PushedRef.Kind.BRANCH, "fix-ü " + "x".repeat(300), Optional.of(A)));
        assertThat(odd).matches("drift/sha256/[0-9a-f]{64}");
        assertThat(MirrorComparison.markerKey(repo, new PushedRef(PushedRef.Kind.BRANCH, "fix-ü", Optional.of(A)))).isNotEqualTo(odd);
    }

    private static JsonNode payload(String ref, String after, boolean deleted) throws Exception {
        return Json.MAPPER.createObjectNode().put("ref", ref).put("after", after).put("deleted", deleted);
    }
}
