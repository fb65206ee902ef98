package dev.forgebus.workers.progress;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.forgebus.common.config.ModuleId;
import dev.forgebus.common.event.StrictUtf8;
import dev.forgebus.common.kafka.TopicNames;
import dev.forgebus.forge.ForgeCallException;
import dev.forgebus.workers.ProgressStore;

/**
 * A {@link ProgressStore} on the compacted topic {@code <prefix>.progress.<module>}: the topic is
 * the store, and each instance keeps a copy in memory, filled by a thread that tails every
 * partition from the beginning (no consumer group: every instance reads everything).
 *
 * <p>Read-your-writes across instances: {@link #get} takes the topic's end offsets at the call and
 * waits until the tail has read up to them, so any put acknowledged before the call (by this or
 * another instance) is seen. {@link #put} waits for Kafka's acknowledgement (acks=all, idempotent)
 * and does not touch the copy: the copy changes only in topic order, so two instances never disagree
 * about which of two writes was last. {@link #open} loads the topic before returning (bounded), so a
 * new worker starts with the progress of the last one.
 *
 * <p>Records another producer wrote outside the bounds (key, value size, not UTF-8) are skipped
 * with a warning that names the partition and offset, never the content.
 */
public final class KafkaProgressStore implements ProgressStore, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaProgressStore.class);
    private static final Pattern KEY = Pattern.compile("[\\x21-\\x7E]{1," + MAX_KEY_CHARS + "}");
    private static final Duration POLL = Duration.ofMillis(100);

    private final ModuleId module;
    private final String topic;
    private final Duration timeout;
    private final KafkaProducer<byte[], byte[]> producer;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Admin admin;
    private final List<TopicPartition> partitions;
    private final Thread tail;
    /** Key: the module's key / Value: its latest value read from the topic. */
    private final Map<String, String> values = new ConcurrentHashMap<>();
    /** Per partition, the offset of the next record the tail will read; guarded by itself. */
    private final Map<TopicPartition, Long> read = new HashMap<>();
    private volatile boolean running = true;
    private volatile Throwable died;

    private KafkaProgressStore(String bootstrap, TopicNames topics, ModuleId module, Duration timeout) {
        this.module = module;
        this.topic = topics.progress(module.id());
        this.timeout = timeout;
        String clientId = "forgebus-progress-" + module.id();
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId + "-tail");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, clientId + "-producer");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(timeout.toMillis()));
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        Properties a = new Properties();
        a.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        a.put(AdminClientConfig.CLIENT_ID_CONFIG, clientId + "-admin");
        this.consumer = new KafkaConsumer<>(c);
        this.producer = new KafkaProducer<>(p);
        this.admin = Admin.create(a);
        try {
            this.partitions = consumer.partitionsFor(topic, timeout).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
        } catch (RuntimeException e) {
            closeAll();
            throw new IllegalStateException("progress topic " + topic + " cannot be read: " + e.getMessage(), e);
        }
        if (partitions.isEmpty()) {
            closeAll();
            throw new IllegalStateException("progress topic " + topic + " does not exist");
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        this.tail = new Thread(this::tailLoop, clientId + "-tail");
        this.tail.setDaemon(true);
    }

    /**
     * Opens {@code module}'s store and loads the topic: returns once the copy holds everything
     * written before the call, or after {@code timeout} with a warning (the first {@link #get}
     * then waits again). The topic must exist (the process provisions it).
     *
     * @param timeout the deadline of each call for Kafka's answers
     */
    public static KafkaProgressStore open(String bootstrap, TopicNames topics, ModuleId module, Duration timeout)
            throws InterruptedException {
        KafkaProgressStore store = new KafkaProgressStore(bootstrap, topics, module, timeout);
        store.tail.start();
        try {
            store.catchUp();
        } catch (ForgeCallException e) {
            LOG.warn("progress store of {}: not loaded at start ({}); calls will wait for it", module.id(), e.getMessage());
        }
        return store;
    }

    @Override
    public Optional<String> get(String key) throws ForgeCallException, InterruptedException {
        checkKey(key);
        catchUp();
        return Optional.ofNullable(values.get(key));
    }

    @Override
    public void put(String key, String value) throws ForgeCallException, InterruptedException {
        checkKey(key);
        byte[] bytes = utf8(value);
        if (!values.containsKey(key) && values.size() >= MAX_ENTRIES) {
            throw new IllegalArgumentException("progress store of " + module.id() + " holds " + MAX_ENTRIES
                    + " keys, the most it may; remove finished keys first");
        }
        send(key, bytes);
    }

    @Override
    public void remove(String key) throws ForgeCallException, InterruptedException {
        checkKey(key);
        send(key, null); // a tombstone: compaction drops the key
    }

    private void send(String key, byte[] value) throws ForgeCallException, InterruptedException {
        try {
            producer.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.US_ASCII), value))
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw unavailable("refused the write of key " + key + ": " + e.getCause());
        } catch (TimeoutException e) {
            throw unavailable("did not acknowledge the write of key " + key + " within " + timeout.toMillis() + " ms");
        } catch (org.apache.kafka.common.errors.InterruptException e) {
            throw new InterruptedException("interrupted while writing progress");
        } catch (RuntimeException e) {
            throw unavailable("did not accept the write of key " + key + ": " + e);
        }
    }

    /** Waits until the tail has read up to the end offsets the topic has now. */
    private void catchUp() throws ForgeCallException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<TopicPartition, Long> ends = new HashMap<>();
        try {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            partitions.forEach(tp -> latest.put(tp, OffsetSpec.latest()));
            admin.listOffsets(latest).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    .forEach((tp, info) -> ends.put(tp, info.offset()));
        } catch (ExecutionException | TimeoutException e) {
            throw unavailable("did not say where the topic ends: " + e);
        }
        synchronized (read) {
            while (!caughtUp(ends)) {
                if (died != null) {
                    throw unavailable("cannot be read: " + died);
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw unavailable("not read up to its end within " + timeout.toMillis() + " ms");
                }
                TimeUnit.NANOSECONDS.timedWait(read, left);
            }
        }
    }

    private boolean caughtUp(Map<TopicPartition, Long> ends) {
        return ends.entrySet().stream().allMatch(e -> read.getOrDefault(e.getKey(), -1L) >= e.getValue());
    }

    private void tailLoop() {
        try {
            while (running) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                    apply(record);
                }
                Map<TopicPartition, Long> positions = new HashMap<>();
                for (TopicPartition tp : partitions) {
                    positions.put(tp, consumer.position(tp));
                }
                synchronized (read) {
                    read.putAll(positions);
                    read.notifyAll();
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (Throwable t) {
            died = t;
            LOG.error("progress store of {}: reading {} stopped", module.id(), topic, t);
            synchronized (read) {
                read.notifyAll();
            }
        } finally {
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(2)));
        }
    }

    private void apply(ConsumerRecord<byte[], byte[]> record) {
        String key = record.key() == null ? "" : new String(record.key(), StandardCharsets.US_ASCII);
        boolean keyOk = record.key() != null && KEY.matcher(key).matches();
        if (!keyOk) {
            skip(record, "a key outside the rules");
        } else if (record.value() == null) {
            values.remove(key);
        } else if (record.value().length > MAX_VALUE_BYTES || StrictUtf8.problem(record.value()).isPresent()) {
            skip(record, "a value over " + MAX_VALUE_BYTES + " bytes or not UTF-8");
        } else {
            values.put(key, new String(record.value(), StandardCharsets.UTF_8));
        }
    }

    private void skip(ConsumerRecord<byte[], byte[]> record, String why) {
        LOG.warn("progress store of {}: skipped the record at {}-{}@{}: {}", module.id(), record.topic(), record.partition(),
                record.offset(), why);
    }

    private static void checkKey(String key) {
        if (key == null || !KEY.matcher(key).matches()) {
            throw new IllegalArgumentException("progress key must be 1-" + MAX_KEY_CHARS + " printable ASCII characters without spaces");
        }
    }

    private static byte[] utf8(String value) {
        if (value == null) {
            throw new IllegalArgumentException("progress value must not be null; remove(key) forgets a key");
        }
        try {
            ByteBuffer b = StandardCharsets.UTF_8.newEncoder()
                    .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
                    .encode(CharBuffer.wrap(value));
            if (b.remaining() > MAX_VALUE_BYTES) {
                throw new IllegalArgumentException("progress value has " + b.remaining() + " bytes of UTF-8; at most " + MAX_VALUE_BYTES);
            }
            byte[] bytes = new byte[b.remaining()];
            b.get(bytes);
            return bytes;
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("progress value is not valid text (an unpaired surrogate)");
        }
    }

    private ForgeCallException unavailable(String what) {
        return ForgeCallException.transientFailure(0, "progress store of " + module.id() + ": Kafka " + what);
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            tail.join(timeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(5));
        admin.close(Duration.ofSeconds(5));
    }

    /** Only while constructing, before the tail owns the consumer. */
    private void closeAll() {
        consumer.close(CloseOptions.timeout(Duration.ZERO));
        producer.close(Duration.ZERO);
        admin.close(Duration.ZERO);
    }
}
