package dev.forgebus.gateway;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import dev.forgebus.common.kafka.RawRecordHeaders;
import dev.forgebus.common.kafka.TopicNames;

/**
 * Writes verified deliveries to {@code forgebus.raw} and waits, bounded, for the broker's
 * acknowledgement: the gateway's 202 means "on the replicated log", never "in a buffer".
 */
public final class RawEventPublisher implements AutoCloseable {

    /** Kafka did not acknowledge in time; the record may still land later (dedup absorbs that). */
    static final class NotAcknowledgedException extends Exception {
        NotAcknowledgedException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final Producer<String, byte[]> producer;
    private final TopicNames topics;
    private final Duration ackTimeout;
    /** Why this producer can never send again (closed, or in a fatal state); null while it can. */
    private volatile String dead;
    private io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics clientMetrics;

    RawEventPublisher(Producer<String, byte[]> producer, TopicNames topics, Duration ackTimeout) {
        this.producer = producer;
        this.topics = topics;
        this.ackTimeout = ackTimeout;
    }

    static RawEventPublisher create(String bootstrapServers, TopicNames topics, long maxBodyBytes, Duration ackTimeout,
                                    ProducerTuning tuning) {
        return new RawEventPublisher(new KafkaProducer<>(producerProperties(bootstrapServers, maxBodyBytes, ackTimeout, tuning),
                new StringSerializer(), new ByteArraySerializer()), topics, ackTimeout);
    }

    /**
     * Producer settings. Durability: idempotence with acks=all. Size: a record must hold the
     * largest body GitHub sends (25 MiB), far above Kafka's 1 MB default. Throughput: webhooks
     * are ~10 KB, so the default 16 KB batch would hold one record; 256 KiB batches with a
     * short linger carry many (SPEC 9: about 2.7x the records per second on this machine).
     * Time: {@code max.block.ms} bounds the wait for metadata or buffer space, so a request
     * never waits longer than the acknowledgement timeout.
     */
    public static Map<String, Object> producerProperties(String bootstrapServers, long maxBodyBytes, Duration ackTimeout,
                                                         ProducerTuning tuning) {
        long maxRequest = maxBodyBytes + 1024 * 1024; // headers and batch framing
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "forgebus-gateway");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, tuning.compression());
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, tuning.batchSize());
        p.put(ProducerConfig.LINGER_MS_CONFIG, tuning.lingerMs());
        p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, (int) Math.min(Integer.MAX_VALUE, maxRequest));
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, Math.max(64L * 1024 * 1024, 3 * maxRequest));
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, ackTimeout.toMillis());
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.max(1000, ackTimeout.toMillis()));
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Math.max(30_000, ackTimeout.toMillis() * 3));
        p.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1000);
        return p;
    }

    RecordMetadata publish(RawDelivery d) throws NotAcknowledgedException {
        long deadline = System.nanoTime() + ackTimeout.toNanos();
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topics.raw(), null, d.key(), d.body(), headers(d));
        Future<RecordMetadata> ack;
        try {
            ack = producer.send(record);
        } catch (IllegalStateException e) {
            // Closed, or a fatal producer error: every later send fails the same way.
            dead = "Kafka producer cannot send: " + e.getMessage();
            throw new NotAcknowledgedException("Kafka did not accept the delivery: " + e.getClass().getSimpleName(), e);
        } catch (RuntimeException e) {
            // Metadata or buffer space not available within max.block.ms.
            throw new NotAcknowledgedException("Kafka did not accept the delivery: " + e.getClass().getSimpleName(), e);
        }
        try {
            long remaining = Math.max(1, deadline - System.nanoTime());
            return ack.get(remaining, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new NotAcknowledgedException("Kafka did not acknowledge the delivery within " + ackTimeout.toMillis() + " ms", e);
        } catch (ExecutionException e) {
            throw new NotAcknowledgedException("Kafka refused the delivery: " + e.getCause().getClass().getSimpleName(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NotAcknowledgedException("interrupted while waiting for Kafka", e);
        }
    }

    private Headers headers(RawDelivery d) {
        return new RawRecordHeaders.Values(d.forgeId(), d.forgeType().id(), d.deliveryId(), d.event(), d.facts().action(),
                d.facts().owner(), d.facts().repo(), d.facts().sender(), d.receivedAt(), d.contentType()).toHeaders(topics);
    }

    /** Empty while the producer can send; otherwise why it never will again. */
    java.util.Optional<String> deadReason() {
        return java.util.Optional.ofNullable(dead);
    }

    /** The producer's own metrics ({@code kafka_producer_*}) in {@code registry}, removed on close. */
    void bindMetrics(io.micrometer.core.instrument.MeterRegistry registry) {
        clientMetrics = new io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics(producer);
        clientMetrics.bindTo(registry);
    }

    @Override
    public void close() {
        if (clientMetrics != null) {
            clientMetrics.close();
        }
        dead = "Kafka producer closed";
        producer.close(Duration.ofSeconds(10));
    }
}
