package dev.forgebus.dedup;

import static dev.forgebus.dedup.Deliveries.issue;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.forgebus.common.config.ConfigLoader;
import dev.forgebus.common.config.ConfigSource;
import dev.forgebus.common.event.EventEnvelope;
import dev.forgebus.common.kafka.TopicNames;

/** The topology routes each record by the config in force when it is read (issue 10, live config). */
class DedupLiveConfigTest {
    private static final TopicNames TOPICS = new TopicNames("fblive");
    private static final Instant START = Instant.parse("2026-03-01T12:00:00Z");

    @TempDir
    Path stateDir;
    private ConfigSource source;
    private TopologyTestDriver driver;
    private TestInputTopic<String, byte[]> raw;

    private static String yaml(boolean triageEnabled) {
        return """
                kafka: { topic_prefix: fblive }
                forges:
                  gh: { type: github, webhook_secret: test-secret }
                orgs:
                  MyOrg:
                    forge: gh
                    repositories:
                      app: { auto_triage: { enabled: %s } }
                """.formatted(triageEnabled);
    }

    @BeforeEach
    void startDriver() throws Exception {
        source = new ConfigSource(ConfigLoader.parse(yaml(false), "test.yml", name -> null));
        StreamsBuilder builder = new StreamsBuilder();
        DedupTopology.build(builder, source, TOPICS, DedupMetrics.NONE);
        driver = Deliveries.driver(builder, "dedup-live-config-test", stateDir, START);
        raw = driver.createInputTopic(TOPICS.raw(), new StringSerializer(), new ByteArraySerializer());
    }

    @AfterEach
    void closeDriver() {
        driver.close();
    }

    @Test
    void a_module_enabled_by_a_reload_receives_the_next_delivery_without_a_restart() throws Exception {
        send("d-1", issue("opened", "MyOrg", "app", "crash"));
        assertThat(triageWork()).isEmpty();

        source.replace(ConfigLoader.parse(yaml(true), "test.yml", name -> null));
        send("d-2", issue("opened", "MyOrg", "app", "crash"));

        assertThat(triageWork()).extracting(EventEnvelope::deliveryId).containsExactly("d-2");
    }

    private void send(String deliveryId, byte[] body) {
        raw.pipeInput(new TestRecord<>("gh/MyOrg/app", body,
                Deliveries.headers(TOPICS, "gh", "github", deliveryId, "issues", START, body), START));
    }

    private List<EventEnvelope> triageWork() {
        return driver.createOutputTopic(TOPICS.work("triage"), new StringDeserializer(), new ByteArrayDeserializer())
                .readValuesToList().stream().map(EventEnvelope::fromJson).toList();
    }
}
