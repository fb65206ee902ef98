package dev.forgebus.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;

import org.junit.jupiter.api.Test;

import dev.forgebus.broker.SharedTestBroker;

/** A 20 MB delivery, under GitHub's 25 MiB cap, travels end to end byte for byte. */
class LargeDeliveryTest {

    @Test
    void a_20_MB_delivery_is_accepted_and_stored_unchanged() {
        try (TestGateway gateway = new TestGateway(SharedTestBroker.bootstrapServers(), """
                forges:
                  gh: { type: github, api_url: "http://127.0.0.1:1", webhook_secret: big-secret }
                """, 26_214_400, Duration.ofSeconds(10))) {
            byte[] body = largePayload(20 * 1000 * 1000);
            var headers = TestGateway.githubHeaders("push", Signing.github("big-secret", body));

            var response = gateway.post("/webhooks/gh", headers, body);

            assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
            var record = gateway.awaitRaw(headers.get("X-GitHub-Delivery"), Duration.ofSeconds(60));
            assertThat(record).isNotNull();
            assertThat(record.value()).hasSize(body.length).isEqualTo(body);
            assertThat(record.key()).isEqualTo("gh/BigOrg/monorepo");
        }
    }

    /** A push payload whose commit list is mostly incompressible text, as a huge push can be. */
    static byte[] largePayload(int size) {
        String head = "{\"ref\":\"refs/heads/main\",\"repository\":{\"name\":\"monorepo\",\"owner\":{\"login\":\"BigOrg\"}},\"filler\":\"";
        String tail = "\"}";
        StringBuilder sb = new StringBuilder(size);
        sb.append(head);
        Random random = new Random(42);
        String alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        while (sb.length() < size - tail.length()) {
            sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        sb.append(tail);
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }
}
