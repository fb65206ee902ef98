package dev.forgebus.fakeforge;

import static dev.forgebus.fakeforge.Routes.bool;
import static dev.forgebus.fakeforge.Routes.number;
import static dev.forgebus.fakeforge.Routes.owner;
import static dev.forgebus.fakeforge.Routes.repo;
import static dev.forgebus.fakeforge.Routes.text;

import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.IntSupplier;
import java.util.regex.Matcher;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Forgejo's (and Gitea's) routes beyond labels, under {@code /api/v1}, as its swagger describes
 * them: issues (no {@code state_reason}), comments, contents, releases (drafts found by tag),
 * pull requests and the {@code Do} merge (405 not mergeable, 409 head out of date), commit
 * statuses ({@code status} field), branches and tags, workflow dispatch, Actions tasks, mirror sync.
 * Lists page with {@code page} and {@code limit} and send {@code X-Total-Count}.
 */
final class ForgejoRoutes {
    private static final int DEFAULT_PAGE_SIZE = 30;
    /** Forgejo's {@code MAX_RESPONSE_ITEMS} default. */
    private static final int MAX_PAGE_SIZE = 50;
    private static final String REPO = "/repos/([^/]+)/([^/]+)";
    private static final Set<String> MERGE_STYLES = Set.of("merge", "rebase", "rebase-merge", "squash",
            "fast-forward-only", "manually-merged");

    private final ForgeState state;
    private final String apiUrl;
    private final IntSupplier maxPageSize;
    private final ForgeApi api;
    private final Routes routes = new Routes();

    ForgejoRoutes(ForgeState state, String apiUrl, IntSupplier maxPageSize, ForgeApi api) {
        this.state = state;
        this.apiUrl = apiUrl;
        this.maxPageSize = maxPageSize;
        this.api = api;
        routes.on("GET", "/orgs/([^/]+)/repos", (request, m) -> paged(request, m.group(0),
                        state.orgRepositories(Routes.segment(m, 1)), page -> page))
                .on("GET", REPO, this::getRepository)
                .on("GET", REPO + "/issues", this::listIssues)
                .on("POST", REPO + "/issues", this::createIssue)
                .on("GET", REPO + "/issues/(\\d{1,18})", this::getIssue)
                .on("PATCH", REPO + "/issues/(\\d{1,18})", this::editIssue)
                .on("DELETE", REPO + "/issues/(\\d{1,18})/labels/(\\d{1,18})", this::removeLabel)
                .on("GET", REPO + "/issues/(\\d{1,18})/comments", this::listComments)
                .on("POST", REPO + "/issues/(\\d{1,18})/comments", this::createComment)
                .on("GET", REPO + "/contents/(.+)", this::getContent)
                .on("GET", REPO + "/releases/tags/([^/]+)", this::getReleaseByTag)
                .on("POST", REPO + "/releases", this::createRelease)
                .on("PATCH", REPO + "/releases/(\\d{1,18})", this::editRelease)
                .on("GET", REPO + "/pulls", this::listPulls)
                .on("GET", REPO + "/pulls/(\\d{1,18})", this::getPull)
                .on("POST", REPO + "/pulls/(\\d{1,18})/merge", this::merge)
                .on("GET", REPO + "/commits/([^/]+)/statuses", this::listStatuses)
                .on("POST", REPO + "/statuses/([^/]+)", this::createStatus)
                .on("GET", REPO + "/branches", this::listBranches)
                .on("GET", REPO + "/tags", this::listTags)
                .on("DELETE", REPO + "/branches/(.+)", this::deleteBranch)
                .on("POST", REPO + "/actions/workflows/([^/]+)/dispatches", this::workflowDispatch)
                .on("GET", REPO + "/actions/tasks", this::listTasks)
                .on("POST", REPO + "/mirror-sync", this::mirrorSync);
    }

    /** The reply of a route this class has, else empty. */
    Optional<Reply> handle(RecordedRequest request, String path) {
        return routes.dispatch(request, path);
    }

