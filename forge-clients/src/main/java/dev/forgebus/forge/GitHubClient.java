package dev.forgebus.forge;

import java.net.URI;
import java.net.http.HttpHeaders;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

import dev.forgebus.common.config.HookRef;
import dev.forgebus.common.config.MergeMethod;
import dev.forgebus.common.config.RepoRef;

/**
 * {@link ForgeClient} for GitHub and GitHub Enterprise Server (REST API version 2022-11-28).
 * Label names are the API's currency here: adding a label the repository lacks creates it.
 */
public final class GitHubClient implements ForgeClient {

    /** GitHub's largest page. */
    static final int PAGE_SIZE = 100;
    /** A bound on pagination, so that a misbehaving server cannot keep a worker paging forever. */
    static final int MAX_PAGES = 50;
    /** Runs asked for when looking for the newest: GitHub lists newest first, so a few suffice. */
    static final int RUNS_PAGE_SIZE = 20;
    private static final Pattern LINK_NEXT = Pattern.compile("<([^>]+)>\\s*;[^,]*\\brel=\"?next\"?");

    private final ForgeHttp http;

    /**
     * @param apiUrl e.g. {@code https://api.github.com}, {@code https://ghe.example.com/api/v3},
     *               or a test server's root
     */
    public GitHubClient(URI apiUrl, ForgeCredential credential, CallGate gate, ForgeTransport transport) {
        this.http = new ForgeHttp(apiUrl, credential, "Bearer",
                Map.of("Accept", "application/vnd.github+json", "X-GitHub-Api-Version", "2022-11-28"),
                gate, transport);
    }

    /** {@code GET /repos/{owner}/{repo}/issues/{number}/labels}, every page. */
    @Override
    public List<String> labels(RepoRef repo, long number) throws ForgeCallException, InterruptedException {
        List<String> names = new ArrayList<>();
        ForgePaging.linked(http, issuePath(repo, number) + "/labels?per_page=" + PAGE_SIZE, body -> body, MAX_PAGES)
                .forEach(label -> names.add(label.path("name").asText()));
        return List.copyOf(names);
    }

    /** {@code POST /repos/{owner}/{repo}/issues/{number}/labels} with {@code {"labels": [names]}}. */
    @Override
    public void addLabels(RepoRef repo, long number, List<String> labels) throws ForgeCallException, InterruptedException {
        List<String> distinct = List.copyOf(new LinkedHashSet<>(labels));
        if (distinct.isEmpty()) {
            return;
        }
        http.post(issuePath(repo, number) + "/labels", Map.of("labels", distinct));
    }

    /** {@code DELETE /repos/{owner}/{repo}/issues/{number}/labels/{name}}; GitHub's 404 for a label not there is fine. */
    @Override
    public void removeLabel(RepoRef repo, long number, String label) throws ForgeCallException, InterruptedException {
        ForgePaging.unlessAbsent(() -> http.send("DELETE",
                http.resolve(issuePath(repo, number) + "/labels/" + ForgeHttp.segment(label)), null));
    }

    // ---- issues and comments ----

    /** {@code GET /repos/{owner}/{repo}/issues?state=open}, every page; pull requests carry a {@code pull_request} key. */
    @Override
    public List<ForgeIssue> openIssues(RepoRef repo) throws ForgeCallException, InterruptedException {
        List<ForgeIssue> issues = new ArrayList<>();
        for (JsonNode issue : ForgePaging.linked(http, repoPath(repo) + "/issues?state=open&per_page=" + PAGE_SIZE,
                body -> body, MAX_PAGES)) {
            issues.add(ForgeShapes.issue(issue));
        }
        return List.copyOf(issues);
    }

    /** {@code GET /repos/{owner}/{repo}/issues?state=open&sort=updated&direction=desc&page=N}; more when a next link is sent. */
    @Override
    public IssuePage openIssuesPage(RepoRef repo, int page) throws ForgeCallException, InterruptedException {
        ForgeHttp.Answer answer = http.get(repoPath(repo) + "/issues?state=open&sort=updated&direction=desc&per_page="
                + PAGE_SIZE + "&page=" + Math.max(1, page));
        List<ForgeIssue> issues = new ArrayList<>();
        answer.body().forEach(issue -> issues.add(ForgeShapes.issue(issue)));
        return new IssuePage(issues, nextPage(answer.headers()).isPresent());
    }

