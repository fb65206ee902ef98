package dev.forgebus.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.forgebus.broker.EmbeddedKafkaBroker;
import dev.forgebus.broker.SharedTestBroker;

/**
 * With the broker down the gateway answers 503, never 202; after the broker is back every
 * delivery that was answered 202 is on the topic.
 */
class BrokerOutageTest {
    private static final String SECRET = "outage-secret";

    @TempDir
    Path dir;

    @Test
    void a_stopped_broker_gives_503_and_every_202_survives_the_restart() {
        EmbeddedKafkaBroker broker = SharedTestBroker.startPrivate(dir.resolve("kafka"));
        int port = broker.port();
        List<String> accepted = new ArrayList<>();
        try (TestGateway gateway = new TestGateway(broker.bootstrapServers(), """
                forges:
                  gh: { type: github, api_url: "http://127.0.0.1:1", webhook_secret: outage-secret }
                """, 1024 * 1024, Duration.ofSeconds(2))) {
            for (int i = 0; i < 5; i++) {
                accepted.addAll(postOne(gateway, 202));
            }
            assertThat(accepted).hasSize(5);

            broker.close();
            assertThat(postOne(gateway, 503)).as("answered 503 while the broker is down").isEmpty();

            broker = SharedTestBroker.startPrivate(dir.resolve("kafka"), port);
            // The producer reconnects on its own; poll until the gateway accepts again.
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() -> {
                var ids = postOne(gateway, -1);
                accepted.addAll(ids);
                return !ids.isEmpty();
            });
            for (int i = 0; i < 5; i++) {
                accepted.addAll(postOne(gateway, 202));
            }

            for (String id : accepted) {
                assertThat(gateway.awaitRaw(id, Duration.ofSeconds(30))).as("delivery %s answered 202", id).isNotNull();
            }
        } finally {
            broker.close();
        }
    }

    /** Posts one delivery; returns its id when answered 202. {@code expected} -1 accepts 202 or 503. */
    private static List<String> postOne(TestGateway gateway, int expected) {
        byte[] body = BadInputTest.payload("OutageOrg");
        var headers = TestGateway.githubHeaders("issues", Signing.github(SECRET, body));
        var response = gateway.post("/webhooks/gh", headers, body);
        if (expected > 0) {
            assertThat(response.statusCode()).as(response.body()).isEqualTo(expected);
        } else {
            assertThat(response.statusCode()).isIn(202, 503);
        }
        return response.statusCode() == 202 ? List.of(headers.get("X-GitHub-Delivery")) : List.of();
    }
}
