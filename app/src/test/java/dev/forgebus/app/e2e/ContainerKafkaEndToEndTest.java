package dev.forgebus.app.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

import dev.forgebus.fakeforge.FakeForge;

/**
 * Every role of {@code run} against Kafka in a container (the apache/kafka image of the version
 * the pom builds against) instead of the embedded broker: a signed webhook reaches the fake
 * forge. Needs a Docker engine: where there is none (these build machines), JUnit reports the
 * class as skipped ("disabledWithoutDocker"), and the build goes on.
 */
@Testcontainers(disabledWithoutDocker = true)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ContainerKafkaEndToEndTest {
    /** Keep in step with kafka.version in the root pom (DeploymentFilesTest checks the compose file's). */
    private static final String KAFKA_IMAGE = "apache/kafka:4.3.1";

    @Container
    private static final KafkaContainer KAFKA = new KafkaContainer(KAFKA_IMAGE);

    @TempDir
    static Path dir;
    private FakeForge forge;
    private RunningForgebus forgebus;

    @BeforeAll
    void start() throws Exception {
        forge = FakeForge.start(FakeForge.Flavor.GITHUB);
        String yaml = RunningForgebus.config(forge.apiUrl().toString(), 9092, "")
                .replace("kafka: { bootstrap_servers: \"\",",
                        "kafka: { bootstrap_servers: \"" + KAFKA.getBootstrapServers() + "\", replication_factor: 1,");
        assertThat(yaml).contains(KAFKA.getBootstrapServers());
        forgebus = new RunningForgebus(yaml, dir.resolve("data"));
    }

    @AfterAll
    void stop() throws Exception {
        if (forgebus != null) {
            forgebus.close();
        }
        if (forge != null) {
            forge.close();
        }
    }

    @Test
    void a_signed_webhook_through_a_containerised_kafka_labels_the_issue() throws Exception {
        forge.createIssue("MyOrg", "app", 1, "App crash on start");

        assertThat(forgebus.postGithub("issues", RunningForgebus.newDelivery(),
                RunningForgebus.issueOpened("app", 1, "App crash on start")).statusCode()).isEqualTo(202);

        await().atMost(Duration.ofSeconds(90)).until(() -> forge.labels("MyOrg", "app", 1).contains("bug"));
        assertThat(forge.labelChanges("MyOrg", "app", 1)).isEqualTo(1);
    }
}
