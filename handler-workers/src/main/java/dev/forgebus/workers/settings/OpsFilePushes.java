package dev.forgebus.workers.settings;

import com.fasterxml.jackson.databind.JsonNode;

import dev.forgebus.common.config.OpsFile;
import dev.forgebus.common.event.EventEnvelope;

/**
 * Whether a push changes a repository's {@code .ops.yaml}: a push to the default branch whose
 * commits add, modify or remove it (GitHub, Forgejo and Gitea all list the paths per commit).
 * Also yes when the push does not list its commits fully (GitHub lists at most 20; a forced push
 * back to an older commit lists none): a needless re-read costs one conditional request.
 */
final class OpsFilePushes {

    /** GitHub puts at most this many commits in a push payload. */
    private static final int LISTED_COMMITS_CAP = 20;

    private OpsFilePushes() {
    }

    static boolean touchesOpsFile(EventEnvelope item) {
        if (!"push".equals(item.event()) || item.repo().isEmpty()) {
            return false;
        }
        JsonNode payload = item.payload();
        String defaultBranch = payload.path("repository").path("default_branch").asText("");
        if (defaultBranch.isEmpty() || !payload.path("ref").asText("").equals("refs/heads/" + defaultBranch)) {
            return false;
        }
        JsonNode commits = payload.path("commits");
        if (!commits.isArray() || commits.isEmpty() || commits.size() >= LISTED_COMMITS_CAP) {
            return true;
        }
        for (JsonNode commit : commits) {
            for (String kind : new String[] {"added", "modified", "removed"}) {
                for (JsonNode path : commit.path(kind)) {
                    if (path.asText("").equals(OpsFile.PATH)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }
}