    /** {@code GET /orgs/{org}/repos?per_page=100}, every page. */
    @Override
    public List<OrgRepository> orgRepositories(String owner) throws ForgeCallException, InterruptedException {
        List<OrgRepository> repos = new ArrayList<>();
        for (JsonNode repo : ForgePaging.linked(http, "/orgs/" + ForgeHttp.segment(owner) + "/repos?per_page=" + PAGE_SIZE,
                body -> body, OrgRepository.MAX_LISTED / PAGE_SIZE)) {
            repos.add(ForgeShapes.orgRepository(repo));
        }
        return List.copyOf(repos);
    }

    /** {@code GET /repos/{owner}/{repo}/issues/{number}}; 404 (and 410, a deleted issue) answer empty. */
    @Override
    public Optional<ForgeIssue> issue(RepoRef repo, long number) throws ForgeCallException, InterruptedException {
        return ForgePaging.unlessAbsent(() -> http.get(issuePath(repo, number)), 404, 410)
                .map(answer -> ForgeShapes.issue(answer.body()));
    }

    /** {@code POST /repos/{owner}/{repo}/issues} with title, body and label names (GitHub creates missing labels). */
    @Override
    public ForgeIssue createIssue(RepoRef repo, String title, String body, List<String> labels)
            throws ForgeCallException, InterruptedException {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("title", title);
        request.put("body", body);
        request.put("labels", List.copyOf(new LinkedHashSet<>(labels)));
        return ForgeShapes.issue(http.post(repoPath(repo) + "/issues", request).body());
    }

    /** {@code POST /repos/{owner}/{repo}/issues/{number}/comments} with {@code {"body"}}. */
    @Override
    public void comment(RepoRef repo, long number, String body) throws ForgeCallException, InterruptedException {
        http.post(issuePath(repo, number) + "/comments", Map.of("body", body));
    }

    /** {@code GET /repos/{owner}/{repo}/issues/{number}/comments}, every page (GitHub lists oldest first). */
    @Override
    public List<ForgeComment> comments(RepoRef repo, long number) throws ForgeCallException, InterruptedException {
        List<ForgeComment> comments = new ArrayList<>();
        for (JsonNode comment : ForgePaging.linked(http, issuePath(repo, number) + "/comments?per_page=" + PAGE_SIZE,
                body -> body, MAX_PAGES)) {
            comments.add(new ForgeComment(comment.path("id").asLong(), ForgePaging.text(comment.path("user").path("login")),
                    ForgePaging.text(comment.path("body")), ForgePaging.instant(comment.path("created_at"))));
        }
        return List.copyOf(comments);
    }

    /** {@code PATCH /repos/{owner}/{repo}/issues/{number}} with {@code state: closed} and {@code state_reason}. */
    @Override
    public void closeIssue(RepoRef repo, long number, CloseReason reason) throws ForgeCallException, InterruptedException {
        http.send("PATCH", http.resolve(issuePath(repo, number)),
                ForgePaging.fields("state", "closed", "state_reason", reason.apiValue()));
    }

    // ---- contents ----

    /** GitHub's media type for a file's bytes as they are. */
    static final String RAW_MEDIA_TYPE = "application/vnd.github.raw";
    /** The most of a large file read into memory (10 MiB); the rest is not read. */
    public static final int MAX_RAW_FILE_BYTES = 10 * 1024 * 1024;

    /**
     * {@code GET /repos/{owner}/{repo}/contents/{path}?ref=}; 404 (no such file or ref) and a
     * directory answer empty. GitHub leaves {@code content} out for files over 1 MB
     * ({@code encoding: none}): those are read again with the raw media type
     * ({@code application/vnd.github.raw}), at most {@link #MAX_RAW_FILE_BYTES}; a longer file comes
     * back cut ({@link FileContent#cut()}), so callers that read a prefix (a changelog) still can.
     */
    @Override
    public Optional<FileContent> fileContent(RepoRef repo, String path, Optional<String> ref)
            throws ForgeCallException, InterruptedException {
        String route = repoPath(repo) + "/contents/" + ForgePaging.segments(stripSlashes(path))
                + ref.filter(r -> !r.isEmpty()).map(r -> "?ref=" + ForgeHttp.segment(r)).orElse("");
        Optional<ForgeHttp.Answer> answer = ForgePaging.unlessAbsent(() -> http.get(route));
        if (answer.isEmpty() || !answer.get().body().isObject() || !"file".equals(answer.get().body().path("type").asText())) {
            return Optional.empty();
        }
        JsonNode file = answer.get().body();
        if ("none".equals(file.path("encoding").asText()) && file.path("size").asLong() > 0) {
            ForgeHttp.RawAnswer raw = http.getRaw(route, RAW_MEDIA_TYPE, MAX_RAW_FILE_BYTES);
            return Optional.of(new FileContent(ForgePaging.text(file.path("path")), ForgePaging.text(file.path("sha")),
                    raw.bytes(), raw.cut()));
        }
        if (!"base64".equals(file.path("encoding").asText())) {
            throw ForgeCallException.permanent(answer.get().status(), "GET " + http.resolve(route).getRawPath()
                    + ": content not included (encoding " + file.path("encoding").asText() + ", size "
                    + file.path("size").asLong() + ")");
        }
        // The content is base64 wrapped at 60 columns: the MIME decoder skips the line breaks.
        return Optional.of(new FileContent(ForgePaging.text(file.path("path")), ForgePaging.text(file.path("sha")),
                Base64.getMimeDecoder().decode(file.path("content").asText())));
    }

