package dev.forgebus.workers.crondispatch;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forgebus.common.event.Json;

/**
 * Which tick is sweeping a job (progress key {@code sweep:<job>}): one sweep per job at a time, so
 * a manual run, a catch-up tick fired at start-up and the scheduled tick never dispatch the fleet
 * twice over. The holder touches it on each step; a lock untouched for {@link #ABANDONED_AFTER}
 * (its item dead-lettered or hit the re-check limit) no longer holds.
 */
record SweepLock(String tick, Instant touched) {

    /** Steps are at most five minutes apart (poll) or a retry backoff (10 min by default) apart. */
    static final Duration ABANDONED_AFTER = Duration.ofMinutes(30);

    static String key(String jobName) {
        return "sweep:" + jobName;
    }

    /** Whether {@code tick} may sweep now, with this lock in the store. */
    static boolean allows(Optional<SweepLock> held, String tick, Instant now) {
        return held.isEmpty() || held.get().tick().equals(tick) || !now.isBefore(held.get().touched().plus(ABANDONED_AFTER));
    }

    String toJson() {
        ObjectNode json = Json.MAPPER.createObjectNode();
        json.put("tick", tick);
        json.put("touched", touched.toString());
        return json.toString();
    }

    static SweepLock fromJson(String text) {
        try {
            JsonNode json = Json.MAPPER.readTree(text);
            return new SweepLock(json.path("tick").asText(), Instant.parse(json.path("touched").asText()));
        } catch (Exception e) {
            throw new IllegalArgumentException("unreadable cron-dispatch lock: " + e.getClass().getSimpleName(), e);
        }
    }
}
