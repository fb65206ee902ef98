package dev.forgebus.workers.emit;

import java.time.Clock;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forgebus.common.config.ModuleId;
import dev.forgebus.common.emit.EmittedEvents;
import dev.forgebus.common.emit.Notification;
import dev.forgebus.common.kafka.TopicNames;
import dev.forgebus.forge.ForgeCallException;
import dev.forgebus.workers.Emitter;

/**
 * Writes emitted events to {@code <prefix>.raw} with an idempotent acks=all producer and waits,
 * bounded, for the acknowledgement. The handler emits before it returns, so the record is on the
 * log before the worker can commit the item's offset: a crash in between redoes the item, which
 * emits the same delivery id again ({@link EmittedEvents#deliveryId}), and dedup keeps one. That is
 * the same at-least-once guarantee as the item's own, made exactly one work item by dedup.
 */
public final class KafkaEmitter implements Emitter, AutoCloseable {
    public static final Duration DEFAULT_ACK_TIMEOUT = Duration.ofSeconds(10);

    private final KafkaProducer<String, byte[]> producer;
    private final TopicNames topics;
    private final Duration ackTimeout;
    private final Clock clock;

    public KafkaEmitter(String bootstrap, TopicNames topics, Duration ackTimeout, Clock clock) {
        this.topics = topics;
        this.ackTimeout = ackTimeout;
        this.clock = clock;
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "forgebus-emitter");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(ackTimeout.toMillis()));
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(Math.max(1000, ackTimeout.toMillis())));
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Long.toString(Math.max(30_000, ackTimeout.toMillis() * 3)));
        this.producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    @Override
    public void emit(ModuleId module, String sourceDeliveryId, String forge, String owner, String repo, Notification notification)
            throws ForgeCallException, InterruptedException {
        ProducerRecord<String, byte[]> record = EmittedEvents.notificationRecord(topics, module.id(), sourceDeliveryId, forge, owner,
                repo, notification, clock.instant());
        send(record, EmittedEvents.deliveryId(module.id(), sourceDeliveryId, notification.key()));
    }

    @Override
    public void fanOut(ModuleId module, String sourceDeliveryId, String forge, String owner, String repo, String key,
                       ObjectNode payload) throws ForgeCallException, InterruptedException {
        send(EmittedEvents.workRecord(topics, module.id(), sourceDeliveryId, forge, owner, repo, key, payload, clock.instant()),
                EmittedEvents.workDeliveryId(module.id(), sourceDeliveryId, key));
    }

    private void send(ProducerRecord<String, byte[]> record, String id) throws ForgeCallException, InterruptedException {
        try {
            producer.send(record).get(ackTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw ForgeCallException.transientFailure(0, "Kafka refused the emitted event " + id + ": " + e.getCause());
        } catch (TimeoutException e) {
            throw ForgeCallException.transientFailure(0, "Kafka did not acknowledge the emitted event " + id + " within "
                    + ackTimeout.toMillis() + " ms");
        } catch (InterruptException e) {
            throw new InterruptedException("interrupted while emitting " + id);
        } catch (RuntimeException e) {
            // Metadata or buffer space not available within max.block.ms, or a closed producer.
            throw ForgeCallException.transientFailure(0, "Kafka did not accept the emitted event " + id + ": " + e);
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
