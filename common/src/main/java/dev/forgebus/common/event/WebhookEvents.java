package dev.forgebus.common.event;

import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;

/**
 * Shapes of webhook events that module triggers share: a tag push, a merged pull request, an
 * event-and-action table. Event names are what the gateway wrote in the event header: GitHub's
 * {@code X-GitHub-Event}, and for Gitea/Forgejo the specific {@code X-*-Event-Type}, so their
 * label, sync and review events arrive as {@code pull_request_label}, {@code pull_request_sync},
 * {@code pull_request_review_approved}, ...
 */
public final class WebhookEvents {
    /** In an event table: every action of that event. */
    public static final Set<String> ANY_ACTION = Set.of();

    private WebhookEvents() {
    }

    /** Whether the event and its action are in {@code table} (event -> actions, or {@link #ANY_ACTION}). */
    public static boolean matches(Map<String, Set<String>> table, EventEnvelope e) {
        Set<String> actions = table.get(e.event());
        return actions != null && (actions == ANY_ACTION || actions.contains(action(e)));
    }

    /** A push that creates or moves a tag; a deleted tag arrives as a push too (GitHub), and is not one. */
    public static boolean isTagPush(EventEnvelope e) {
        return e.event().equals("push")
                && text(e.payload(), "ref").startsWith("refs/tags/")
                && !field(e.payload(), "deleted").asBoolean(false)
                && !text(e.payload(), "after").matches("0{40}|0{64}");
    }

    /** A tag's {@code create} event: {@code ref_type: tag} (GitHub, Gitea and Forgejo alike). */
    public static boolean isTagCreate(EventEnvelope e) {
        return e.event().equals("create") && text(e.payload(), "ref_type").equals("tag");
    }

    public static boolean isMergedPullRequest(EventEnvelope e) {
        return e.event().equals("pull_request") && action(e).equals("closed")
                && field(e.payload(), "pull_request").path("merged").asBoolean(false);
    }

    /** Whether an {@code edited} payload says {@code field} changed ({@code changes.<field>.from}). */
    public static boolean changed(EventEnvelope e, String field) {
        return field(e.payload(), "changes").path(field).isObject();
    }

    /** The action, or "" for events without one. */
    public static String action(EventEnvelope e) {
        return e.action() == null ? "" : e.action();
    }

    /** A top-level text field of the payload, or "" when absent or not text. */
    public static String text(JsonNode payload, String name) {
        JsonNode node = field(payload, name);
        return node.isTextual() ? node.asText() : "";
    }

    private static JsonNode field(JsonNode payload, String name) {
        return payload == null ? MissingNode.getInstance() : payload.path(name);
    }
}
