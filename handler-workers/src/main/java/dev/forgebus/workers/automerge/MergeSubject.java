package dev.forgebus.workers.automerge;

import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

import dev.forgebus.common.event.EventEnvelope;
import dev.forgebus.workers.InvalidInputException;

/**
 * What an auto-merge event is about: one pull request (label, push, review events), or one commit
 * (check run, check suite and status events name a SHA, not a pull request). A commit event that
 * does not report a finished check cannot make anything green and is {@link Idle}.
 */
sealed interface MergeSubject {

    /** Hex, as both forges write SHAs (SHA-1 or SHA-256); anything else is not a commit we look up. */
    Pattern SHA = Pattern.compile("[0-9a-f]{7,64}");

    record PullRequest(long number) implements MergeSubject {
    }

    record Commit(String sha) implements MergeSubject {
    }

    /** Nothing to evaluate: e.g. a check run that was created or is still running. */
    record Idle(String why) implements MergeSubject {
    }

    /**
     * @throws InvalidInputException when the payload lacks the pull request number or the SHA
     */
    static MergeSubject of(EventEnvelope item) {
        JsonNode payload = item.payload();
        String action = item.action() == null ? "" : item.action();
        return switch (item.event()) {
            case "check_run", "check_suite" -> {
                JsonNode check = payload.path(item.event());
                if (!"completed".equals(action)) {
                    yield new Idle(item.event() + " " + action + ": not completed");
                }
                yield new Commit(sha(item, check.path("head_sha")));
            }
            case "status" -> {
                String state = payload.path("state").asText("");
                if (state.equals("pending")) {
                    yield new Idle("status pending");
                }
                yield new Commit(sha(item, payload.path("sha")));
            }
            default -> new PullRequest(number(item));
        };
    }

    /** GitHub: {@code pull_request.number}; Gitea/Forgejo also top-level {@code number}. */
    private static long number(EventEnvelope item) {
        JsonNode payload = item.payload();
        JsonNode number = payload.path("pull_request").path("number");
        if (!number.canConvertToLong()) {
            number = payload.path("number");
        }
        if (!number.canConvertToLong() || number.asLong() < 1) {
            throw InvalidInputException.payload(item.eventAction() + " delivery " + item.deliveryId()
                    + " has no pull request number");
        }
        return number.asLong();
    }

    private static String sha(EventEnvelope item, JsonNode sha) {
        String text = sha.isTextual() ? sha.asText() : "";
        if (!SHA.matcher(text).matches()) {
            throw InvalidInputException.payload(item.eventAction() + " delivery " + item.deliveryId()
                    + " has no commit SHA");
        }
        return text;
    }
}
