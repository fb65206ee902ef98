package dev.forgebus.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.forgebus.broker.SharedTestBroker;

/**
 * The gateway reads the config in force once per request (issue 10): a reloaded file changes
 * secrets, org secrets and forges for the next delivery, without a restart.
 */
class LiveConfigGatewayTest {
    private static final byte[] BODY = ("{\"action\":\"opened\",\"issue\":{\"number\":1,\"title\":\"t\"},"
            + "\"repository\":{\"name\":\"r\",\"owner\":{\"login\":\"MyOrg\"}},\"sender\":{\"login\":\"octocat\"}}")
            .getBytes(StandardCharsets.UTF_8);

    private TestGateway gateway;

    @BeforeEach
    void start() {
        gateway = new TestGateway(SharedTestBroker.bootstrapServers(), forges("secret-a-0001") + "orgs: {}\n",
                4 * 1024 * 1024, Duration.ofSeconds(5));
    }

    @AfterEach
    void stop() {
        gateway.close();
    }

    private static String forges(String secret) {
        return "forges:\n  gh: { type: github, api_url: \"http://127.0.0.1:1\", webhook_secret: " + secret + " }\n";
    }

    private int post(String path, String secret) {
        return gateway.post(path, TestGateway.githubHeaders("issues", Signing.github(secret, BODY)), BODY).statusCode();
    }

    @Test
    void a_rotated_forge_secret_refuses_the_old_one_and_accepts_the_new_one_on_the_next_request() throws Exception {
        assertThat(post("/webhooks/gh", "secret-a-0001")).isEqualTo(202);

        gateway.reload(forges("secret-b-0002") + "orgs: {}\n");

        assertThat(post("/webhooks/gh", "secret-a-0001")).isEqualTo(401);
        assertThat(post("/webhooks/gh", "secret-b-0002")).isEqualTo(202);
    }

    @Test
    void an_org_secret_added_by_a_reload_becomes_the_only_one_for_that_org() throws Exception {
        assertThat(post("/webhooks/gh/MyOrg", "secret-a-0001")).isEqualTo(202);

        gateway.reload(forges("secret-a-0001") + "orgs:\n  MyOrg: { forge: gh, webhook_secret: org-secret-0003 }\n");

        assertThat(post("/webhooks/gh/MyOrg", "secret-a-0001")).isEqualTo(401);
        assertThat(post("/webhooks/gh/MyOrg", "org-secret-0003")).isEqualTo(202);
    }

    @Test
    void a_forge_added_by_a_reload_receives_webhooks_and_a_removed_one_no_longer_does() throws Exception {
        assertThat(post("/webhooks/codeberg", "cb-secret-0004")).isEqualTo(404);

        gateway.reload("forges:\n  codeberg: { type: forgejo, api_url: \"http://127.0.0.1:1\", webhook_secret: cb-secret-0004 }\n"
                + "orgs: {}\n");

        byte[] body = BODY;
        var headers = new java.util.HashMap<String, String>();
        headers.put("Content-Type", "application/json");
        headers.put("X-Forgejo-Event", "issues");
        headers.put("X-Forgejo-Delivery", java.util.UUID.randomUUID().toString());
        headers.put("X-Forgejo-Signature", Signing.gitea("cb-secret-0004", body));
        assertThat(gateway.post("/webhooks/codeberg", headers, body).statusCode()).isEqualTo(202);
        assertThat(post("/webhooks/gh", "secret-a-0001")).isEqualTo(404);
    }
}
