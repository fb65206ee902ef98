package dev.forgebus.dedup;

import static dev.forgebus.dedup.Deliveries.envelope;
import static dev.forgebus.dedup.Deliveries.issue;
import static dev.forgebus.dedup.Deliveries.pullRequest;
import static dev.forgebus.dedup.Deliveries.push;
import static dev.forgebus.dedup.Deliveries.release;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import dev.forgebus.common.config.ForgebusConfig;
import dev.forgebus.common.event.EventEnvelope;
import dev.forgebus.common.event.RouteDecision;

/** The trigger table and the reasons the trace shows. */
class RouterTest {

    private static final ForgebusConfig CONFIG = Deliveries.config("fbtest");

    @Test
    void decides_every_event_driven_module_in_a_fixed_order() {
        List<RouteDecision> decisions = Router.decide(CONFIG, envelope("gh", "issues", issue("opened", "MyOrg", "app", "t")));

        assertThat(decisions).extracting(RouteDecision::module)
                .containsExactly("triage", "stale", "dependency-triggers", "release", "auto-merge", "mirror"); // catalog (SPEC 7) order
    }

    @Test
    void an_opened_issue_goes_to_triage_with_the_trigger_as_reason() {
        Map<String, RouteDecision> d = decide("gh", "issues", issue("opened", "MyOrg", "app", "crash"));

        assertThat(d.get("triage")).isEqualTo(new RouteDecision("triage", true, "trigger (issues.opened)"));
        assertThat(d.get("auto-merge").reason()).isEqualTo("event not a trigger (issues.opened)");
        assertThat(d.get("release").reason()).isEqualTo(Router.MODULE_NOT_CONFIGURED);
    }

    @Test
    void reasons_for_not_routing_read_as_the_trace_shows_them() {
        assertThat(decide("gh", "issues", issue("opened", "MyOrg", "quiet", "t")).get("triage").reason())
                .isEqualTo("module disabled");
        assertThat(decide("gh", "issues", issue("closed", "MyOrg", "app", "t")).get("triage").reason())
                .isEqualTo("event not a trigger (issues.closed)");
        assertThat(decide("gh", "issues", issue("opened", "Stranger", "x", "t")).values())
                .allSatisfy(r -> assertThat(r).extracting(RouteDecision::routed, RouteDecision::reason)
                        .containsExactly(false, "repository not configured"));
        assertThat(decide("cb", "issues", issue("opened", "MyOrg", "app", "t")).get("triage").reason())
                .as("an org of the same name on another forge is another org")
                .isEqualTo("repository not configured");
    }

    @Test
    void release_with_trigger_both_fires_on_a_tag_push_and_on_a_merged_pull_request_only() {
        assertThat(routed("gh", "push", push("refs/tags/v1.2.0", "MyOrg", "lib", false))).contains("release");
        assertThat(routed("gh", "pull_request", pullRequest("closed", "MyOrg", "lib", true))).contains("release");

        assertThat(routed("gh", "push", push("refs/heads/main", "MyOrg", "lib", false))).doesNotContain("release");
        assertThat(routed("gh", "push", push("refs/tags/v1.2.0", "MyOrg", "lib", true)))
                .as("deleting a tag is not releasing it").doesNotContain("release");
        assertThat(routed("gh", "pull_request", pullRequest("closed", "MyOrg", "lib", false)))
                .as("closed without merging").doesNotContain("release");
    }

    @Test
    void a_tags_create_event_starts_a_release_but_never_a_dependency_dispatch() {
        // GitHub sends no push for a tag when more than three are pushed at once: create is then the only sign.
        // The release handler makes a tag's push and create one release; a dispatch cannot be undone, so
        // dependency triggers (lib has on: release, tools on: tag_push) keep to the push alone.
        assertThat(routed("gh", "create", Deliveries.create("tag", "v1.2.0", "MyOrg", "lib"))).containsExactly("release");
        assertThat(routed("gh", "create", Deliveries.create("tag", "v2", "MyOrg", "tools"))).isEmpty();
        assertThat(routed("gh", "create", Deliveries.create("branch", "feature", "MyOrg", "lib")))
                .as("a branch's create is not a tag").isEmpty();
    }