    /** {@code GET .../contents/{path}?ref=}: a folder answers an array of entries. */
    @Override
    public List<String> folderFiles(RepoRef repo, String path, Optional<String> ref)
            throws ForgeCallException, InterruptedException {
        String route = repoPath(repo) + "/contents/" + ForgePaging.segments(stripSlashes(path))
                + ref.filter(r -> !r.isEmpty()).map(r -> "?ref=" + ForgeHttp.segment(r)).orElse("");
        Optional<ForgeHttp.Answer> answer = ForgePaging.unlessAbsent(() -> http.get(route));
        List<String> names = new java.util.ArrayList<>();
        if (answer.isPresent() && answer.get().body().isArray()) {
            for (JsonNode entry : answer.get().body()) {
                if ("file".equals(entry.path("type").asText())) {
                    names.add(ForgePaging.text(entry.path("name")));
                }
            }
        }
        return names;
    }

    // ---- releases ----

    /**
     * The first page of {@code GET /repos/{owner}/{repo}/releases} (newest first, drafts included)
     * holds the tag's release, draft or not, in one call; only when that page is full is
     * {@code GET /repos/{owner}/{repo}/releases/tags/{tag}} asked for an older published one (that
     * route hides drafts). A new tag in a repository whose releases fit one page (no {@code Link}
     * {@code rel="next"}): one call.
     */
    @Override
    public Optional<ForgeRelease> releaseByTag(RepoRef repo, String tag) throws ForgeCallException, InterruptedException {
        ForgeHttp.Answer newest = http.get(repoPath(repo) + "/releases?per_page=" + PAGE_SIZE);
        for (JsonNode release : newest.body()) {
            if (tag.equals(release.path("tag_name").asText())) {
                return Optional.of(ForgeShapes.release(release));
            }
        }
        boolean morePages = newest.headers().allValues("Link").stream().anyMatch(link -> link.contains("rel=\"next\""));
        if (!morePages) {
            return Optional.empty();
        }
        return ForgePaging.unlessAbsent(() -> http.get(repoPath(repo) + "/releases/tags/" + ForgeHttp.segment(tag)))
                .map(answer -> ForgeShapes.release(answer.body()));
    }

    /** {@code POST /repos/{owner}/{repo}/releases}. */
    @Override
    public ForgeRelease createRelease(RepoRef repo, ReleaseDraft draft) throws ForgeCallException, InterruptedException {
        return ForgeShapes.release(http.post(repoPath(repo) + "/releases", ForgeShapes.releaseBody(draft)).body());
    }

    /** {@code PATCH /repos/{owner}/{repo}/releases/{id}}. */
    @Override
    public ForgeRelease updateRelease(RepoRef repo, long releaseId, ReleaseDraft draft)
            throws ForgeCallException, InterruptedException {
        return ForgeShapes.release(http.send("PATCH", http.resolve(repoPath(repo) + "/releases/" + releaseId),
                ForgeShapes.releaseBody(draft)).body());
    }

    // ---- pull requests ----

    /** {@code GET /repos/{owner}/{repo}/pulls/{number}}; 404 answers empty. */
    @Override
    public Optional<ForgePullRequest> pullRequest(RepoRef repo, long number) throws ForgeCallException, InterruptedException {
        return ForgePaging.unlessAbsent(() -> http.get(repoPath(repo) + "/pulls/" + number))
                .map(answer -> ForgeShapes.pullRequest(answer.body()));
    }

