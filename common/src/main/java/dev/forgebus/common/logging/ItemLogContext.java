package dev.forgebus.common.logging;

import java.util.LinkedHashMap;
import java.util.Map;

import org.slf4j.MDC;

/**
 * The MDC keys of every log line about one item: {@value #DELIVERY_ID}, {@value #FORGE},
 * {@value #REPO} ({@code owner/name}) and {@value #MODULE}. Set around the handling of one item
 * (a gateway request, dedup's processing of a raw record, a worker's attempt) and removed after,
 * so a pooled thread never carries one item's keys into the next. In {@code logging.format: json}
 * they are fields of each line; the plain format does not print them. Values are ids a
 * forge or the config gave, never secrets or payload text.
 */
public final class ItemLogContext implements AutoCloseable {
    public static final String DELIVERY_ID = "delivery_id";
    public static final String FORGE = "forge";
    public static final String REPO = "repo";
    public static final String MODULE = "module";

    private final Map<String, String> previous = new LinkedHashMap<>();

    private ItemLogContext() {
    }

    /** An empty context: add keys with {@link #with}, remove them all with {@link #close}. */
    public static ItemLogContext open() {
        return new ItemLogContext();
    }

    /** Sets {@code key} (ignored when {@code value} is null or empty); the value before is restored on close. */
    public ItemLogContext with(String key, String value) {
        if (value == null || value.isEmpty()) {
            return this;
        }
        if (!previous.containsKey(key)) {
            previous.put(key, MDC.get(key));
        }
        MDC.put(key, value);
        return this;
    }

    /** {@code owner/name}, or the owner alone for org-level items. */
    public static String repo(String owner, String name) {
        if (owner == null || owner.isEmpty()) {
            return null;
        }
        return name == null || name.isEmpty() ? owner : owner + "/" + name;
    }

    @Override
    public void close() {
        previous.forEach((key, before) -> {
            if (before == null) {
                MDC.remove(key);
            } else {
                MDC.put(key, before);
            }
        });
        previous.clear();
    }
}
