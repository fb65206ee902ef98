package dev.forgebus.fakeforge;

import static dev.forgebus.fakeforge.Routes.bool;
import static dev.forgebus.fakeforge.Routes.number;
import static dev.forgebus.fakeforge.Routes.owner;
import static dev.forgebus.fakeforge.Routes.repo;
import static dev.forgebus.fakeforge.Routes.text;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
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
 * GitHub's routes beyond issue labels (REST API version 2022-11-28): issues, comments, contents,
 * releases, pull requests and merges, check runs and statuses, branches and tags, dispatches,
 * workflow runs. Shapes, status codes and error messages are GitHub's own (422 "Validation
 * Failed" with {@code errors}, 405 "Pull Request is not mergeable", 409 "Head branch was
 * modified...").
 */
final class GitHubRoutes {
    private static final int DEFAULT_PAGE_SIZE = 30;
    private static final String REPO = "/repos/([^/]+)/([^/]+)";
    private static final Set<String> MERGE_METHODS = Set.of("merge", "squash", "rebase");
    private static final Set<String> STATE_REASONS = Set.of("completed", "not_planned", "reopened", "duplicate");

    private final ForgeState state;
    private final String apiUrl;
    private final IntSupplier maxPageSize;
    private final ForgeApi api;
    private final Routes routes = new Routes();

    GitHubRoutes(ForgeState state, String apiUrl, IntSupplier maxPageSize, ForgeApi api) {
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
                .on("DELETE", REPO + "/issues/(\\d{1,18})/labels/([^/]+)", this::removeLabel)
                .on("GET", REPO + "/issues/(\\d{1,18})/comments", this::listComments)
                .on("POST", REPO + "/issues/(\\d{1,18})/comments", this::createComment)
                .on("GET", REPO + "/contents/(.+)", this::getContent)
                .on("GET", REPO + "/releases/tags/([^/]+)", this::getReleaseByTag)
                .on("GET", REPO + "/releases", this::listReleases)
                .on("POST", REPO + "/releases", this::createRelease)
                .on("PATCH", REPO + "/releases/(\\d{1,18})", this::editRelease)
                .on("GET", REPO + "/pulls", this::listPulls)
                .on("GET", REPO + "/pulls/(\\d{1,18})", this::getPull)
                .on("PUT", REPO + "/pulls/(\\d{1,18})/merge", this::merge)
                .on("GET", REPO + "/commits/([^/]+)/check-runs", this::listCheckRuns)
                .on("GET", REPO + "/commits/([^/]+)/statuses", this::listStatuses)
                .on("POST", REPO + "/check-runs", this::createCheckRun)
                .on("PATCH", REPO + "/check-runs/(\\d{1,18})", this::updateCheckRun)
                .on("POST", REPO + "/statuses/([^/]+)", this::createStatus)
                .on("GET", REPO + "/branches", this::listBranches)
                .on("GET", REPO + "/tags", this::listTags)
                .on("DELETE", REPO + "/git/refs/heads/(.+)", this::deleteBranch)
                .on("POST", REPO + "/dispatches", this::repositoryDispatch)
                .on("POST", REPO + "/actions/workflows/([^/]+)/dispatches", this::workflowDispatch)
                .on("GET", REPO + "/actions/workflows/([^/]+)/runs", this::listRuns);
    }

    /** The reply of a route this class has, else empty. */
    Optional<Reply> handle(RecordedRequest request, String path) {
        return routes.dispatch(request, path);
    }

    // ---- repository ----

