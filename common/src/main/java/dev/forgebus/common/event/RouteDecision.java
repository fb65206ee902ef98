package dev.forgebus.common.event;

/**
 * Whether one module receives an event, and why (or why not): "module disabled", "event not a
 * trigger", "repository not configured", "re-routed: earlier attempt dead-lettered", ...
 */
public record RouteDecision(String module, boolean routed, String reason) {
}
