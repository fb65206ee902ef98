package dev.forgebus.workers.mirror;

import java.util.Objects;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

import dev.forgebus.common.event.WebhookEvents;

/**
 * The ref a push moved, as its payload says (GitHub, Forgejo and Gitea alike): {@code ref} is
 * {@code refs/heads/<branch>} or {@code refs/tags/<tag>}, {@code after} the new head.
 *
 * @param kind       branch or tag
 * @param name       the branch or tag name, without {@code refs/heads/} or {@code refs/tags/}
 * @param pushedSha  the SHA the push set; empty when the push deleted the ref
 */
record PushedRef(Kind kind, String name, Optional<String> pushedSha) {

    enum Kind { BRANCH, TAG }

    PushedRef {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(pushedSha, "pushedSha");
    }

    /** The pushed ref; empty for a push of anything but a branch or a tag (e.g. {@code refs/notes/*}). */
    static Optional<PushedRef> of(JsonNode payload) {
        String ref = WebhookEvents.text(payload, "ref");
        String after = WebhookEvents.text(payload, "after");
        boolean deleted = payload != null && payload.path("deleted").asBoolean(false) || after.isEmpty()
                || after.matches("0+");
        Optional<String> sha = deleted ? Optional.empty() : Optional.of(after);
        if (ref.startsWith("refs/heads/") && ref.length() > "refs/heads/".length()) {
            return Optional.of(new PushedRef(Kind.BRANCH, ref.substring("refs/heads/".length()), sha));
        }
        if (ref.startsWith("refs/tags/") && ref.length() > "refs/tags/".length()) {
            return Optional.of(new PushedRef(Kind.TAG, ref.substring("refs/tags/".length()), sha));
        }
        return Optional.empty();
    }

    /** {@code branch main} / {@code tag v1.0}. */
    String shown() {
        return (kind == Kind.BRANCH ? "branch " : "tag ") + name;
    }
}
