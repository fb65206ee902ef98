package dev.forgebus.workers;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A {@link ProgressStore} over a map the test holds (and may read, seed or clear): handler tests
 * without a broker. The Kafka-backed store has its own tests ({@code KafkaProgressStoreTest}).
 */
public record MapProgressStore(Map<String, String> values) implements ProgressStore {

    public MapProgressStore {
        Objects.requireNonNull(values, "values");
    }

    @Override
    public Optional<String> get(String key) {
        return Optional.ofNullable(values.get(key));
    }

    @Override
    public void put(String key, String value) {
        values.put(key, value);
    }

    @Override
    public void remove(String key) {
        values.remove(key);
    }
}
