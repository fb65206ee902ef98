package dev.forgebus.workers.release;

import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

import dev.forgebus.common.event.EventEnvelope;
import dev.forgebus.workers.InvalidInputException;

/**
 * What a delivery routed to the release module means, read from GitHub's and Forgejo/Gitea's
 * payloads alike: a tag (its {@code push} with {@code ref: refs/tags/<tag>}, or its {@code create}
 * event with {@code ref_type: tag} and {@code ref: <tag>}), or a merged pull request. A payload
 * without what that needs is {@link InvalidInputException#payload invalid}: no retry mends it.
 */
sealed interface ReleaseEvent {

    /** A tag was pushed or created. */
    record TagPushed(String tag) implements ReleaseEvent {
    }

    /** A pull request was merged; {@code labels} as the payload lists them. */
    record LabelledMerge(long number, String title, String mergeCommit, List<String> labels, String headSha)
            implements ReleaseEvent {
        /** Without a head SHA (a payload that lacks it) the merge commit carries the pull request's check. */
        LabelledMerge(long number, String title, String mergeCommit, List<String> labels) {
            this(number, title, mergeCommit, labels, mergeCommit);
        }
    }

    /** Routed here, but nothing for the module (e.g. a branch's create event). */
    record Ignored(String why) implements ReleaseEvent {
    }

    String TAGS = "refs/tags/";
    /** Longest tag accepted: git allows more, but no release tag is longer and the tag goes into URLs and keys. */
    int MAX_TAG = 250;

    static ReleaseEvent of(EventEnvelope item) {
        JsonNode payload = item.payload();
        return switch (item.event()) {
            case "push" -> {
                String ref = text(item, payload, "ref");
                if (!ref.startsWith(TAGS)) {
                    yield new Ignored("push to " + ref + " is not a tag");
                }
                yield new TagPushed(tag(item, ref.substring(TAGS.length())));
            }
            case "create" -> {
                String refType = payload.path("ref_type").asText("");
                if (!refType.equals("tag")) {
                    yield new Ignored("create of a " + (refType.isEmpty() ? "ref of no type" : refType) + ", not a tag");
                }
                String ref = text(item, payload, "ref");
                yield new TagPushed(tag(item, ref.startsWith(TAGS) ? ref.substring(TAGS.length()) : ref));
            }
            case "pull_request" -> merge(item, payload.path("pull_request"));
            default -> new Ignored(item.eventAction() + " is not a release event");
        };
    }

    private static ReleaseEvent merge(EventEnvelope item, JsonNode pr) {
        JsonNode number = pr.path("number");
        String mergeCommit = pr.path("merge_commit_sha").asText("");
        if (!number.canConvertToLong() || number.asLong() < 1 || !mergeCommit.matches("[0-9a-f]{40}|[0-9a-f]{64}")) {
            throw InvalidInputException.payload(item.eventAction() + " delivery " + item.deliveryId()
                    + " has no pull request number or merge commit SHA");
        }
        List<String> labels = new ArrayList<>();
        pr.path("labels").forEach(label -> labels.add(label.path("name").asText("")));
        String head = pr.path("head").path("sha").asText("");
        return new LabelledMerge(number.asLong(), pr.path("title").asText(""), mergeCommit, labels,
                head.matches("[0-9a-f]{40}|[0-9a-f]{64}") ? head : mergeCommit);
    }

    private static String text(EventEnvelope item, JsonNode payload, String field) {
        JsonNode node = payload.path(field);
        if (!node.isTextual() || node.asText().isEmpty()) {
            throw InvalidInputException.payload(item.eventAction() + " delivery " + item.deliveryId() + " has no " + field);
        }
        return node.asText();
    }

    /** A tag name as git allows it, within reason: no control characters, no spaces, not empty, bounded. */
    private static String tag(EventEnvelope item, String tag) {
        if (tag.isEmpty() || tag.length() > MAX_TAG || !tag.matches("[^\\p{Cntrl}\\s~^:?*\\[\\\\]+")) {
            throw InvalidInputException.payload(item.eventAction() + " delivery " + item.deliveryId()
                    + " names no valid tag (" + tag.length() + " characters)");
        }
        return tag;
    }
}
