package dev.forgebus.workers.health;

import java.io.IOException;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forgebus.common.event.Json;

/**
 * What the monitor remembers about one probe between ticks, in the module's progress store (key
 * {@code probe:<name>}), so a restart neither forgets a target is down nor opens a second issue.
 *
 * @param down      the target counts as down (after {@code failures_before_down} failures in a row)
 * @param failures  consecutive failed probes so far
 * @param openIssue the number of the issue the github_issue sink opened for this outage, 0 when none
 * @param pending   a state change decided but not yet delivered to every sink (a crash or a sink
 *                  failure between the two delivers it on the next attempt)
 */
public record ProbeState(boolean down, int failures, long openIssue, Optional<StateChange> pending) {

    /** A probe never seen: counted as up, so its first success is no change and says nothing. */
    public static final ProbeState INITIAL = new ProbeState(false, 0, 0, Optional.empty());

    public ProbeState {
        Objects.requireNonNull(pending, "pending");
        if (failures < 0 || openIssue < 0) {
            throw new IllegalArgumentException("failures and openIssue must not be negative");
        }
    }

    /**
     * The state after {@code outcome}: down once {@code failuresBeforeDown} probes in a row failed,
     * up at the first success after that. A change replaces any undelivered one (the newer is what
     * is true now).
     */
    public ProbeState after(ProbeOutcome outcome, int failuresBeforeDown, String probe, Instant at) {
        if (outcome.up()) {
            return down
                    ? new ProbeState(false, 0, openIssue, Optional.of(new StateChange(probe, false, outcome.detail(), at)))
                    : new ProbeState(false, 0, openIssue, pending);
        }
        int failed = Math.min(failures + 1, 1_000_000);
        if (!down && failed >= failuresBeforeDown) {
            return new ProbeState(true, failed, openIssue, Optional.of(new StateChange(probe, true,
                    outcome.detail() + " (" + failed + " failed probe(s) in a row)", at)));
        }
        return new ProbeState(down, failed, openIssue, pending);
    }

    /** The pending change delivered; {@code issue} is the open issue's number now (0 when closed or none). */
    public ProbeState delivered(long issue) {
        return new ProbeState(down, failures, issue, Optional.empty());
    }

    /** The stored form: one small JSON object. */
    public String encode() {
        ObjectNode json = Json.MAPPER.createObjectNode();
        json.put("down", down);
        json.put("failures", failures);
        json.put("open_issue", openIssue);
        pending.ifPresent(p -> json.set("pending", p.toStored()));
        return json.toString();
    }

    /** The stored form read back; a value this version cannot read is {@link #INITIAL} (the next probes rebuild it). */
    public static ProbeState decode(String stored) {
        try {
            JsonNode json = Json.MAPPER.readTree(stored);
            Optional<StateChange> pending = json.hasNonNull("pending")
                    ? Optional.of(StateChange.fromStored(json.path("pending")))
                    : Optional.empty();
            return new ProbeState(json.path("down").asBoolean(), Math.max(0, json.path("failures").asInt()),
                    Math.max(0, json.path("open_issue").asLong()), pending);
        } catch (IOException | RuntimeException e) {
            return INITIAL;
        }
    }
}