    private Reply getRepository(RecordedRequest request, Matcher m) {
        if (!state.hasRepository(owner(m), repo(m))) {
            return notFound();
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", 1);
        json.put("name", repo(m));
        json.put("full_name", owner(m) + "/" + repo(m));
        json.put("default_branch", ForgeState.DEFAULT_BRANCH);
        json.put("mirror", true);
        return Reply.json(200, json);
    }

    // ---- issues ----

    private Reply listIssues(RecordedRequest request, Matcher m) {
        if (!state.hasRepository(owner(m), repo(m))) {
            return notFound();
        }
        Map<String, String> query = ForgeApi.queryParameters(request.query());
        String wanted = query.getOrDefault("state", "open");
        String type = query.getOrDefault("type", "");
        List<ForgeState.IssueView> issues = state.issues(owner(m), repo(m)).stream()
                .filter(i -> wanted.equals("all") || (wanted.equals("open") == i.open()))
                .filter(i -> type.isEmpty() || (type.equals("pulls") == i.pull().isPresent()))
                .toList();
        return paged(request, m.group(0), issues, page -> page.stream().map(i -> issueJson(owner(m), repo(m), i)).toList());
    }

    /** {@code CreateIssueOption}: title required, labels are ids. */
    private Reply createIssue(RecordedRequest request, Matcher m) {
        JsonNode json = Routes.jsonBody(request).orElse(null);
        if (json == null) {
            return api.error(422, "invalid JSON body");
        }
        if (json.path("title").asText("").isBlank()) {
            return api.error(422, "[Title]: Required");
        }
        if (!state.hasRepository(owner(m), repo(m))) {
            return notFound();
        }
        List<Long> ids = new ArrayList<>();
        for (JsonNode id : json.path("labels")) {
            long value = id.asLong();
            if (state.repositoryLabels(owner(m), repo(m)).stream().noneMatch(l -> l.id() == value)) {
                return api.error(422, "label does not exist [id: " + value + "]");
            }
            ids.add(value);
        }
        ForgeState.IssueView issue = state.openIssue(owner(m), repo(m), json.path("title").asText(),
                json.path("body").asText(""), ids);
        return Reply.json(201, issueJson(owner(m), repo(m), issue));
    }

    private Reply getIssue(RecordedRequest request, Matcher m) {
        return state.issueView(owner(m), repo(m), number(m))
                .map(issue -> Reply.json(200, issueJson(owner(m), repo(m), issue)))
                .orElseGet(this::notFound);
    }

    /** {@code EditIssueOption}: no {@code state_reason} (the forge would ignore one); answers 201. */
    private Reply editIssue(RecordedRequest request, Matcher m) {
        JsonNode json = Routes.jsonBody(request).orElse(null);
        if (json == null) {
            return api.error(422, "invalid JSON body");
        }
        String stateValue = text(json, "state");
        if (stateValue != null && !Set.of("open", "closed").contains(stateValue)) {
            return api.error(422, "[State]: invalid");
        }
        return state.editIssue(owner(m), repo(m), number(m), text(json, "title"), text(json, "body"),
                        stateValue == null ? null : stateValue.equals("open"), null)
                .map(issue -> Reply.json(201, issueJson(owner(m), repo(m), issue)))
                .orElseGet(this::notFound);
    }

    /** 204 whether or not the label was on the issue; 422 for an id the repository does not have. */
    private Reply removeLabel(RecordedRequest request, Matcher m) {
        if (!state.hasIssue(owner(m), repo(m), number(m))) {
            return notFound();
        }
        long id = Long.parseLong(m.group(4));
        if (state.repositoryLabels(owner(m), repo(m)).stream().noneMatch(l -> l.id() == id)) {
            return api.error(422, "label does not exist [id: " + id + "]");
        }
        state.removeLabel(owner(m), repo(m), number(m), label -> label.id() == id);
        return new Reply(204, Map.of(), "");
    }

    /** Not paginated by the forge. */
    private Reply listComments(RecordedRequest request, Matcher m) {
        return state.comments(owner(m), repo(m), number(m))
                .map(comments -> Reply.json(200, comments.stream().map(this::commentJson).toList()))
                .orElseGet(this::notFound);
    }

    private Reply createComment(RecordedRequest request, Matcher m) {
        JsonNode json = Routes.jsonBody(request).orElse(null);
        if (json == null || !json.path("body").isTextual()) {
            return api.error(422, "[Body]: Required");
        }
        return state.addComment(owner(m), repo(m), number(m), ForgeState.TOKEN_USER, json.path("body").asText())
                .map(comment -> Reply.json(201, commentJson(comment)))
                .orElseGet(this::notFound);
    }

    // ---- contents ----

    private Reply getContent(RecordedRequest request, Matcher m) {
        String path = ForgeApi.decode(m.group(3));
        String ref = ForgeApi.queryParameters(request.query()).get("ref");
        return state.file(owner(m), repo(m), ref, path).map(file -> {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("name", path.substring(path.lastIndexOf('/') + 1));
            json.put("path", path);
            json.put("sha", file.sha());
            json.put("type", "file");
            json.put("size", file.bytes().length);
            json.put("encoding", "base64");
            json.put("content", Base64.getEncoder().encodeToString(file.bytes()));
            return Reply.json(200, json);
        }).orElseGet(() -> folderOrNotFound(owner(m), repo(m), ref, path));
    }

    /** A folder's listing, as the contents API answers for a folder: an array of entries (files only here). */
    private Reply folderOrNotFound(String owner, String repo, String ref, String path) {
        List<ForgeState.StoredFile> files = state.folder(owner, repo, ref, path);
        return files.isEmpty() ? notFound() : Reply.json(200, Routes.folderListing(files));
    }

    // ---- releases ----

    /** Drafts included, as Forgejo does for a user who may see them. */
    private Reply getReleaseByTag(RecordedRequest request, Matcher m) {
        String tag = Routes.segment(m, 3);
        return state.releases(owner(m), repo(m)).stream().filter(release -> release.tag().equals(tag)).findFirst()
                .map(release -> Reply.json(200, releaseJson(owner(m), repo(m), release)))
                .orElseGet(this::notFound);
    }

    /** {@code CreateReleaseOption}: 201; 409 when the tag already has a release. */
    private Reply createRelease(RecordedRequest request, Matcher m) {
        JsonNode json = Routes.jsonBody(request).orElse(null);
        if (json == null || json.path("tag_name").asText("").isBlank()) {
            return api.error(422, "[TagName]: Required");
        }
        if (!state.hasRepository(owner(m), repo(m))) {
            return notFound();
        }
        return state.createRelease(owner(m), repo(m), json.path("tag_name").asText(), text(json, "target_commitish"),
                        text(json, "name"), text(json, "body"), json.path("draft").asBoolean(false),
                        json.path("prerelease").asBoolean(false))
                .map(release -> Reply.json(201, releaseJson(owner(m), repo(m), release)))
                .orElseGet(() -> api.error(409, "Release is has no Tag"));
    }

    private Reply editRelease(RecordedRequest request, Matcher m) {
        JsonNode json = Routes.jsonBody(request).orElse(null);
        if (json == null) {
            return api.error(422, "invalid JSON body");
        }
        return state.editRelease(owner(m), repo(m), number(m), text(json, "tag_name"), text(json, "name"),
                        text(json, "body"), bool(json, "draft"), bool(json, "prerelease"))
                .map(release -> Reply.json(200, releaseJson(owner(m), repo(m), release)))
                .orElseGet(this::notFound);
    }

    // ---- pull requests ----

    /** {@code ?state=open} (the default), {@code closed} or {@code all}; newest first, paged. */
    private Reply listPulls(RecordedRequest request, Matcher m) {
        if (!state.hasRepository(owner(m), repo(m))) {
            return notFound();
        }
        String wanted = ForgeApi.queryParameters(request.query()).getOrDefault("state", "open");
        List<ForgeState.IssueView> pulls = state.issues(owner(m), repo(m)).stream()
                .filter(i -> i.pull().isPresent())
                .filter(i -> wanted.equals("all") || (wanted.equals("open") == i.open())).toList();
        return paged(request, m.group(0), pulls, page -> page.stream().map(i -> pullJson(owner(m), repo(m), i)).toList());
    }

    private Reply getPull(RecordedRequest request, Matcher m) {
        return state.issueView(owner(m), repo(m), number(m)).filter(issue -> issue.pull().isPresent())
                .map(issue -> Reply.json(200, pullJson(owner(m), repo(m), issue)))
                .orElseGet(this::notFound);
    }

    /** {@code MergePullRequestOption}: {@code Do} required; 200 with no body, 405, or 409 "head out of date". */
    private Reply merge(RecordedRequest request, Matcher m) {
        JsonNode json = Routes.jsonBody(request).orElse(null);
        if (json == null || !MERGE_STYLES.contains(json.path("Do").asText(""))) {
            return api.error(422, "[Do]: Required or not a merge style");
        }
        return switch (state.merge(owner(m), repo(m), number(m), text(json, "head_commit_id"))) {
            case ForgeState.MergeResult.Merged merged -> new Reply(200, Map.of(), "");
            case ForgeState.MergeResult.NoSuchPull none -> notFound();
            case ForgeState.MergeResult.NotMergeable refused -> api.error(405, "Please try again later");
            case ForgeState.MergeResult.HeadMoved moved -> api.error(409, "head out of date");
        };
    }

    // ---- statuses, branches, tags ----

    /** {@code POST /repos/{o}/{r}/statuses/{sha}}: state, context, description; the forge keeps the latest per context. */
    private Reply createStatus(RecordedRequest request, Matcher m) {
        Optional<JsonNode> body = Routes.jsonBody(request);
        if (body.isEmpty() || Routes.text(body.get(), "state") == null) {
            return api.error(422, "state is required");
        }
        JsonNode json = body.get();
        String context = Optional.ofNullable(Routes.text(json, "context")).orElse("default");
        state.addStatus(owner(m), repo(m), Routes.segment(m, 3), context, Routes.text(json, "state"),
                Routes.text(json, "description"));
        return Reply.json(201, Map.of("status", Routes.text(json, "state"), "context", context));
    }

    private Reply listStatuses(RecordedRequest request, Matcher m) {
        List<ForgeState.Status> statuses = state.statuses(owner(m), repo(m), Routes.segment(m, 3));
        return paged(request, m.group(0), statuses, page -> page.stream().map(status -> {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("id", status.id());
            json.put("status", status.state());
            json.put("context", status.context());
            json.put("description", state.summary(status.id()));
            json.put("created_at", GitHubRoutes.timestamp(status.createdAt()));
            json.put("updated_at", GitHubRoutes.timestamp(status.createdAt()));
            return json;
        }).toList());
    }

    private Reply listBranches(RecordedRequest request, Matcher m) {
        if (!state.hasRepository(owner(m), repo(m))) {
            return notFound();
        }
        return paged(request, m.group(0), state.branchList(owner(m), repo(m)), page -> page.stream().map(branch ->
                Map.of("name", branch.getKey(), "commit", Map.of("id", branch.getValue(), "message", ""),
                        "protected", false)).toList());
    }

    private Reply listTags(RecordedRequest request, Matcher m) {
        if (!state.hasRepository(owner(m), repo(m))) {
            return notFound();
        }
        return paged(request, m.group(0), state.tagList(owner(m), repo(m)), page -> page.stream().map(tag ->
                Map.of("name", tag.getKey(), "id", tag.getValue(), "commit", Map.of("sha", tag.getValue()))).toList());
    }

    /** 204; 404 for a branch that is not there. */
    private Reply deleteBranch(RecordedRequest request, Matcher m) {
        return state.deleteBranch(owner(m), repo(m), ForgeApi.decode(m.group(3)))
                ? new Reply(204, Map.of(), "")
                : notFound();
    }

    // ---- workflows and mirrors ----

    /** {@code DispatchWorkflowOption}: {@code ref} required; 204. */
    private Reply workflowDispatch(RecordedRequest request, Matcher m) {
        JsonNode json = Routes.jsonBody(request).orElse(null);
        if (json == null || json.path("ref").asText("").isBlank()) {
            return api.error(422, "[Ref]: Required");
        }
        if (!state.hasRepository(owner(m), repo(m)) || state.lacksWorkflow(owner(m), repo(m), Routes.segment(m, 3))) {
            return notFound();
        }
        Map<String, String> inputs = new LinkedHashMap<>();
        json.path("inputs").properties().forEach(e -> inputs.put(e.getKey(), e.getValue().asText()));
        state.dispatchWorkflow(owner(m), repo(m), Routes.segment(m, 3), json.path("ref").asText(), inputs);
        return new Reply(204, Map.of(), "");
    }

    /** {@code ActionTaskResponse}, newest first: {@code workflow_id} is the file name, {@code status} the run's state. */
    private Reply listTasks(RecordedRequest request, Matcher m) {
        List<ForgeState.Run> runs = state.runs(owner(m), repo(m));
        return paged(request, m.group(0), runs, page -> {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("total_count", runs.size());
            json.put("workflow_runs", page.stream().map(run -> {
                Map<String, Object> task = new LinkedHashMap<>();
                task.put("id", run.id());
                task.put("name", "build");
                task.put("workflow_id", run.workflow());
                task.put("head_branch", run.ref());
                task.put("run_number", run.id());
                task.put("status", switch (run.status()) {
                    case "completed" -> run.conclusion();
                    case "in_progress" -> "running";
                    default -> "waiting";
                });
                task.put("created_at", GitHubRoutes.timestamp(run.createdAt()));
                task.put("url", apiUrl.replaceFirst("/api/v1$", "") + "/" + owner(m) + "/" + repo(m)
                        + "/actions/runs/" + run.id());
                return task;
            }).toList());
            return json;
        });
    }

    private Reply mirrorSync(RecordedRequest request, Matcher m) {
        return state.requestMirrorSync(owner(m), repo(m)) ? new Reply(200, Map.of(), "") : notFound();
    }

    // ---- JSON shapes ----

    private Map<String, Object> issueJson(String owner, String repo, ForgeState.IssueView issue) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", issue.number() * 1000);
        json.put("number", issue.number());
        json.put("title", issue.title());
        json.put("body", issue.body());
        json.put("state", issue.open() ? "open" : "closed");
        json.put("user", Map.of("login", issue.author()));
        json.put("labels", issue.labels().stream().map(this::labelJson).toList());
        json.put("created_at", GitHubRoutes.timestamp(issue.createdAt()));
        json.put("updated_at", GitHubRoutes.timestamp(issue.updatedAt()));
        state.putAssigneesAndMilestone(owner, repo, issue.number(), json);
        json.put("pull_request", issue.pull().map(pull -> Map.of("merged", pull.merged(), "draft", pull.draft()))
                .orElse(null));
        return json;
    }

