package dev.forgebus.workers.progress;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.forgebus.common.config.ModuleId;
import dev.forgebus.common.kafka.TopicNames;
import dev.forgebus.workers.ProgressStore;
import dev.forgebus.workers.ProgressStores;

/** One {@link KafkaProgressStore} per module of the process, opened on first use. */
public final class KafkaProgressStores implements ProgressStores, AutoCloseable {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    private final String bootstrap;
    private final TopicNames topics;
    private final Duration timeout;
    private final Map<ModuleId, KafkaProgressStore> stores = new ConcurrentHashMap<>();

    public KafkaProgressStores(String bootstrap, TopicNames topics, Duration timeout) {
        this.bootstrap = bootstrap;
        this.topics = topics;
        this.timeout = timeout;
    }

    @Override
    public synchronized ProgressStore of(ModuleId module) {
        KafkaProgressStore store = stores.get(module);
        if (store == null) {
            try {
                store = KafkaProgressStore.open(bootstrap, topics, module, timeout);
            } catch (InterruptedException e) {
                // Open but not loaded: its first get waits for the topic instead.
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while opening the progress store of " + module.id(), e);
            }
            stores.put(module, store);
        }
        return store;
    }

    @Override
    public synchronized void close() {
        stores.values().forEach(KafkaProgressStore::close);
        stores.clear();
    }
}
