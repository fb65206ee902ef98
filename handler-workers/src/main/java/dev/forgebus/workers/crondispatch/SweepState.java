package dev.forgebus.workers.crondispatch;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forgebus.common.config.RepoRef;
import dev.forgebus.common.event.Json;

/**
 * Where one tick's sweep is, as kept in the progress store (key: the tick's delivery id, so job and
 * fire time): the last repository whose outcome is known ({@code doneThrough}), the one in flight
 * (dispatching, or dispatched and waiting for its run) and the outcome counts. Bounded in size
 * whatever the fleet: the list itself is recomputed from the config ({@link DispatchTargets}).
 */
record SweepState(Optional<RepoRef> doneThrough, Optional<InFlight> inFlight, Counts counts) {

    /** A repository being dispatched: {@code dispatched} false until the forge accepted the dispatch. */
    record InFlight(RepoRef repo, Instant since, boolean dispatched) {
    }

    /** Outcomes so far, per kind. */
    record Counts(int completed, int failed, int missingWorkflow, int timedOut, int dispatchedOnly) {
        Counts add(Outcome outcome) {
            return switch (outcome) {
                case COMPLETED -> new Counts(completed + 1, failed, missingWorkflow, timedOut, dispatchedOnly);
                case FAILED -> new Counts(completed, failed + 1, missingWorkflow, timedOut, dispatchedOnly);
                case MISSING_WORKFLOW -> new Counts(completed, failed, missingWorkflow + 1, timedOut, dispatchedOnly);
                case TIMED_OUT -> new Counts(completed, failed, missingWorkflow, timedOut + 1, dispatchedOnly);
                case DISPATCHED -> new Counts(completed, failed, missingWorkflow, timedOut, dispatchedOnly + 1);
            };
        }

        @Override
        public String toString() {
            return "completed " + completed + ", failed " + failed + ", workflow missing " + missingWorkflow + ", timed out "
                    + timedOut + ", dispatched without waiting " + dispatchedOnly;
        }
    }

    /** One repository's outcome. */
    enum Outcome { COMPLETED, FAILED, MISSING_WORKFLOW, TIMED_OUT, DISPATCHED }

    static final SweepState START = new SweepState(Optional.empty(), Optional.empty(), new Counts(0, 0, 0, 0, 0));

    SweepState dispatching(RepoRef repo, Instant now) {
        return new SweepState(doneThrough, Optional.of(new InFlight(repo, now, false)), counts);
    }

    SweepState dispatched() {
        InFlight f = inFlight.orElseThrow();
        return new SweepState(doneThrough, Optional.of(new InFlight(f.repo(), f.since(), true)), counts);
    }

    SweepState finished(RepoRef repo, Outcome outcome) {
        return new SweepState(Optional.of(repo), Optional.empty(), counts.add(outcome));
    }

    /** When waiting for {@code inFlight}'s run is over: {@code since + runTimeout}. */
    boolean timedOut(Instant now, Duration runTimeout) {
        return inFlight.map(f -> !now.isBefore(f.since().plus(runTimeout))).orElse(false);
    }

    String toJson() {
        ObjectNode json = Json.MAPPER.createObjectNode();
        doneThrough.ifPresent(r -> json.set("done_through", repoJson(r)));
        inFlight.ifPresent(f -> {
            ObjectNode node = repoJson(f.repo());
            node.put("since", f.since().toString());
            node.put("dispatched", f.dispatched());
            json.set("in_flight", node);
        });
        ObjectNode c = json.putObject("counts");
        c.put("completed", counts.completed());
        c.put("failed", counts.failed());
        c.put("missing_workflow", counts.missingWorkflow());
        c.put("timed_out", counts.timedOut());
        c.put("dispatched", counts.dispatchedOnly());
        return json.toString();
    }

    static SweepState fromJson(String text) {
        try {
            JsonNode json = Json.MAPPER.readTree(text);
            Optional<RepoRef> done = json.has("done_through") ? Optional.of(repo(json.get("done_through"))) : Optional.empty();
            Optional<InFlight> inFlight = json.has("in_flight")
                    ? Optional.of(new InFlight(repo(json.get("in_flight")), Instant.parse(json.get("in_flight").path("since").asText()),
                            json.get("in_flight").path("dispatched").asBoolean()))
                    : Optional.empty();
            JsonNode c = json.path("counts");
            return new SweepState(done, inFlight, new Counts(c.path("completed").asInt(), c.path("failed").asInt(),
                    c.path("missing_workflow").asInt(), c.path("timed_out").asInt(), c.path("dispatched").asInt()));
        } catch (Exception e) {
            throw new IllegalArgumentException("unreadable cron-dispatch progress: " + e.getClass().getSimpleName(), e);
        }
    }

    private static ObjectNode repoJson(RepoRef r) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("forge", r.forgeId());
        node.put("owner", r.owner());
        node.put("repo", r.repo());
        return node;
    }

    private static RepoRef repo(JsonNode node) {
        return new RepoRef(node.path("forge").asText(), node.path("owner").asText(), node.path("repo").asText());
    }
}
