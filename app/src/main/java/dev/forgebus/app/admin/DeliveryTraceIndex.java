package dev.forgebus.app.admin;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.time.Instant;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.forgebus.common.event.DedupDecision;
import dev.forgebus.common.event.Rejection;
import dev.forgebus.common.event.WorkOutcome;
import dev.forgebus.common.kafka.TopicNames;

/**
 * The source of {@code GET /admin/deliveries/{id}}: reads the trace topic (dedup decisions) and
 * the outcomes topic (module results) from the beginning into a bounded in-memory index. Kafka
 * is the record; this is only a view, rebuilt at each start, holding the most recent
 * {@code maxDeliveries} deliveries so memory stays bounded however long the process runs. It also
 * reads the gateway's rejections topic (the latest {@value #MAX_REJECTIONS}) for
 * {@code GET /admin/rejections} and for the deliveries the gateway refused.
 */
public final class DeliveryTraceIndex implements DeliveryLookup, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DeliveryTraceIndex.class);

    private final KafkaConsumer<String, byte[]> consumer;
    private final TopicNames topics;
    private final Map<String, DeliveryTrace> traces;
    /** The latest {@link #MAX_REJECTIONS} rejections, oldest first. */
    private final java.util.ArrayDeque<Rejection> rejections = new java.util.ArrayDeque<>();
    static final int MAX_REJECTIONS = 10_000;
    private final Thread thread;
    private volatile boolean running = true;

    private DeliveryTraceIndex(String bootstrap, TopicNames topics, int maxDeliveries) {
        this.topics = topics;
        this.traces = new LinkedHashMap<>(1024, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, DeliveryTrace> eldest) {
                return size() > maxDeliveries;
            }
        };
        Map<String, Object> p = new HashMap<>();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "forgebus-trace-index");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        this.consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
        this.thread = new Thread(this::run, "forgebus-trace-index");
        this.thread.setDaemon(true);
    }

    public static DeliveryTraceIndex start(String bootstrap, TopicNames topics, int maxDeliveries) {
        DeliveryTraceIndex index = new DeliveryTraceIndex(bootstrap, topics, maxDeliveries);
        index.thread.start();
        return index;
    }

    @Override
    public synchronized List<DeliveryTrace> find(String deliveryId) {
        List<DeliveryTrace> found = new ArrayList<>();
        for (DeliveryTrace t : traces.values()) {
            if (t.delivery().equals(deliveryId)) {
                found.add(t);
            }
        }
        return found;
    }

    @Override
    public synchronized List<DeliveryTrace> recent(String query, int limit) {
        String q = query.toLowerCase(java.util.Locale.ROOT);
        List<DeliveryTrace> all = new ArrayList<>(traces.values());
        List<DeliveryTrace> found = new ArrayList<>();
        // Insertion order is first sighting order: walking backwards is newest first.
        for (int i = all.size() - 1; i >= 0 && found.size() < limit; i--) {
            DeliveryTrace t = all.get(i);
            if (q.isEmpty() || t.delivery().toLowerCase(java.util.Locale.ROOT).contains(q)
                    || t.repository().toLowerCase(java.util.Locale.ROOT).contains(q)) {
                found.add(t);
            }
        }
        return found;
    }

    @Override
    public synchronized List<Rejection> rejectionsOf(String deliveryId) {
        List<Rejection> found = new ArrayList<>();
        rejections.descendingIterator().forEachRemaining(r -> {
            if (r.delivery().equals(deliveryId)) {
                found.add(r);
            }
        });
        return found;
    }

    @Override
    public synchronized List<Rejection> rejections(Optional<String> forge, Optional<Instant> since, int limit) {
        List<Rejection> found = new ArrayList<>();
        var newest = rejections.descendingIterator();
        while (newest.hasNext() && found.size() < limit) {
            Rejection r = newest.next();
            if (forge.map(r.forge()::equals).orElse(true) && since.map(s -> !r.time().isBefore(s)).orElse(true)) {
                found.add(r);
            }
        }
        return found;
    }

    private void run() {
        try {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : List.of(topics.trace(), topics.outcomes(), topics.rejections())) {
                consumer.partitionsFor(topic).forEach(pi -> partitions.add(new TopicPartition(topic, pi.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (running) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    apply(r);
                }
            }
        } catch (WakeupException stopping) {
            // close() woke us
        } catch (RuntimeException e) {
            LOG.error("delivery trace index stopped: {}", e.toString());
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private synchronized void apply(ConsumerRecord<String, byte[]> r) {
        try {
            if (r.topic().equals(topics.rejections())) {
                rejections.addLast(Rejection.fromJson(r.value()));
                if (rejections.size() > MAX_REJECTIONS) {
                    rejections.removeFirst();
                }
            } else if (r.topic().equals(topics.trace())) {
                DedupDecision d = DedupDecision.fromJson(r.value());
                String id = d.forge() + "\n" + d.deliveryId();
                traces.put(id, traces.getOrDefault(id, new DeliveryTrace(d.forge(), d.deliveryId(), List.of(), List.of())).with(d));
            } else {
                WorkOutcome o = WorkOutcome.fromJson(r.value());
                String id = o.forge() + "\n" + o.deliveryId();
                traces.put(id, traces.getOrDefault(id, new DeliveryTrace(o.forge(), o.deliveryId(), List.of(), List.of())).with(o));
            }
        } catch (RuntimeException e) {
            LOG.warn("unreadable record at {}-{}@{} skipped in the trace view: {}", r.topic(), r.partition(), r.offset(), e.getClass().getSimpleName());
        }
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