    /**
     * {@code GET /repos/{owner}/{repo}/pulls?state=open}, every page. (The per-commit
     * {@code commits/{sha}/pulls} would be one call, but it answers pull requests that merely
     * contain the commit, and never fork pull requests to other repositories' heads reliably: the
     * list, matched on {@code head.sha} by the caller, is exact.)
     */
    @Override
    public List<ForgePullRequest> openPullRequests(RepoRef repo) throws ForgeCallException, InterruptedException {
        List<ForgePullRequest> pulls = new ArrayList<>();
        for (JsonNode pull : ForgePaging.linked(http, repoPath(repo) + "/pulls?state=open&per_page=" + PAGE_SIZE,
                body -> body, MAX_PAGES)) {
            pulls.add(ForgeShapes.pullRequest(pull));
        }
        return List.copyOf(pulls);
    }

    /**
     * {@code PUT /repos/{owner}/{repo}/pulls/{number}/merge} with {@code merge_method} and
     * {@code sha}: 405 is "not mergeable", 409 "the head moved" (GitHub checks {@code sha}).
     */
    @Override
    public MergeOutcome merge(RepoRef repo, long number, MergeMethod method, String expectedHeadSha)
            throws ForgeCallException, InterruptedException {
        return ForgePaging.mergeOutcome(() -> http.send("PUT", http.resolve(repoPath(repo) + "/pulls/" + number + "/merge"),
                        ForgePaging.fields("merge_method", method.id(), "sha", expectedHeadSha)),
                merged -> ForgePaging.text(merged.body().path("sha")));
    }

    // ---- checks ----

    /**
     * Check runs ({@code GET /repos/{owner}/{repo}/commits/{ref}/check-runs}, GitHub already keeps
     * the latest run of each name) then commit statuses ({@code GET .../commits/{ref}/statuses},
     * the newest of each context), every page of both.
     */
    @Override
    public List<CheckResult> checks(RepoRef repo, String sha) throws ForgeCallException, InterruptedException {
        List<CheckResult> checks = new ArrayList<>();
        String commit = repoPath(repo) + "/commits/" + ForgeHttp.segment(sha);
        for (JsonNode run : ForgePaging.linked(http, commit + "/check-runs?per_page=" + PAGE_SIZE,
                body -> body.path("check_runs"), MAX_PAGES)) {
            checks.add(new CheckResult(run.path("name").asText(), checkRunState(run)));
        }
        List<JsonNode> statuses = ForgePaging.linked(http, commit + "/statuses?per_page=" + PAGE_SIZE, body -> body,
                MAX_PAGES);
        checks.addAll(CommitStatuses.latestPerContext(statuses, "state"));
        return List.copyOf(checks);
    }

    @Override
    public void reportCheck(RepoRef repo, String sha, CheckReport report) throws ForgeCallException, InterruptedException {
        String commit = repoPath(repo) + "/commits/" + ForgeHttp.segment(sha);
        Map<String, Object> output = Map.of("title", report.summary(), "summary", report.summary());
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("status", report.state() == CheckReport.State.WAITING ? "in_progress" : "completed");
        if (report.state() != CheckReport.State.WAITING) {
            run.put("conclusion", report.state() == CheckReport.State.DONE ? "success" : "neutral");
        }
        run.put("output", output);
        try {
            Optional<Long> existing = Optional.empty();
            for (JsonNode found : http.get(commit + "/check-runs?check_name=" + ForgeHttp.segment(report.name())
                    + "&filter=latest").body().path("check_runs")) {
                if (report.name().equals(found.path("name").asText())) {
                    existing = Optional.of(found.path("id").asLong());
                    break;
                }
            }
            if (existing.isPresent()) {
                http.send("PATCH", http.resolve(repoPath(repo) + "/check-runs/" + existing.get()), run);
            } else {
                run.put("name", report.name());
                run.put("head_sha", sha);
                http.post(repoPath(repo) + "/check-runs", run);
            }
        } catch (ForgeCallException e) {
            if (e.kind() != ForgeCallException.Kind.PERMANENT || e.status() != 403) {
                throw e;
            }
            // Only a GitHub App may write check runs; a personal token reports a commit status, replaced per context.
            http.post(repoPath(repo) + "/statuses/" + ForgeHttp.segment(sha), Map.of("state", switch (report.state()) {
                case WAITING -> "pending";
                case DONE, BLOCKED -> "success";
            }, "context", report.name(), "description", report.summary()));
        }
    }

