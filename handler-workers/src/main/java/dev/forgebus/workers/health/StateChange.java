package dev.forgebus.workers.health;

import java.time.Instant;
import java.util.Objects;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forgebus.common.event.Json;

/**
 * A probe's target went down or came back up: the only thing sinks hear about.
 *
 * @param probe  the probe's name
 * @param down   true for up→down, false for down→up
 * @param detail the failure that made it down (or what it answered when up)
 * @param at     when the probe that decided it ran
 */
public record StateChange(String probe, boolean down, String detail, Instant at) {

    public StateChange {
        Objects.requireNonNull(probe, "probe");
        Objects.requireNonNull(detail, "detail");
        Objects.requireNonNull(at, "at");
    }

    /** {@code down} or {@code up}. */
    public String state() {
        return down ? "down" : "up";
    }

    /** The notification kind: {@code health_down} or {@code health_up}. */
    public String kind() {
        return "health_" + state();
    }

    /** The one line a stdout sink prints. */
    public String line() {
        return "health-monitor " + probe + " " + state() + " at " + at + ": " + detail;
    }

    /** What the file and webhook sinks write: {@code {"probe","state","detail","at"}}. */
    public ObjectNode json() {
        ObjectNode json = Json.MAPPER.createObjectNode();
        json.put("probe", probe);
        json.put("state", state());
        json.put("detail", detail);
        json.put("at", at.toString());
        return json;
    }

    ObjectNode toStored() {
        ObjectNode json = json();
        json.put("down", down);
        return json;
    }

    static StateChange fromStored(com.fasterxml.jackson.databind.JsonNode json) {
        return new StateChange(json.path("probe").asText(), json.path("down").asBoolean(), json.path("detail").asText(),
                Instant.parse(json.path("at").asText()));
    }
}
