package dev.forgebus.forge;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The JSON shapes GitHub and Forgejo/Gitea share: Forgejo's issue, pull request and release
 * objects (and its release request body) use GitHub's field names, so both clients read and
 * write them here.
 */
final class ForgeShapes {

    private ForgeShapes() {
    }

    static ForgeIssue issue(JsonNode issue) {
        JsonNode pull = issue.path("pull_request");
        return new ForgeIssue(issue.path("number").asLong(), ForgePaging.text(issue.path("title")),
                "open".equals(issue.path("state").asText()), !pull.isMissingNode() && !pull.isNull(),
                ForgePaging.labelNames(issue.path("labels")), ForgePaging.text(issue.path("user").path("login")),
                ForgePaging.instant(issue.path("updated_at")), assignees(issue.path("assignees")),
                issue.path("milestone").isObject());
    }

    private static java.util.List<String> assignees(JsonNode assignees) {
        java.util.List<String> logins = new java.util.ArrayList<>();
        assignees.forEach(a -> logins.add(ForgePaging.text(a.path("login"))));
        return logins;
    }

    static OrgRepository orgRepository(JsonNode repo) {
        return new OrgRepository(ForgePaging.text(repo.path("name")), repo.path("archived").asBoolean(),
                repo.path("fork").asBoolean());
    }

    static ForgeRelease release(JsonNode release) {
        return new ForgeRelease(release.path("id").asLong(), release.path("tag_name").asText(),
                ForgePaging.text(release.path("name")), ForgePaging.text(release.path("body")),
                release.path("draft").asBoolean(), release.path("prerelease").asBoolean(),
                ForgePaging.text(release.path("html_url")));
    }

    static ForgePullRequest pullRequest(JsonNode pull) {
        JsonNode head = pull.path("head");
        return new ForgePullRequest(pull.path("number").asLong(), "open".equals(pull.path("state").asText()),
                pull.path("draft").asBoolean(), pull.path("merged").asBoolean(), ForgePaging.text(head.path("sha")),
                ForgePaging.text(head.path("ref")),
                // A fork that was deleted leaves head.repo null: "" then, as there is no repository to name.
                ForgePaging.text(head.path("repo").path("full_name")), ForgePaging.text(pull.path("base").path("ref")),
                ForgePaging.labelNames(pull.path("labels")));
    }

    /** The fields both release routes take; {@code target_commitish} only when given (else the default branch). */
    static Map<String, Object> releaseBody(ReleaseDraft draft) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("tag_name", draft.tag());
        draft.targetCommitish().ifPresent(target -> body.put("target_commitish", target));
        body.put("name", draft.name());
        body.put("body", draft.body());
        body.put("draft", draft.draft());
        body.put("prerelease", draft.prerelease());
        return body;
    }
}