    /** Not completed: pending; success, neutral, skipped: success; anything else (failure, cancelled, ...): failure. */
    private static CheckResult.State checkRunState(JsonNode run) {
        if (!"completed".equals(run.path("status").asText())) {
            return CheckResult.State.PENDING;
        }
        return switch (run.path("conclusion").asText()) {
            case "success", "neutral", "skipped" -> CheckResult.State.SUCCESS;
            default -> CheckResult.State.FAILURE;
        };
    }

    // ---- branches and tags ----

    /** {@code GET /repos/{owner}/{repo}/branches}, every page: name → {@code commit.sha}. */
    @Override
    public Map<String, String> branchHeads(RepoRef repo) throws ForgeCallException, InterruptedException {
        return heads(repoPath(repo) + "/branches?per_page=" + PAGE_SIZE);
    }

    /** {@code GET /repos/{owner}/{repo}/tags}, every page: name → {@code commit.sha} (GitHub peels annotated tags). */
    @Override
    public Map<String, String> tagHeads(RepoRef repo) throws ForgeCallException, InterruptedException {
        return heads(repoPath(repo) + "/tags?per_page=" + PAGE_SIZE);
    }

    private Map<String, String> heads(String route) throws ForgeCallException, InterruptedException {
        Map<String, String> heads = new LinkedHashMap<>();
        for (JsonNode ref : ForgePaging.linked(http, route, body -> body, MAX_PAGES)) {
            heads.put(ref.path("name").asText(), ref.path("commit").path("sha").asText());
        }
        return Collections.unmodifiableMap(heads);
    }

    /**
     * {@code DELETE /repos/{owner}/{repo}/git/refs/heads/{branch}}; GitHub answers 422 "Reference
     * does not exist" (or 404) for a branch already gone, which is no failure. Other 422s (a
     * protected branch, say) stay failures.
     */
    @Override
    public void deleteBranch(RepoRef repo, String branch) throws ForgeCallException, InterruptedException {
        try {
            ForgePaging.unlessAbsent(() -> http.send("DELETE",
                    http.resolve(repoPath(repo) + "/git/refs/heads/" + ForgePaging.segments(branch)), null));
        } catch (ForgeCallException e) {
            if (e.kind() != ForgeCallException.Kind.PERMANENT || e.status() != 422
                    || !e.getMessage().contains("Reference does not exist")) {
                throw e;
            }
        }
    }

    // ---- dispatch and workflows ----

    /** {@code POST /repos/{owner}/{repo}/dispatches} with {@code event_type} and {@code client_payload} (204). */
    @Override
    public void dispatchEvent(RepoRef repo, String eventType, Map<String, Object> clientPayload)
            throws ForgeCallException, InterruptedException {
        http.post(repoPath(repo) + "/dispatches", ForgePaging.fields("event_type", eventType, "client_payload", clientPayload));
    }

    @Override
    public String defaultBranch(RepoRef repo) throws ForgeCallException, InterruptedException {
        String defaultBranch = http.get(repoPath(repo)).body().path("default_branch").asText("");
        if (defaultBranch.isEmpty()) {
            throw ForgeCallException.permanent(0, "GET " + http.resolve(repoPath(repo)).getRawPath()
                    + ": answer has no default_branch");
        }
        return defaultBranch;
    }

    /** {@code POST /repos/{owner}/{repo}/actions/workflows/{workflow}/dispatches} with {@code ref} and {@code inputs}. */
    @Override
    public void dispatchWorkflow(RepoRef repo, String workflow, String ref, Map<String, String> inputs)
            throws ForgeCallException, InterruptedException {
        http.post(repoPath(repo) + "/actions/workflows/" + ForgeHttp.segment(workflow) + "/dispatches",
                ForgePaging.fields("ref", ref, "inputs", inputs));
    }

