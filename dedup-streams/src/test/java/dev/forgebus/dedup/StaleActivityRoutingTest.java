package dev.forgebus.dedup;

import static dev.forgebus.dedup.Deliveries.envelope;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import dev.forgebus.common.config.ConfigLoader;
import dev.forgebus.common.config.ForgebusConfig;
import dev.forgebus.common.event.RouteDecision;

/** Stale cleanup also takes activity webhooks on stale-labelled items (SPEC 7.3 "activity after marking removes the label"). */
class StaleActivityRoutingTest {

    private static ForgebusConfig config() throws Exception {
        return ConfigLoader.parse("""
                forges:
                  gh: { type: github, webhook_secret: test-secret }
                orgs:
                  MyOrg:
                    forge: gh
                    stale_management: { stale_label: Stale }
                    repositories:
                      app: {}
                      off:
                        stale_management: { enabled: false }
                """, "test.yml", name -> null);
    }

    private static byte[] comment(String repo, String body, String labels) {
        return """
                {"action":"created","issue":{"number":7,"labels":[%s]},"comment":{"id":1,"body":"%s"},
                 "repository":{"name":"%s","owner":{"login":"MyOrg"}},"sender":{"login":"octocat"}}"""
                .formatted(labels, body, repo).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] pull(String action, String labels) {
        return """
                {"action":"%s","number":3,"pull_request":{"number":3,"labels":[%s]},
                 "repository":{"name":"app","owner":{"login":"MyOrg"}},"sender":{"login":"octocat"}}"""
                .formatted(action, labels).getBytes(StandardCharsets.UTF_8);
    }

    private static RouteDecision stale(String event, byte[] payload) throws Exception {
        return Router.decide(config(), envelope("gh", event, payload)).stream()
                .filter(d -> d.module().equals("stale")).findFirst().orElseThrow();
    }

    @Test
    void a_comment_on_a_stale_labelled_issue_goes_to_stale() throws Exception {
        assertThat(stale("issue_comment", comment("app", "Still happens", "{\"name\":\"stale\"}")))
                .isEqualTo(new RouteDecision("stale", true, "trigger (issue_comment.created)"));
    }

    @Test
    void a_push_to_a_stale_labelled_pull_request_goes_to_stale() throws Exception {
        assertThat(stale("pull_request", pull("synchronize", "{\"name\":\"STALE\"}")).routed()).isTrue();
    }

    @Test
    void forgebus_s_own_comments_unlabelled_items_other_actions_and_disabled_repositories_do_not() throws Exception {
        assertThat(stale("issue_comment", comment("app", "Going stale.\\n\\n<!-- forgebus:stale -->", "{\"name\":\"stale\"}")).reason())
                .isEqualTo("event not a trigger (issue_comment.created; Forgebus's own stale comment)");
        assertThat(stale("issue_comment", comment("app", "hello", "{\"name\":\"bug\"}")).reason())
                .isEqualTo("event not a trigger (issue_comment.created; the item is not labelled Stale)");
        assertThat(stale("pull_request", pull("labeled", "{\"name\":\"stale\"}")).routed()).isFalse();
        assertThat(stale("issues", Deliveries.issue("opened", "MyOrg", "app", "t")).routed()).isFalse();
        assertThat(stale("issue_comment", comment("off", "hello", "{\"name\":\"stale\"}")).reason()).isEqualTo(Router.MODULE_DISABLED);
    }
}