    private Reply getRepository(RecordedRequest request, Matcher m) {
        String owner = owner(m);
        String repo = repo(m);
        if (!state.hasRepository(owner, repo)) {
            return notFound();
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", 1);
        json.put("name", repo);
        json.put("full_name", owner + "/" + repo);
        json.put("default_branch", ForgeState.DEFAULT_BRANCH);
        return Reply.json(200, json);
    }

    // ---- issues ----

    private Reply listIssues(RecordedRequest request, Matcher m) {
        Map<String, String> query = ForgeApi.queryParameters(request.query());
        String wanted = query.getOrDefault("state", "open");
        List<ForgeState.IssueView> issues = state.issues(owner(m), repo(m)).stream()
                .filter(i -> wanted.equals("all") || (wanted.equals("open") == i.open())).toList();
        if ("updated".equals(query.get("sort"))) { // GitHub: direction defaults to desc
            Comparator<ForgeState.IssueView> byUpdated = Comparator.comparing(ForgeState.IssueView::updatedAt)
                    .thenComparing(ForgeState.IssueView::number);
            issues = issues.stream().sorted("asc".equals(query.get("direction")) ? byUpdated : byUpdated.reversed()).toList();
        }
        return paged(request, m.group(0), issues, page -> page.stream().map(i -> issueJson(owner(m), repo(m), i)).toList());
    }

    private Reply createIssue(RecordedRequest request, Matcher m) {
        Optional<JsonNode> body = Routes.jsonBody(request);
        if (body.isEmpty()) {
            return api.error(400, "Problems parsing JSON");
        }
        String title = body.get().path("title").asText("");
        if (title.isBlank()) {
            return validationFailed("Issue", "missing_field", "title");
        }
        List<String> names = new ArrayList<>();
        body.get().path("labels").forEach(label -> names.add(label.isTextual() ? label.asText() : label.path("name").asText()));
        List<Long> ids = state.labelIdsByName(owner(m), repo(m), names, GitHubApi.NEW_LABEL_COLOR);
        ForgeState.IssueView issue = state.openIssue(owner(m), repo(m), title, body.get().path("body").asText(""), ids);
        return Reply.json(201, issueJson(owner(m), repo(m), issue));
    }

    private Reply getIssue(RecordedRequest request, Matcher m) {
        return state.issueView(owner(m), repo(m), number(m))
                .map(issue -> Reply.json(200, issueJson(owner(m), repo(m), issue)))
                .orElseGet(this::notFound);
    }

    /** {@code state} open or closed, {@code state_reason} one of GitHub's, else 422. */
    private Reply editIssue(RecordedRequest request, Matcher m) {
        Optional<JsonNode> body = Routes.jsonBody(request);
        if (body.isEmpty()) {
            return api.error(400, "Problems parsing JSON");
        }
        JsonNode json = body.get();
        String stateValue = json.hasNonNull("state") ? json.path("state").asText() : null;
        if (stateValue != null && !Set.of("open", "closed").contains(stateValue)) {
            return validationFailed("Issue", "invalid", "state");
        }
        String reason = json.hasNonNull("state_reason") ? json.path("state_reason").asText() : null;
        if (reason != null && !STATE_REASONS.contains(reason)) {
            return validationFailed("Issue", "invalid", "state_reason");
        }
        return state.editIssue(owner(m), repo(m), number(m), text(json, "title"), text(json, "body"),
                        stateValue == null ? null : stateValue.equals("open"), reason)
                .map(issue -> Reply.json(200, issueJson(owner(m), repo(m), issue)))
                .orElseGet(this::notFound);
    }

    /** 200 with the labels left; 404 "Label does not exist" when it is not on the issue. */
    private Reply removeLabel(RecordedRequest request, Matcher m) {
        String name = Routes.segment(m, 4);
        if (!state.hasIssue(owner(m), repo(m), number(m))) {
            return notFound();
        }
        if (!state.removeLabel(owner(m), repo(m), number(m), label -> label.name().equalsIgnoreCase(name))) {
            return api.error(404, "Label does not exist");
        }
        return Reply.json(200, state.issueLabels(owner(m), repo(m), number(m)).orElseThrow().stream()
                .map(this::labelJson).toList());
    }

    private Reply listComments(RecordedRequest request, Matcher m) {
        return state.comments(owner(m), repo(m), number(m))
                .map(comments -> paged(request, m.group(0), comments, page -> page.stream().map(this::commentJson).toList()))
                .orElseGet(this::notFound);
    }

    private Reply createComment(RecordedRequest request, Matcher m) {
        Optional<JsonNode> body = Routes.jsonBody(request);
        if (body.isEmpty()) {
            return api.error(400, "Problems parsing JSON");
        }
        if (!body.get().path("body").isTextual()) {
            return validationFailed("IssueComment", "missing_field", "body");
        }
        return state.addComment(owner(m), repo(m), number(m), ForgeState.TOKEN_USER, body.get().path("body").asText())
                .map(comment -> Reply.json(201, commentJson(comment)))
                .orElseGet(this::notFound);
    }

    // ---- contents ----

    private Reply getContent(RecordedRequest request, Matcher m) {
        String path = ForgeApi.decode(m.group(3));
        String ref = ForgeApi.queryParameters(request.query()).get("ref");
        boolean raw = request.header("Accept").filter(a -> a.contains("application/vnd.github.raw")).isPresent();
        return state.file(owner(m), repo(m), ref, path)
                .map(file -> raw ? new Reply(200, Map.of(), new String(file.bytes(), java.nio.charset.StandardCharsets.UTF_8))
                        : Reply.json(200, fileJson(file)))
                .orElseGet(() -> folderOrNotFound(owner(m), repo(m), ref, path));
    }

    /** Like GitHub: files over 1 MB come without their content in JSON; the raw media type has them. */
    static final int MAX_JSON_CONTENT_BYTES = 1024 * 1024;

    /** GitHub wraps base64 content at 60 characters per line. */
    static Map<String, Object> fileJson(ForgeState.StoredFile file) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("type", "file");
        boolean large = file.bytes().length > MAX_JSON_CONTENT_BYTES;
        json.put("encoding", large ? "none" : "base64");
        json.put("size", file.bytes().length);
        json.put("name", file.path().substring(file.path().lastIndexOf('/') + 1));
        json.put("path", file.path());
        json.put("content", large ? "" : Base64.getMimeEncoder(60, "\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                .encodeToString(file.bytes()) + "\n");
        json.put("sha", file.sha());
        return json;
    }

    /** A folder's listing, as the contents API answers for a folder: an array of entries (files only here). */
    private Reply folderOrNotFound(String owner, String repo, String ref, String path) {
        List<ForgeState.StoredFile> files = state.folder(owner, repo, ref, path);
        return files.isEmpty() ? notFound() : Reply.json(200, Routes.folderListing(files));
    }

    // ---- releases ----

    /** Drafts are not found by tag, as on GitHub. */
    private Reply getReleaseByTag(RecordedRequest request, Matcher m) {
        String tag = Routes.segment(m, 3);
        return state.releases(owner(m), repo(m)).stream()
                .filter(release -> release.tag().equals(tag) && !release.draft()).findFirst()
                .map(release -> Reply.json(200, releaseJson(owner(m), repo(m), release)))
                .orElseGet(this::notFound);
    }

    /** Newest first, drafts included. */
    private Reply listReleases(RecordedRequest request, Matcher m) {
        List<ForgeState.Release> releases = state.releases(owner(m), repo(m)).reversed();
        return paged(request, m.group(0), releases,
                page -> page.stream().map(release -> releaseJson(owner(m), repo(m), release)).toList());
    }

    private Reply createRelease(RecordedRequest request, Matcher m) {
        Optional<JsonNode> body = Routes.jsonBody(request);
        if (body.isEmpty()) {
            return api.error(400, "Problems parsing JSON");
        }
        JsonNode json = body.get();
        if (json.path("tag_name").asText("").isBlank()) {
            return validationFailed("Release", "missing_field", "tag_name");
        }
        return state.createRelease(owner(m), repo(m), json.path("tag_name").asText(), text(json, "target_commitish"),
                        text(json, "name"), text(json, "body"), json.path("draft").asBoolean(false),
                        json.path("prerelease").asBoolean(false))
                .map(release -> Reply.json(201, releaseJson(owner(m), repo(m), release)))
                .orElseGet(() -> validationFailed("Release", "already_exists", "tag_name"));
    }

    private Reply editRelease(RecordedRequest request, Matcher m) {
        Optional<JsonNode> body = Routes.jsonBody(request);
        if (body.isEmpty()) {
            return api.error(400, "Problems parsing JSON");
        }
        JsonNode json = body.get();
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

    private Reply merge(RecordedRequest request, Matcher m) {
        JsonNode json = Routes.jsonBody(request).orElse(null);
        if (json == null) {
            return api.error(400, "Problems parsing JSON");
        }
        String method = json.path("merge_method").asText("merge");
        if (!MERGE_METHODS.contains(method)) {
            return validationFailed("PullRequest", "invalid", "merge_method");
        }
        return switch (state.merge(owner(m), repo(m), number(m), text(json, "sha"))) {
            case ForgeState.MergeResult.Merged merged -> Reply.json(200,
                    Map.of("sha", merged.sha(), "merged", true, "message", "Pull Request successfully merged"));
            case ForgeState.MergeResult.NoSuchPull none -> notFound();
            case ForgeState.MergeResult.NotMergeable refused -> api.error(405, "Pull Request is not mergeable");
            case ForgeState.MergeResult.HeadMoved moved ->
                    api.error(409, "Head branch was modified. Review and try the merge again.");
        };
    }

    // ---- checks ----

    private Reply listCheckRuns(RecordedRequest request, Matcher m) {
        String sha = Routes.segment(m, 3);
        String named = ForgeApi.queryParameters(request.query()).get("check_name");
        List<ForgeState.CheckRun> runs = state.checkRuns(owner(m), repo(m), sha).stream()
                .filter(run -> named == null || named.equals(run.name())).toList();
        return paged(request, m.group(0), runs, page -> {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("total_count", runs.size());
            json.put("check_runs", page.stream().map(run -> {
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("id", run.id());
                r.put("head_sha", sha);
                r.put("name", run.name());
                r.put("status", run.status());
                r.put("conclusion", run.conclusion());
                String summary = state.summary(run.id());
                r.put("output", Map.of("title", summary, "summary", summary));
                return r;
            }).toList());
            return json;
        });
    }

    /** {@code POST /repos/{o}/{r}/check-runs}: name, head_sha, status, conclusion, output.title. */
    private Reply createCheckRun(RecordedRequest request, Matcher m) {
        Optional<JsonNode> body = Routes.jsonBody(request);
        if (body.isEmpty() || text(body.get(), "name") == null || text(body.get(), "head_sha") == null) {
            return api.error(422, "Invalid request: name and head_sha are required");
        }
        JsonNode json = body.get();
        String status = Optional.ofNullable(text(json, "status")).orElse("queued");
        long id = state.createCheckRun(owner(m), repo(m), text(json, "head_sha"), text(json, "name"), status,
                text(json, "conclusion"), text(json.path("output"), "title"));
        return Reply.json(201, Map.of("id", id, "name", text(json, "name"), "head_sha", text(json, "head_sha"), "status", status));
    }

    /** {@code PATCH /repos/{o}/{r}/check-runs/{id}}. */
    private Reply updateCheckRun(RecordedRequest request, Matcher m) {
        JsonNode json = Routes.jsonBody(request).orElse(com.fasterxml.jackson.databind.node.NullNode.getInstance());
        long id = Long.parseLong(m.group(3));
        return state.updateCheckRun(owner(m), repo(m), id, text(json, "status"), text(json, "conclusion"),
                        text(json.path("output"), "title"))
                .map(sha -> Reply.json(200, Map.of("id", id, "head_sha", sha)))
                .orElseGet(this::notFound);
    }

    /** {@code POST /repos/{o}/{r}/statuses/{sha}}: state, context, description. */
    private Reply createStatus(RecordedRequest request, Matcher m) {
        Optional<JsonNode> body = Routes.jsonBody(request);
        if (body.isEmpty() || text(body.get(), "state") == null) {
            return api.error(422, "Validation Failed");
        }
        JsonNode json = body.get();
        String context = Optional.ofNullable(text(json, "context")).orElse("default");
        state.addStatus(owner(m), repo(m), Routes.segment(m, 3), context, text(json, "state"), text(json, "description"));
        return Reply.json(201, Map.of("state", text(json, "state"), "context", context));
    }

    private Reply listStatuses(RecordedRequest request, Matcher m) {
        List<ForgeState.Status> statuses = state.statuses(owner(m), repo(m), Routes.segment(m, 3));
        return paged(request, m.group(0), statuses, page -> page.stream().map(status -> {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("id", status.id());
            json.put("state", status.state());
            json.put("context", status.context());
            json.put("description", state.summary(status.id()));
            json.put("created_at", timestamp(status.createdAt()));
            json.put("updated_at", timestamp(status.createdAt()));
            return json;
        }).toList());
    }

    // ---- branches and tags ----

    private Reply listBranches(RecordedRequest request, Matcher m) {
        return paged(request, m.group(0), state.branchList(owner(m), repo(m)), page -> page.stream().map(branch ->
                Map.of("name", branch.getKey(), "commit", Map.of("sha", branch.getValue(),
                        "url", apiUrl + "/repos/" + owner(m) + "/" + repo(m) + "/commits/" + branch.getValue()),
                        "protected", false)).toList());
    }

    private Reply listTags(RecordedRequest request, Matcher m) {
        return paged(request, m.group(0), state.tagList(owner(m), repo(m)), page -> page.stream().map(tag ->
                Map.of("name", tag.getKey(), "commit", Map.of("sha", tag.getValue(),
                        "url", apiUrl + "/repos/" + owner(m) + "/" + repo(m) + "/commits/" + tag.getValue()))).toList());
    }

    /** 204; a branch that is not there answers 422 "Reference does not exist", as GitHub does. */
    private Reply deleteBranch(RecordedRequest request, Matcher m) {
        if (!state.hasRepository(owner(m), repo(m))) {
            return notFound();
        }
        return state.deleteBranch(owner(m), repo(m), ForgeApi.decode(m.group(3)))
                ? new Reply(204, Map.of(), "")
                : api.error(422, "Reference does not exist");
    }

    // ---- dispatch and workflows ----

    private Reply repositoryDispatch(RecordedRequest request, Matcher m) {
        JsonNode json = Routes.jsonBody(request).orElse(null);
        if (json == null) {
            return api.error(400, "Problems parsing JSON");
        }
        if (json.path("event_type").asText("").isBlank()) {
            return validationFailed("RepositoryDispatch", "missing_field", "event_type");
        }
        if (!state.hasRepository(owner(m), repo(m))) {
            return notFound();
        }
        state.addDispatch(owner(m), repo(m), json.path("event_type").asText(), json.path("client_payload"));
        return new Reply(204, Map.of(), "");
    }

    private Reply workflowDispatch(RecordedRequest request, Matcher m) {
        JsonNode json = Routes.jsonBody(request).orElse(null);
        if (json == null) {
            return api.error(400, "Problems parsing JSON");
        }
        if (json.path("ref").asText("").isBlank()) {
            return api.error(422, "Invalid request.\n\n\"ref\" wasn't supplied.");
        }
        if (!state.hasRepository(owner(m), repo(m)) || state.lacksWorkflow(owner(m), repo(m), Routes.segment(m, 3))) {
            return notFound();
        }
        Map<String, String> inputs = new LinkedHashMap<>();
        json.path("inputs").properties().forEach(e -> inputs.put(e.getKey(), e.getValue().asText()));
        state.dispatchWorkflow(owner(m), repo(m), Routes.segment(m, 3), json.path("ref").asText(), inputs);
        return new Reply(204, Map.of(), "");
    }

    /** Newest first; {@code created=>=<date>} filters, as GitHub's search qualifier does. */
    private Reply listRuns(RecordedRequest request, Matcher m) {
        String workflow = Routes.segment(m, 3);
        String created = ForgeApi.queryParameters(request.query()).getOrDefault("created", "");
        Instant since = created.startsWith(">=") ? Instant.parse(created.substring(2)) : Instant.EPOCH;
        List<ForgeState.Run> runs = state.runs(owner(m), repo(m)).stream()
                .filter(run -> run.workflow().equals(workflow) && !run.createdAt().isBefore(since)).toList();
        return paged(request, m.group(0), runs, page -> {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("total_count", runs.size());
            json.put("workflow_runs", page.stream().map(run -> {
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("id", run.id());
                r.put("name", run.workflow());
                r.put("path", ".github/workflows/" + run.workflow());
                r.put("head_branch", run.ref());
                r.put("status", run.status());
                r.put("conclusion", run.conclusion());
                r.put("created_at", timestamp(run.createdAt()));
                r.put("html_url", "https://github.com/" + owner(m) + "/" + repo(m) + "/actions/runs/" + run.id());
                return r;
            }).toList());
            return json;
        });
    }

    // ---- JSON shapes ----

    private Map<String, Object> issueJson(String owner, String repo, ForgeState.IssueView issue) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", issue.number() * 1000);
        json.put("number", issue.number());
        json.put("title", issue.title());
        json.put("body", issue.body());
        json.put("state", issue.open() ? "open" : "closed");
        json.put("state_reason", issue.stateReason());
        json.put("user", Map.of("login", issue.author(), "type", "User"));
        json.put("labels", issue.labels().stream().map(this::labelJson).toList());
        json.put("created_at", timestamp(issue.createdAt()));
        json.put("updated_at", timestamp(issue.updatedAt()));
        state.putAssigneesAndMilestone(owner, repo, issue.number(), json);
        json.put("html_url", "https://github.com/" + owner + "/" + repo + "/issues/" + issue.number());
        issue.pull().ifPresent(pull -> json.put("pull_request", Map.of(
                "url", apiUrl + "/repos/" + owner + "/" + repo + "/pulls/" + issue.number())));
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
        json.put("mergeable", pull.merged() ? null : pull.mergeable());
        json.put("merge_commit_sha", pull.mergeSha());
        json.put("head", Map.of("ref", pull.headRef(), "sha", pull.headSha(), "repo", Map.of("full_name", pull.headRepo())));
        json.put("base", Map.of("ref", pull.baseRef(), "repo", Map.of("full_name", owner + "/" + repo)));
        json.put("labels", issue.labels().stream().map(this::labelJson).toList());
        json.put("user", Map.of("login", issue.author()));
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
        json.put("created_at", timestamp(release.createdAt()));
        json.put("html_url", "https://github.com/" + owner + "/" + repo + "/releases/tag/" + release.tag());
        return json;
    }

    private Map<String, Object> commentJson(ForgeState.Comment comment) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", comment.id());
        json.put("user", Map.of("login", comment.author()));
        json.put("body", comment.body());
        json.put("created_at", timestamp(comment.createdAt()));
        return json;
    }

    private Map<String, Object> labelJson(ForgeState.Label label) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", label.id());
        json.put("name", label.name());
        json.put("color", label.color());
        json.put("default", false);
        return json;
    }

