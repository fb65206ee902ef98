package dev.forgebus.scheduler;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import dev.forgebus.common.kafka.TopicNames;
import dev.forgebus.common.schedule.ScheduledJob;
import dev.forgebus.common.schedule.TickRecord;

/**
 * Writes ticks to {@code <prefix>.raw} with an idempotent acks=all producer and waits, bounded, for
 * the acknowledgement: a tick counts as fired only once it is on the replicated log. A tick whose
 * acknowledgement timed out may still land; the retry writes the same id, which dedup absorbs.
 */
public final class TickPublisher implements AutoCloseable {

    /** Kafka did not acknowledge the tick in time (or refused it). */
    public static final class NotAcknowledgedException extends Exception {
        NotAcknowledgedException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    public static final Duration DEFAULT_ACK_TIMEOUT = Duration.ofSeconds(10);

    private final Producer<String, byte[]> producer;
    private final TopicNames topics;
    private final Duration ackTimeout;

    public TickPublisher(Producer<String, byte[]> producer, TopicNames topics, Duration ackTimeout) {
        this.producer = producer;
        this.topics = topics;
        this.ackTimeout = ackTimeout;
    }

    public static TickPublisher create(String bootstrapServers, TopicNames topics, Duration ackTimeout) {
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "forgebus-scheduler");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, ackTimeout.toMillis());
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.max(1000, ackTimeout.toMillis()));
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Math.max(30_000, ackTimeout.toMillis() * 3));
        return new TickPublisher(new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer()), topics, ackTimeout);
    }

    /** The tick of {@code job} for the slot {@code fireTime}; returns its delivery id once acknowledged. */
    public String publishSlot(ScheduledJob job, Instant fireTime, Instant now) throws NotAcknowledgedException {
        String id = job.tickId(fireTime);
        send(job, id, fireTime, false, now);
        return id;
    }

    /** An operator's run of {@code job} now ({@code manual:<job>@<now>}); returns its delivery id once acknowledged. */
    public String publishManual(ScheduledJob job, Instant now) throws NotAcknowledgedException {
        String id = job.manualId(now);
        send(job, id, now, true, now);
        return id;
    }

    private void send(ScheduledJob job, String id, Instant scheduledFor, boolean manual, Instant now) throws NotAcknowledgedException {
        long deadline = System.nanoTime() + ackTimeout.toNanos();
        try {
            var ack = producer.send(TickRecord.of(topics, job, id, scheduledFor, manual, now));
            ack.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new NotAcknowledgedException("Kafka did not acknowledge tick " + id + " within " + ackTimeout.toMillis() + " ms", e);
        } catch (ExecutionException e) {
            throw new NotAcknowledgedException("Kafka refused tick " + id + ": " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NotAcknowledgedException("interrupted while writing tick " + id, e);
        } catch (RuntimeException e) {
            // Metadata or buffer space not available within max.block.ms, or a closed producer.
            throw new NotAcknowledgedException("Kafka did not accept tick " + id + ": " + e, e);
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