    private Map<String, Object> pullJson(String owner, String repo, ForgeState.IssueView issue) {
        ForgeState.PullView pull = issue.pull().orElseThrow();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("number", issue.number());
        json.put("state", issue.open() ? "open" : "closed");
        json.put("title", issue.title());
        json.put("draft", pull.draft());
        json.put("merged", pull.merged());
        json.put("mergeable", pull.mergeable());
        json.put("merge_commit_sha", pull.mergeSha());
        json.put("head", Map.of("ref", pull.headRef(), "sha", pull.headSha(), "repo", Map.of("full_name", pull.headRepo())));
        json.put("base", Map.of("ref", pull.baseRef(), "repo", Map.of("full_name", owner + "/" + repo)));
        json.put("labels", issue.labels().stream().map(this::labelJson).toList());
        return json;
    }

    private Map<String, Object> releaseJson(String owner, String repo, ForgeState.Release release) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", release.id());
        json.put("tag_name", release.tag());
        json.put("target_commitish", release.target());
        json.put("name", release.name());
        json.put("body", release.body());
        json.put("draft", release.draft());
        json.put("prerelease", release.prerelease());
        json.put("created_at", GitHubRoutes.timestamp(release.createdAt()));
        json.put("html_url", apiUrl.replaceFirst("/api/v1$", "") + "/" + owner + "/" + repo + "/releases/tag/"
                + release.tag());
        return json;
    }

    private Map<String, Object> commentJson(ForgeState.Comment comment) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", comment.id());
        json.put("user", Map.of("login", comment.author()));
        json.put("body", comment.body());
        json.put("created_at", GitHubRoutes.timestamp(comment.createdAt()));
        return json;
    }

    private Map<String, Object> labelJson(ForgeState.Label label) {
        return Map.of("id", label.id(), "name", label.name(), "color", label.color());
    }

    // ---- plumbing ----

    /** One page ({@code limit}, {@code page}) with {@code X-Total-Count} and {@code Link}. */
    private <T> Reply paged(RecordedRequest request, String path, List<T> all, Function<List<T>, Object> body) {
        Map<String, String> query = ForgeApi.queryParameters(request.query());
        int size = Math.min(ForgeApi.positive(query, "limit", DEFAULT_PAGE_SIZE),
                Math.min(MAX_PAGE_SIZE, maxPageSize.getAsInt()));
        int page = ForgeApi.positive(query, "page", 1);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("X-Total-Count", Integer.toString(all.size()));
        String link = ForgeApi.linkHeader(apiUrl + path, "limit", size, page, all.size());
        if (!link.isEmpty()) {
            headers.put("Link", link);
        }
        return Reply.json(200, body.apply(ForgeApi.page(all, page, size))).withHeaders(headers);
    }

    private Reply notFound() {
        return api.error(404, "The target couldn't be found.");
    }

}