    /**
     * {@code GET /repos/{owner}/{repo}/actions/workflows/{workflow}/runs?created=>=<since>}: GitHub
     * lists newest first, so the first page holds the answer; the newest by {@code created_at} is taken
     * anyway, in case a server orders otherwise.
     */
    @Override
    public Optional<WorkflowRun> latestWorkflowRun(RepoRef repo, String workflow, Instant createdSince)
            throws ForgeCallException, InterruptedException {
        String created = ForgeHttp.segment(">=" + DateTimeFormatter.ISO_INSTANT.format(createdSince));
        JsonNode runs = http.get(repoPath(repo) + "/actions/workflows/" + ForgeHttp.segment(workflow)
                + "/runs?created=" + created + "&per_page=" + RUNS_PAGE_SIZE).body().path("workflow_runs");
        WorkflowRun latest = null;
        for (JsonNode run : runs) {
            Instant createdAt = ForgePaging.instant(run.path("created_at"));
            if (!createdAt.isBefore(createdSince) && (latest == null || createdAt.isAfter(latest.createdAt()))) {
                latest = new WorkflowRun(run.path("id").asLong(), "completed".equals(run.path("status").asText()),
                        "success".equals(run.path("conclusion").asText()), createdAt,
                        ForgePaging.text(run.path("html_url")));
            }
        }
        return Optional.ofNullable(latest);
    }

    // ---- mirrors ----

    /** GitHub has no pull mirrors: {@link MirrorSync#UNSUPPORTED}, without a request. */
    @Override
    public MirrorSync syncMirror(RepoRef repo) {
        return MirrorSync.UNSUPPORTED;
    }

    // ---- paths ----

    private static String repoPath(RepoRef repo) {
        return "/repos/" + ForgeHttp.segment(repo.owner()) + "/" + ForgeHttp.segment(repo.repo());
    }

    private static String issuePath(RepoRef repo, long number) {
        return repoPath(repo) + "/issues/" + number;
    }

    private static String stripSlashes(String path) {
        return path.replaceAll("^/+", "");
    }

    /** The {@code rel="next"} target of a {@code Link} header (RFC 8288), as GitHub paginates. */
    static Optional<URI> nextPage(HttpHeaders headers) {
        for (String link : headers.allValues("link")) {
            Matcher next = LINK_NEXT.matcher(link);
            if (next.find()) {
                return Optional.of(URI.create(next.group(1)));
            }
        }
        return Optional.empty();
    }

    // ---- webhook deliveries ----

    /**
     * {@code GET .../hooks/{id}/deliveries?per_page=100}, newest first, following the cursor
     * {@code Link} header until a page reaches back past {@code since} (GitHub keeps 3 days).
     */
    @Override
    public List<HookDelivery> hookDeliveries(HookRef hook, Instant since) throws ForgeCallException, InterruptedException {
        List<HookDelivery> deliveries = new ArrayList<>();
        URI page = http.resolve(hookPath(hook) + "/deliveries?per_page=" + PAGE_SIZE);
        for (int pages = 1; page != null; pages++) {
            ForgeHttp.Answer answer = http.send("GET", page, null);
            boolean older = false;
            for (JsonNode d : answer.body()) {
                Instant at = ForgePaging.instant(d.path("delivered_at"));
                if (at.isBefore(since)) {
                    older = true; // newest first: the rest of this page and every later one is older
                    break;
                }
                deliveries.add(new HookDelivery(d.path("id").asLong(), ForgePaging.text(d.path("guid")), at,
                        d.path("redelivery").asBoolean(false), d.path("status_code").asInt(0),
                        ForgePaging.text(d.path("event"))));
            }
            page = older ? null : nextPage(answer.headers()).orElse(null);
            if (page != null && (pages >= MAX_PAGES || !http.isSameOrigin(page))) {
                throw ForgeCallException.permanent(0, "GET " + page.getRawPath() + ": not following the next-page link ("
                        + (pages >= MAX_PAGES ? "more than " + MAX_PAGES + " pages" : "it points to another host") + ")");
            }
        }
        return deliveries;
    }

    /** {@code POST .../hooks/{id}/deliveries/{delivery_id}/attempts}; GitHub answers 202 and delivers later. */
    @Override
    public void redeliver(HookRef hook, long deliveryId) throws ForgeCallException, InterruptedException {
        http.send("POST", http.resolve(hookPath(hook) + "/deliveries/" + deliveryId + "/attempts"), null);
    }

    /**
     * The hook's route. The App's own hook is called with the App's JWT, which this client (built
     * on one installation or token credential) does not hold: refused for now, permanently.
     */
    private static String hookPath(HookRef hook) {
        return switch (hook) {
            case HookRef.RepoHook r -> repoPath(r.repo()) + "/hooks/" + r.hookId();
            case HookRef.OrgHook o -> "/orgs/" + ForgeHttp.segment(o.org()) + "/hooks/" + o.hookId();
            // Answers only to the App's JWT: use ForgeClients.forApp (an installation token gets a 401).
            case HookRef.AppHook a -> "/app/hook";
        };
    }
}