    @Test
    void auto_merge_is_re_evaluated_on_labels_syncs_reviews_and_checks_of_every_forge_dialect() {
        for (String[] eventAction : new String[][] {{"pull_request", "labeled"}, {"pull_request", "synchronize"},
                {"pull_request", "ready_for_review"}, {"pull_request_review", "submitted"}, {"check_run", "completed"},
                {"check_suite", "completed"}, {"status", ""}, {"pull_request_label", "label_updated"},
                {"pull_request_sync", "synchronized"}, {"pull_request_review_approved", "reviewed"}}) {
            assertThat(routed("gh", eventAction[0], pullRequest(eventAction[1], "MyOrg", "app", false)))
                    .as(String.join(".", eventAction)).contains("auto-merge");
        }
        assertThat(routed("gh", "pull_request", pullRequest("closed", "MyOrg", "app", true))).doesNotContain("auto-merge");
        assertThat(routed("gh", "pull_request", pullRequest("unlabeled", "MyOrg", "app", false))).doesNotContain("auto-merge");
    }

    @Test
    void triage_takes_opened_pull_requests_and_edits_of_the_title_too() {
        assertThat(routed("gh", "pull_request", pullRequest("opened", "MyOrg", "app", false))).contains("triage", "auto-merge");
        byte[] retitled = new String(pullRequest("edited", "MyOrg", "app", false), java.nio.charset.StandardCharsets.UTF_8)
                .replace("\"action\":\"edited\",", "\"action\":\"edited\",\"changes\":{\"title\":{\"from\":\"Old\"}},")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(routed("gh", "pull_request", retitled)).contains("triage", "auto-merge");
    }

    @Test
    void an_edit_of_the_body_alone_is_not_a_triage_trigger_so_a_label_removed_by_hand_stays_removed() {
        byte[] bodyEdit = new String(issue("edited", "MyOrg", "app", "App crash"), java.nio.charset.StandardCharsets.UTF_8)
                .replace("\"action\":\"edited\",", "\"action\":\"edited\",\"changes\":{\"body\":{\"from\":\"old\"}},")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(decide("gh", "issues", bodyEdit).get("triage").reason())
                .isEqualTo("event not a trigger (issues.edited; the title did not change)");
    }

    @Test
    void dependency_triggers_fire_on_a_published_release_or_on_a_tag_push_as_configured() {
        assertThat(routed("gh", "release", release("published", "MyOrg", "lib"))).containsExactly("dependency-triggers");
        assertThat(routed("gh", "release", release("created", "MyOrg", "lib"))).isEmpty();
        assertThat(routed("gh", "push", push("refs/tags/v2", "MyOrg", "tools", false))).containsExactly("dependency-triggers");
        assertThat(decide("gh", "release", release("published", "MyOrg", "tools")).get("dependency-triggers").reason())
                .isEqualTo("event not a trigger (release.published)");
    }

    @Test
    void mirror_checks_run_on_pushes_to_the_primary_even_when_it_is_on_another_forge() {
        // lib: primary on the org's own forge gh.
        assertThat(routed("gh", "push", push("refs/heads/main", "MyOrg", "lib", false))).containsExactly("mirror");

        // tools: the org is on gh, the primary on cb; a push to cb:MyOrg/tools is a push to the primary.
        Map<String, RouteDecision> onPrimary = decide("cb", "push", push("refs/heads/main", "MyOrg", "tools", false));
        assertThat(onPrimary.get("mirror").routed()).isTrue();
        assertThat(onPrimary.get("triage").reason()).isEqualTo("repository not configured");

        // a push to the copy on gh is not.
        assertThat(decide("gh", "push", push("refs/heads/main", "MyOrg", "tools", false)).get("mirror").reason())
                .isEqualTo("event not a trigger (push to a copy; the primary is on cb)");
    }

    private static Map<String, RouteDecision> decide(String forge, String event, byte[] payload) {
        EventEnvelope e = envelope(forge, event, payload);
        return Router.decide(CONFIG, e).stream().collect(Collectors.toMap(RouteDecision::module, r -> r));
    }

    private static List<String> routed(String forge, String event, byte[] payload) {
        return Router.decide(CONFIG, envelope(forge, event, payload)).stream()
                .filter(RouteDecision::routed).map(RouteDecision::module).toList();
    }
}
