package dev.forgebus.broker;

import static dev.forgebus.broker.TestClients.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Brokers of the tests' own: stop, restart, refuse a taken port. */
class EmbeddedKafkaBrokerRestartTest {

    @TempDir
    Path dir;

    @Test
    void restartOnTheSameDirectoryAndPortKeepsClusterIdAndRecords() throws Exception {
        Path data = dir.resolve("kafka");
        String topic = "durable";
        List<String> values = List.of("one", "two", "three", "four", "five");

        PrintStream stdout = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        EmbeddedKafkaBroker first;
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        try {
            first = SharedTestBroker.startPrivate(data); // formats the directory, then starts
        } finally {
            System.setOut(stdout);
        }
        assertThat(printed.toString(StandardCharsets.UTF_8)).as("printed to stdout while starting").isEmpty();
        int port;
        String clusterId;
        try (first) {
            port = first.port();
            clusterId = first.clusterId();
            assertThat(data.resolve("meta.properties")).isRegularFile().content().contains("cluster.id=" + clusterId);
            assertThat(describedClusterId(first)).isEqualTo(clusterId);
            TestClients.createTopic(first.bootstrapServers(), topic);
            try (KafkaProducer<String, String> producer = TestClients.stringProducer(first.bootstrapServers(), Map.of())) {
                for (String value : values) {
                    producer.send(new ProducerRecord<>(topic, "forgejo/acme/repo", value));
                }
                producer.flush();
            }
        }
        assertThat(first.isRunning()).isFalse();
        first.close(); // idempotent

        try (EmbeddedKafkaBroker second = SharedTestBroker.startPrivate(data, port)) {
            assertThat(second.isRunning()).isTrue();
            assertThat(second.port()).isEqualTo(port);
            assertThat(second.bootstrapServers()).isEqualTo(first.bootstrapServers());
            assertThat(second.clusterId()).isEqualTo(clusterId);
            assertThat(describedClusterId(second)).isEqualTo(clusterId);

            TopicPartition tp = new TopicPartition(topic, 0);
            try (KafkaConsumer<String, String> consumer = TestClients.stringConsumer(second.bootstrapServers(), Map.of())) {
                consumer.assign(List.of(tp));
                consumer.seekToBeginning(List.of(tp));
                List<ConsumerRecord<String, String>> records = TestClients.pollUntil(consumer, got -> got.size() >= values.size());
                assertThat(records).extracting(ConsumerRecord::value).containsExactlyElementsOf(values);
            }
        }
    }

    @Test
    void aTakenPortFailsClearlyBeforeTouchingTheDirectory() throws Exception {
        Path data = dir.resolve("untouched");
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            int port = taken.getLocalPort();
            assertThatThrownBy(() -> EmbeddedKafkaBroker.start(BrokerSettings.of(data, port)))
                    .isInstanceOf(EmbeddedBrokerException.class)
                    .hasMessageContaining("port " + port + " is already in use");
        }
        assertThat(Files.exists(data.resolve("meta.properties"))).isFalse();
    }

    @Test
    void largeMessagesAreAllowedThroughEveryBrokerLimit() {
        long max = 40L * 1024 * 1024;
        Map<String, String> props = EmbeddedKafkaBroker.brokerProperties(dir, 9092, 9093,
                new BrokerSettings(dir, 9092, 9093, max, Map.of("log.retention.hours", "1")));
        assertThat(props)
                .containsEntry("process.roles", "broker,controller")
                .containsEntry("controller.quorum.voters", "1@127.0.0.1:9093")
                .containsEntry("listeners", "PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093")
                .containsEntry("log.dirs", dir.toString())
                .containsEntry("message.max.bytes", Long.toString(max))
                .containsEntry("replica.fetch.max.bytes", Long.toString(max))
                .containsEntry("socket.request.max.bytes", Long.toString(100L * 1024 * 1024))
                .containsEntry("auto.create.topics.enable", "false")
                .containsEntry("log.retention.hours", "1")
                .doesNotContainKeys("log.flush.interval.messages", "log.segment.bytes");
        Map<String, String> huge = EmbeddedKafkaBroker.brokerProperties(dir, 9092, 9093,
                new BrokerSettings(dir, 9092, 9093, 200L * 1024 * 1024, Map.of()));
        assertThat(Long.parseLong(huge.get("socket.request.max.bytes"))).isGreaterThan(200L * 1024 * 1024);
        assertThat(Long.parseLong(huge.get("fetch.max.bytes"))).isGreaterThanOrEqualTo(200L * 1024 * 1024);
    }

    private static String describedClusterId(EmbeddedKafkaBroker broker) throws Exception {
        try (Admin admin = TestClients.admin(broker.bootstrapServers())) {
            return admin.describeCluster().clusterId().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        }
    }
}
