package dev.forgebus.gateway;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.forgebus.common.event.Rejection;
import dev.forgebus.common.kafka.TopicNames;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Writes refused deliveries to {@code <prefix>.rejections}, fire and forget: the request thread only
 * offers the record to a bounded queue ({@value #CAPACITY} records, a few hundred bytes each) and
 * answers at once; one daemon thread drains it into Kafka. A full queue (a rejection flood, or Kafka
 * away) drops the record and counts it ({@code forgebus_rejections_dropped_total}) instead of
 * blocking a request or growing memory: the metric of rejections still counts every one, the log
 * keeps a sample. A record Kafka did not take is counted as dropped too.
 */
final class RejectionLog implements AutoCloseable {
    /** Where the drainer writes; may block (the drainer's thread, never a request's). */
    @FunctionalInterface
    interface Writer extends AutoCloseable {
        /** Sends one record; {@code failed} is run when it did not reach Kafka. */
        void write(Rejection rejection, Runnable failed) throws InterruptedException;

        @Override
        default void close() {
        }
    }

    static final int CAPACITY = 1000;
    private static final Logger LOG = LoggerFactory.getLogger(RejectionLog.class);
    private static final Rejection STOP = new Rejection(java.time.Instant.EPOCH, "", "stop", 0, "", "", "");

    private final BlockingQueue<Rejection> queue;
    private final Writer writer;
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    private final Thread drainer;

    RejectionLog(Writer writer, int capacity, MeterRegistry registry) {
        this.writer = writer;
        this.queue = new ArrayBlockingQueue<>(capacity);
        FunctionCounter.builder("forgebus.rejections.dropped", dropped, AtomicLong::get)
                .description("refused deliveries not written to the rejections topic (queue full or Kafka failed)")
                .register(registry);
        this.drainer = new Thread(this::drain, "forgebus-rejection-log");
        this.drainer.setDaemon(true);
        this.drainer.start();
    }

    /** A log writing to Kafka at {@code bootstrapServers}. */
    static RejectionLog toKafka(String bootstrapServers, TopicNames topics, MeterRegistry registry) {
        Map<String, Object> p = new HashMap<>();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "forgebus-gateway-rejections");
        p.put(ProducerConfig.ACKS_CONFIG, "1");
        p.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 4L * 1024 * 1024);
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5000);
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        p.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1000);
        KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
        Writer writer = new Writer() {
            @Override
            public void write(Rejection rejection, Runnable failed) {
                producer.send(new ProducerRecord<>(topics.rejections(), rejection.forge(), rejection.toJson()), (meta, e) -> {
                    if (e != null) {
                        failed.run();
                    }
                });
            }

            @Override
            public void close() {
                producer.close(Duration.ofSeconds(5));
            }
        };
        return new RejectionLog(writer, CAPACITY, registry);
    }

    /** Offers one record; never blocks. */
    void record(Rejection rejection) {
        if (!queue.offer(rejection)) {
            dropped.incrementAndGet();
        }
    }

    /** Records dropped so far. */
    long dropped() {
        return dropped.get();
    }

    /** Records handed to the writer so far. */
    long written() {
        return written.get();
    }

    private void drain() {
        try {
            while (true) {
                Rejection next = queue.take();
                if (next == STOP) {
                    return;
                }
                try {
                    writer.write(next, dropped::incrementAndGet);
                    written.incrementAndGet();
                } catch (RuntimeException e) {
                    dropped.incrementAndGet();
                    LOG.debug("rejection not written: {}", e.toString());
                }
            }
        } catch (InterruptedException stopping) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (!queue.offer(STOP)) {
            drainer.interrupt();
        }
        try {
            drainer.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        drainer.interrupt();
        writer.close();
    }
}
