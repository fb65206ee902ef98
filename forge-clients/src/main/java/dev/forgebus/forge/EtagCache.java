package dev.forgebus.forge;

import java.net.URI;
import java.net.http.HttpHeaders;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The last {@code 200} answer with an {@code ETag} of each GET URI, so the next GET of it can be
 * conditional ({@code If-None-Match}) and a {@code 304 Not Modified} served from here. On GitHub
 * a 304 does not count against the rate budget, so polling an unchanged resource is free.
 *
 * <p>One cache per {@link ForgeHttp}, hence per credential: what one credential may read is never
 * served to another. Bounded by entries ({@link #MAX_ENTRIES}, least recently used evicted) and
 * by answer size ({@link #MAX_BODY_CHARS}; larger answers are not kept). Thread-safe.
 */
final class EtagCache {
    static final int MAX_ENTRIES = 1_000;
    static final int MAX_BODY_CHARS = 512 * 1024;

    /** A cached answer: its validator, headers and body text. */
    record Entry(String etag, HttpHeaders headers, String body) {
    }

    private final int maxEntries;
    private final Map<String, Entry> entries;

    EtagCache() {
        this(MAX_ENTRIES);
    }

    EtagCache(int maxEntries) {
        this.maxEntries = maxEntries;
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, EtagCache.Entry> eldest) {
                return size() > EtagCache.this.maxEntries;
            }
        };
    }

    synchronized Optional<Entry> get(URI uri) {
        return Optional.ofNullable(entries.get(uri.toString()));
    }

    /** Keeps a 200 answer when it has an ETag and is small enough; forgets the URI's old entry otherwise. */
    synchronized void remember(URI uri, HttpHeaders headers, String body) {
        Optional<String> etag = headers.firstValue("etag");
        if (etag.isPresent() && !etag.get().isBlank() && body != null && body.length() <= MAX_BODY_CHARS) {
            entries.put(uri.toString(), new Entry(etag.get(), headers, body));
        } else {
            entries.remove(uri.toString());
        }
    }

    synchronized int size() {
        return entries.size();
    }
}
