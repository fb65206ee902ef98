package dev.forgebus.broker;

import static dev.forgebus.broker.TestClients.TIMEOUT;
import static org.assertj.core.api.Assertions.assertThat;

import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** Against the JVM-wide {@link SharedTestBroker}. */
class EmbeddedKafkaBrokerTest {

    private static final int MIB = 1024 * 1024;

    @Test
    void aTwentyMegabyteRecordGoesThroughByteIdentical() throws Exception {
        EmbeddedKafkaBroker broker = SharedTestBroker.broker();
        assertThat(broker.isRunning()).isTrue();
        assertThat(broker.bootstrapServers()).isEqualTo("127.0.0.1:" + broker.port());
        String bootstrap = SharedTestBroker.bootstrapServers();
        String topic = "large-records";
        TestClients.createTopic(bootstrap, topic);

        byte[] payload = new byte[20_000_000];
        new Random(20).nextBytes(payload); // incompressible: lz4 does not shrink it below the broker's limit
        try (KafkaProducer<byte[], byte[]> producer = TestClients.bytesProducer(bootstrap, Map.of(
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 32 * MIB,
                ProducerConfig.BUFFER_MEMORY_CONFIG, 64L * MIB,
                ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4"))) {
            RecordMetadata sent = producer.send(new ProducerRecord<>(topic, "github/acme/big".getBytes(), payload))
                    .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            assertThat(sent.offset()).isZero();
        }

        TopicPartition tp = new TopicPartition(topic, 0);
        try (KafkaConsumer<byte[], byte[]> consumer = TestClients.bytesConsumer(bootstrap, Map.of())) {
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            List<ConsumerRecord<byte[], byte[]>> records = TestClients.pollUntil(consumer, got -> !got.isEmpty());
            assertThat(records).hasSize(1);
            byte[] value = records.get(0).value();
            assertThat(value).hasSize(payload.length);
            assertThat(Arrays.equals(value, payload)).as("consumed value is byte-identical").isTrue();
            assertThat(sha256(value)).isEqualTo(sha256(payload));
        }
    }

    @Test
    void consumerGroupsCommitOffsetsAndTransactionsCommitOnOneBroker() throws Exception {
        String bootstrap = SharedTestBroker.bootstrapServers();
        String topic = "transactions";
        String group = "forgebus.test-group";
        TestClients.createTopic(bootstrap, topic);

        try (KafkaProducer<String, String> producer = TestClients.stringProducer(bootstrap, Map.of(
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, "forgebus-test-tx",
                ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 30_000))) {
            producer.initTransactions();
            producer.beginTransaction();
            for (String value : List.of("a", "b", "c")) {
                producer.send(new ProducerRecord<>(topic, "github/acme/repo", value));
            }
            producer.commitTransaction();

            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "github/acme/repo", "aborted"));
            producer.flush();
            producer.abortTransaction();

            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "github/acme/repo", "last"));
            producer.commitTransaction();
        }

        TopicPartition tp = new TopicPartition(topic, 0);
        long position;
        try (KafkaConsumer<String, String> consumer = TestClients.stringConsumer(bootstrap, Map.of(
                ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.toString()))) {
            consumer.subscribe(List.of(topic));
            List<ConsumerRecord<String, String>> records = TestClients.pollUntil(consumer,
                    got -> got.stream().anyMatch(r -> r.value().equals("last")));
            assertThat(records).extracting(ConsumerRecord::value).containsExactly("a", "b", "c", "last");
            consumer.commitSync(Duration.ofSeconds(TIMEOUT.toSeconds()));
            position = consumer.position(tp);
        }

        try (Admin admin = TestClients.admin(bootstrap)) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            long end = admin.listOffsets(Map.of(tp, OffsetSpec.latest())).partitionResult(tp)
                    .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS).offset();
            // 5 data records and 3 transaction markers; the committed position is past all of them.
            assertThat(end).isEqualTo(8);
            assertThat(committed).containsKey(tp);
            assertThat(committed.get(tp).offset()).isEqualTo(position).isEqualTo(end);
        }
    }

    private static byte[] sha256(byte[] bytes) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(bytes);
    }
}
