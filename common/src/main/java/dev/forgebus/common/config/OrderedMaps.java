package dev.forgebus.common.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Immutable maps that keep the file's order. {@code Map.copyOf} would shuffle it, and orgs,
 * forges and repositories are listed, iterated and matched in the order the operator wrote.
 */
final class OrderedMaps {

    private OrderedMaps() {
    }

    static <K, V> Map<K, V> copyOf(Map<K, V> map) {
        LinkedHashMap<K, V> copy = new LinkedHashMap<>();
        map.forEach((k, v) -> copy.put(Objects.requireNonNull(k), Objects.requireNonNull(v)));
        return Collections.unmodifiableMap(copy);
    }
}