    // ---- plumbing ----

    /** One page ({@code per_page}, {@code page}) with GitHub's {@code Link} header. */
    private <T> Reply paged(RecordedRequest request, String path, List<T> all, Function<List<T>, Object> body) {
        Map<String, String> query = ForgeApi.queryParameters(request.query());
        int size = Math.min(ForgeApi.positive(query, "per_page", DEFAULT_PAGE_SIZE), Math.min(100, maxPageSize.getAsInt()));
        int page = ForgeApi.positive(query, "page", 1);
        Reply reply = Reply.json(200, body.apply(ForgeApi.page(all, page, size)));
        String link = ForgeApi.linkHeader(apiUrl + path, "per_page", size, page, all.size());
        return link.isEmpty() ? reply : reply.withHeaders(Map.of("Link", link));
    }

    /** GitHub's 422: {@code {"message":"Validation Failed","errors":[{resource, code, field}]}}. */
    private Reply validationFailed(String resource, String code, String field) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("message", "Validation Failed");
        json.put("errors", List.of(Map.of("resource", resource, "code", code, "field", field)));
        json.put("documentation_url", GitHubApi.DOCS);
        json.put("status", "422");
        return Reply.json(422, json);
    }

    private Reply notFound() {
        return api.error(404, "Not Found");
    }

    static String timestamp(Instant instant) {
        return instant.truncatedTo(ChronoUnit.SECONDS).toString();
    }

}
