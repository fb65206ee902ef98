package dev.forgebus.forge;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Commit statuses as checks. A context can be reported many times (pending, then success); only
 * its latest report counts, as both forges' combined status does. Both list newest first, but the
 * latest is chosen by {@code created_at} (ties: the first listed) so the order is not relied on.
 */
final class CommitStatuses {

    private CommitStatuses() {
    }

    /**
     * @param stateField {@code state} on GitHub, {@code status} on Forgejo/Gitea
     */
    static List<CheckResult> latestPerContext(List<JsonNode> statuses, String stateField) {
        Map<String, JsonNode> latest = new LinkedHashMap<>();
        for (JsonNode status : statuses) {
            String context = status.path("context").asText();
            JsonNode seen = latest.get(context);
            if (seen == null || createdAt(status).isAfter(createdAt(seen))) {
                latest.put(context, status);
            }
        }
        List<CheckResult> checks = new ArrayList<>();
        latest.forEach((context, status) -> checks.add(new CheckResult(context, state(status.path(stateField).asText()))));
        return checks;
    }

    /**
     * pending: pending; success (and Gitea's skipped): success; failure, error and anything
     * unknown (Gitea's warning included): failure, so that an unfamiliar state never lets a merge through.
     */
    private static CheckResult.State state(String state) {
        return switch (state) {
            case "pending" -> CheckResult.State.PENDING;
            case "success", "skipped" -> CheckResult.State.SUCCESS;
            default -> CheckResult.State.FAILURE;
        };
    }

    private static Instant createdAt(JsonNode status) {
        return ForgePaging.instant(status.path("created_at"));
    }
}
