package dev.forgebus.fakeforge;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * GitHub's secondary limit on content-creating requests (POST, PATCH, PUT, DELETE), when a test
 * asks for it: at most N a rolling minute per token. Only admitted writes fill the minute; a
 * refused one is recorded. Off by default.
 */
final class SecondaryWriteLimit {
    private static final Duration WINDOW = Duration.ofMinutes(1);

    private final Clock clock;
    // Guarded by this:
    private int perMinute;
    /** Per raw Authorization value (kept in memory only, never recorded): arrival times of admitted writes. */
    private final Map<String, Deque<Instant>> admitted = new HashMap<>();
    private final List<RecordedRequest> refused = new ArrayList<>();

    SecondaryWriteLimit(Clock clock) {
        this.clock = clock;
    }

    synchronized void enforce(int writesPerMinute) {
        if (writesPerMinute < 0) {
            throw new IllegalArgumentException("writes a minute must be at least 0 (0: off), was " + writesPerMinute);
        }
        perMinute = writesPerMinute;
        admitted.clear();
    }

    /**
     * Admits {@code request} (and counts it when it is a write), or answers the seconds until the
     * token's oldest write leaves the minute: the {@code Retry-After} of the refusal.
     */
    synchronized OptionalLong refusal(RecordedRequest request, String authorization) {
        if (perMinute == 0 || !isContentCreating(request)) {
            return OptionalLong.empty();
        }
        Instant now = clock.instant();
        Deque<Instant> writes = admitted.computeIfAbsent(authorization == null ? "" : authorization, k -> new ArrayDeque<>());
        while (!writes.isEmpty() && !writes.peekFirst().plus(WINDOW).isAfter(now)) {
            writes.removeFirst();
        }
        if (writes.size() < perMinute) {
            writes.addLast(now);
            return OptionalLong.empty();
        }
        refused.add(request);
        long millis = Duration.between(now, writes.peekFirst().plus(WINDOW)).toMillis();
        return OptionalLong.of(Math.max(1, (millis + 999) / 1000));
    }

    synchronized List<RecordedRequest> refused() {
        return List.copyOf(refused);
    }

    synchronized void reset() {
        perMinute = 0;
        admitted.clear();
        refused.clear();
    }

    private static boolean isContentCreating(RecordedRequest request) {
        return switch (request.method().toUpperCase(java.util.Locale.ROOT)) {
            case "POST", "PATCH", "PUT", "DELETE" -> true;
            default -> false;
        };
    }
}
