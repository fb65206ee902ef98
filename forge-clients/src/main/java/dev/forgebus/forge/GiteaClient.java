package dev.forgebus.forge;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

import dev.forgebus.common.config.HookRef;
import dev.forgebus.common.config.MergeMethod;
import dev.forgebus.common.config.RepoRef;
import dev.forgebus.common.event.Json;

/**
 * {@link ForgeClient} for Forgejo and Gitea ({@code /api/v1}; shapes from Forgejo's swagger,
 * which Gitea shares for these routes). These forges attach labels by id, so adding labels by
 * name reads the repository's labels, creates the missing ones, then attaches the ids.
 *
 * <p>Only repository labels are considered: an org-level label of the same name is not reused
 * (a repository label is created beside it).
 */
public final class GiteaClient implements ForgeClient {

    /** Page size asked for; servers cap it ({@code MAX_RESPONSE_ITEMS}, 50 by default). */
    static final int PAGE_SIZE = 50;
    /** A bound on pagination, so that a misbehaving server cannot keep a worker paging forever. */
    static final int MAX_PAGES = 100;
    /** Colour of labels Forgebus creates: GitHub's default grey, so both forges look alike. */
    static final String NEW_LABEL_COLOR = "#ededed";

    private final ForgeHttp http;

    /** @param apiUrl the API base including {@code /api/v1}, e.g. {@code https://codeberg.org/api/v1} */
    public GiteaClient(URI apiUrl, ForgeCredential credential, CallGate gate, ForgeTransport transport) {
        this.http = new ForgeHttp(apiUrl, credential, "token", Map.of("Accept", "application/json"), gate, transport);
    }

    /** {@code GET /repos/{owner}/{repo}/issues/{index}/labels} (not paginated by the forge). */
    @Override
    public List<String> labels(RepoRef repo, long number) throws ForgeCallException, InterruptedException {
        return List.copyOf(ForgePaging.labelNames(http.get(issuePath(repo, number) + "/labels").body()));
    }

    /**
     * Looks up the ids of {@code labels} among the repository's labels, creates the missing ones
     * ({@code POST /repos/{owner}/{repo}/labels}), then {@code POST
     * /repos/{owner}/{repo}/issues/{index}/labels} with {@code {"labels": [ids]}}.
     */
    @Override
    public void addLabels(RepoRef repo, long number, List<String> labels) throws ForgeCallException, InterruptedException {
        List<Long> ids = labelIds(repo, labels);
        if (ids.isEmpty()) {
            return;
        }
        http.post(issuePath(repo, number) + "/labels", Map.of("labels", ids));
    }

    /** Ids of the distinct {@code names}, creating the labels the repository lacks; no request for no names. */
    private List<Long> labelIds(RepoRef repo, List<String> names) throws ForgeCallException, InterruptedException {
        List<String> distinct = List.copyOf(new LinkedHashSet<>(names));
        if (distinct.isEmpty()) {
            return List.of();
        }
        Map<String, Long> existing = repositoryLabels(repo);
        List<Long> ids = new ArrayList<>();
        for (String name : distinct) {
            Optional<Long> id = idOf(existing, name);
            ids.add(id.isPresent() ? id.get() : createLabel(repo, name));
        }
        return ids;
    }

    /**
     * Finds the label's id among the issue's labels ({@code GET .../issues/{index}/labels}), then
     * {@code DELETE /repos/{owner}/{repo}/issues/{index}/labels/{id}}. A label that is not on the
     * issue sends no delete; a 404 to the delete (removed meanwhile) is fine too.
     */
    @Override
    public void removeLabel(RepoRef repo, long number, String label) throws ForgeCallException, InterruptedException {
        Map<String, Long> onIssue = new LinkedHashMap<>();
        http.get(issuePath(repo, number) + "/labels").body()
                .forEach(l -> onIssue.putIfAbsent(l.path("name").asText(), l.path("id").asLong()));
        Optional<Long> id = idOf(onIssue, label);
        if (id.isPresent()) {
            ForgePaging.unlessAbsent(() -> http.send("DELETE",
                    http.resolve(issuePath(repo, number) + "/labels/" + id.get()), null));
        }
    }

    /** Name → id of every repository label. */
    private Map<String, Long> repositoryLabels(RepoRef repo) throws ForgeCallException, InterruptedException {
        Map<String, Long> byName = new LinkedHashMap<>();
        ForgePaging.numbered(http, repoPath(repo) + "/labels", PAGE_SIZE, MAX_PAGES)
                .forEach(label -> byName.putIfAbsent(label.path("name").asText(), label.path("id").asLong()));
        return byName;
    }

    /** The exact name first; else a case-insensitive match, as a person reading the labels would. */
    private static Optional<Long> idOf(Map<String, Long> existing, String name) {
        if (existing.containsKey(name)) {
            return Optional.of(existing.get(name));
        }
        return existing.entrySet().stream()
                .filter(e -> e.getKey().toLowerCase(Locale.ROOT).equals(name.toLowerCase(Locale.ROOT)))
                .map(Map.Entry::getValue)
                .findFirst();
    }

    private long createLabel(RepoRef repo, String name) throws ForgeCallException, InterruptedException {
        ForgeHttp.Answer created = http.post(repoPath(repo) + "/labels", ForgePaging.fields("name", name, "color", NEW_LABEL_COLOR));
        JsonNode id = created.body().path("id");
        if (!id.canConvertToLong()) {
            throw ForgeCallException.permanent(created.status(), "POST " + http.resolve(repoPath(repo) + "/labels")
                    .getRawPath() + ": " + created.status() + " answer has no label id");
        }
        return id.asLong();
    }

    // ---- issues and comments ----

    /**
     * {@code GET /repos/{owner}/{repo}/issues?state=open&limit=&page=}, every page. No {@code type}
     * is sent: without it the forge lists issues and pull requests (these have {@code pull_request} set).
     */
    @Override
    public List<ForgeIssue> openIssues(RepoRef repo) throws ForgeCallException, InterruptedException {
        List<ForgeIssue> issues = new ArrayList<>();
        for (JsonNode issue : ForgePaging.numbered(http, repoPath(repo) + "/issues?state=open", PAGE_SIZE, MAX_PAGES)) {
            issues.add(ForgeShapes.issue(issue));
        }
        return List.copyOf(issues);
    }

    /**
     * {@code GET /repos/{owner}/{repo}/issues?state=open&limit=&page=}; more when {@code X-Total-Count}
     * says so, else until an empty page.
     */
    @Override
    public IssuePage openIssuesPage(RepoRef repo, int page) throws ForgeCallException, InterruptedException {
        int p = Math.max(1, page);
        ForgeHttp.Answer answer = http.get(repoPath(repo) + "/issues?state=open&limit=" + PAGE_SIZE + "&page=" + p);
        List<ForgeIssue> issues = new ArrayList<>();
        answer.body().forEach(issue -> issues.add(ForgeShapes.issue(issue)));
        Optional<Long> total = answer.headers().firstValue("x-total-count").flatMap(ForgePaging::parseLong);
        // The server may cap limit silently, so the page's own size is the page size; a short last page
        // may cost one more (empty) call, never a missed page.
        boolean more = !issues.isEmpty() && total.map(t -> (long) p * issues.size() < t).orElse(true);
        return new IssuePage(issues, more);
    }

    /** {@code GET /orgs/{org}/repos?limit=50&page=N}, every page. */
    @Override
    public List<OrgRepository> orgRepositories(String owner) throws ForgeCallException, InterruptedException {
        List<OrgRepository> repos = new ArrayList<>();
        for (JsonNode repo : ForgePaging.numbered(http, "/orgs/" + ForgeHttp.segment(owner) + "/repos", PAGE_SIZE,
                OrgRepository.MAX_LISTED / PAGE_SIZE)) {
            repos.add(ForgeShapes.orgRepository(repo));
        }
        return List.copyOf(repos);
    }

    /** {@code GET /repos/{owner}/{repo}/issues/{index}}; 404 answers empty. */
    @Override
    public Optional<ForgeIssue> issue(RepoRef repo, long number) throws ForgeCallException, InterruptedException {
        return ForgePaging.unlessAbsent(() -> http.get(issuePath(repo, number))).map(answer -> ForgeShapes.issue(answer.body()));
    }

    /** Resolves (and creates) the label ids first, then {@code POST /repos/{owner}/{repo}/issues}. */
    @Override
    public ForgeIssue createIssue(RepoRef repo, String title, String body, List<String> labels)
            throws ForgeCallException, InterruptedException {
        List<Long> ids = labelIds(repo, labels);
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("title", title);
        request.put("body", body);
        if (!ids.isEmpty()) {
            request.put("labels", ids);
        }
        return ForgeShapes.issue(http.post(repoPath(repo) + "/issues", request).body());
    }

    /** {@code POST /repos/{owner}/{repo}/issues/{index}/comments} with {@code {"body"}}. */
    @Override
    public void comment(RepoRef repo, long number, String body) throws ForgeCallException, InterruptedException {
        http.post(issuePath(repo, number) + "/comments", Map.of("body", body));
    }

    /** {@code GET /repos/{owner}/{repo}/issues/{index}/comments} (the forge answers them all, oldest first). */
    @Override
    public List<ForgeComment> comments(RepoRef repo, long number) throws ForgeCallException, InterruptedException {
        List<ForgeComment> comments = new ArrayList<>();
        for (JsonNode comment : http.get(issuePath(repo, number) + "/comments").body()) {
            comments.add(new ForgeComment(comment.path("id").asLong(), ForgePaging.text(comment.path("user").path("login")),
                    ForgePaging.text(comment.path("body")), ForgePaging.instant(comment.path("created_at"))));
        }
        return List.copyOf(comments);
    }

    /** {@code PATCH /repos/{owner}/{repo}/issues/{index}} with {@code state: closed}; the forge keeps no reason. */
    @Override
    public void closeIssue(RepoRef repo, long number, CloseReason reason) throws ForgeCallException, InterruptedException {
        http.send("PATCH", http.resolve(issuePath(repo, number)), Map.of("state", "closed"));
    }

    // ---- contents ----

    /** {@code GET /repos/{owner}/{repo}/contents/{filepath}?ref=}; 404 and anything but a file answer empty. */
    @Override
    public Optional<FileContent> fileContent(RepoRef repo, String path, Optional<String> ref)
            throws ForgeCallException, InterruptedException {
        String route = repoPath(repo) + "/contents/" + ForgePaging.segments(path.replaceAll("^/+", ""))
                + ref.filter(r -> !r.isEmpty()).map(r -> "?ref=" + ForgeHttp.segment(r)).orElse("");
        Optional<ForgeHttp.Answer> answer = ForgePaging.unlessAbsent(() -> http.get(route));
        if (answer.isEmpty() || !answer.get().body().isObject() || !"file".equals(answer.get().body().path("type").asText())) {
            return Optional.empty();
        }
        JsonNode file = answer.get().body();
        return Optional.of(new FileContent(ForgePaging.text(file.path("path")), ForgePaging.text(file.path("sha")),
                Base64.getMimeDecoder().decode(ForgePaging.text(file.path("content")))));
    }

    /** {@code GET .../contents/{path}?ref=}: a folder answers an array of entries. */
    @Override
    public List<String> folderFiles(RepoRef repo, String path, Optional<String> ref)
            throws ForgeCallException, InterruptedException {
        String route = repoPath(repo) + "/contents/" + ForgePaging.segments(path.replaceAll("^/+", ""))
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

    /** {@code GET /repos/{owner}/{repo}/releases/tags/{tag}} (drafts included); 404 answers empty. */
    @Override
    public Optional<ForgeRelease> releaseByTag(RepoRef repo, String tag) throws ForgeCallException, InterruptedException {
        return ForgePaging.unlessAbsent(() -> http.get(repoPath(repo) + "/releases/tags/" + ForgeHttp.segment(tag)))
                .map(answer -> ForgeShapes.release(answer.body()));
    }

    /** {@code POST /repos/{owner}/{repo}/releases} ({@code CreateReleaseOption}). */
    @Override
    public ForgeRelease createRelease(RepoRef repo, ReleaseDraft draft) throws ForgeCallException, InterruptedException {
        return ForgeShapes.release(http.post(repoPath(repo) + "/releases", ForgeShapes.releaseBody(draft)).body());
    }

    /** {@code PATCH /repos/{owner}/{repo}/releases/{id}} ({@code EditReleaseOption}). */
    @Override
    public ForgeRelease updateRelease(RepoRef repo, long releaseId, ReleaseDraft draft)
            throws ForgeCallException, InterruptedException {
        return ForgeShapes.release(http.send("PATCH", http.resolve(repoPath(repo) + "/releases/" + releaseId),
                ForgeShapes.releaseBody(draft)).body());
    }

    // ---- pull requests ----

    /** {@code GET /repos/{owner}/{repo}/pulls/{index}}; 404 answers empty. */
    @Override
    public Optional<ForgePullRequest> pullRequest(RepoRef repo, long number) throws ForgeCallException, InterruptedException {
        return ForgePaging.unlessAbsent(() -> http.get(repoPath(repo) + "/pulls/" + number))
                .map(answer -> ForgeShapes.pullRequest(answer.body()));
    }

    /** {@code GET /repos/{owner}/{repo}/pulls?state=open}, every page. */
    @Override
    public List<ForgePullRequest> openPullRequests(RepoRef repo) throws ForgeCallException, InterruptedException {
        List<ForgePullRequest> pulls = new ArrayList<>();
        for (JsonNode pull : ForgePaging.numbered(http, repoPath(repo) + "/pulls?state=open", PAGE_SIZE, MAX_PAGES)) {
            pulls.add(ForgeShapes.pullRequest(pull));
        }
        return List.copyOf(pulls);
    }

    /**
     * {@code POST /repos/{owner}/{repo}/pulls/{index}/merge} with {@code {"Do": method,
     * "head_commit_id": sha}}. The forge answers 405 when the pull request cannot be merged
     * (conflicts, protections, already merged) and 409 when {@code head_commit_id} is out of date
     * (or the push raced another): the latter is "head moved". The 200 has no body, so no merge SHA.
     */
    @Override
    public MergeOutcome merge(RepoRef repo, long number, MergeMethod method, String expectedHeadSha)
            throws ForgeCallException, InterruptedException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("Do", method.id());
        body.put("head_commit_id", expectedHeadSha);
        // Forgejo answers 200 with no body: it reports no merge commit.
        return ForgePaging.mergeOutcome(() -> http.post(repoPath(repo) + "/pulls/" + number + "/merge", body), merged -> "");
    }

    // ---- checks ----

    /** {@code GET /repos/{owner}/{repo}/commits/{ref}/statuses}, every page, the latest of each context (Actions report here too). */
    @Override
    public List<CheckResult> checks(RepoRef repo, String sha) throws ForgeCallException, InterruptedException {
        return List.copyOf(CommitStatuses.latestPerContext(ForgePaging.numbered(http,
                repoPath(repo) + "/commits/" + ForgeHttp.segment(sha) + "/statuses", PAGE_SIZE, MAX_PAGES), "status"));
    }

    /** {@code POST /repos/{owner}/{repo}/statuses/{sha}}: the forge keeps the latest status of each context. */
    @Override
    public void reportCheck(RepoRef repo, String sha, CheckReport report) throws ForgeCallException, InterruptedException {
        String state = switch (report.state()) {
            case WAITING -> "pending";
            case DONE -> "success";
            case BLOCKED -> "warning";
        };
        http.post(repoPath(repo) + "/statuses/" + ForgeHttp.segment(sha),
                Map.of("state", state, "context", report.name(), "description", report.summary()));
    }

    // ---- branches and tags ----

    /** {@code GET /repos/{owner}/{repo}/branches}, every page: name → {@code commit.id}. */
    @Override
    public Map<String, String> branchHeads(RepoRef repo) throws ForgeCallException, InterruptedException {
        return heads(repoPath(repo) + "/branches", "id");
    }

    /** {@code GET /repos/{owner}/{repo}/tags}, every page: name → {@code commit.sha} (the commit, also for annotated tags). */
    @Override
    public Map<String, String> tagHeads(RepoRef repo) throws ForgeCallException, InterruptedException {
        return heads(repoPath(repo) + "/tags", "sha");
    }

    /** Every page of a branch or tag list: name → {@code commit.<shaField>} (the two lists name it differently). */
    private Map<String, String> heads(String path, String shaField) throws ForgeCallException, InterruptedException {
        Map<String, String> heads = new LinkedHashMap<>();
        for (JsonNode ref : ForgePaging.numbered(http, path, PAGE_SIZE, MAX_PAGES)) {
            heads.put(ref.path("name").asText(), ref.path("commit").path(shaField).asText());
        }
        return Collections.unmodifiableMap(heads);
    }

    /** {@code DELETE /repos/{owner}/{repo}/branches/{branch}}; 404 (already gone) is fine. */
    @Override
    public void deleteBranch(RepoRef repo, String branch) throws ForgeCallException, InterruptedException {
        ForgePaging.unlessAbsent(() -> http.send("DELETE",
                http.resolve(repoPath(repo) + "/branches/" + ForgePaging.segments(branch)), null));
    }

    // ---- dispatch and workflows ----

    /**
     * No {@code repository_dispatch} here: reads the default branch ({@code GET /repos/{owner}/{repo}})
     * and dispatches workflow {@code <eventType>.yml} on it, each payload entry as a string input
     * (text as is, anything else as its JSON).
     */
    @Override
    public void dispatchEvent(RepoRef repo, String eventType, Map<String, Object> clientPayload)
            throws ForgeCallException, InterruptedException {
        String defaultBranch = http.get(repoPath(repo)).body().path("default_branch").asText("");
        if (defaultBranch.isEmpty()) {
            throw ForgeCallException.permanent(0, "GET " + http.resolve(repoPath(repo)).getRawPath()
                    + ": answer has no default_branch");
        }
        Map<String, String> inputs = new LinkedHashMap<>();
        clientPayload.forEach((key, value) -> inputs.put(key, value instanceof String text ? text
                : new String(Json.write(value), StandardCharsets.UTF_8)));
        dispatchWorkflow(repo, eventType + ".yml", defaultBranch, inputs);
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

    /** {@code POST /repos/{owner}/{repo}/actions/workflows/{workflowfilename}/dispatches} with {@code ref} and {@code inputs}. */
    @Override
    public void dispatchWorkflow(RepoRef repo, String workflow, String ref, Map<String, String> inputs)
            throws ForgeCallException, InterruptedException {
        http.post(repoPath(repo) + "/actions/workflows/" + ForgeHttp.segment(workflow) + "/dispatches",
                ForgePaging.fields("ref", ref, "inputs", inputs));
    }

    /**
     * The forge's API has no list of workflow runs; it lists Actions tasks (the jobs of runs,
     * newest first): {@code GET /repos/{owner}/{repo}/actions/tasks}. The newest task of
     * {@code workflow} ({@code workflow_id} is the file name) created since {@code createdSince} on
     * the first page stands for its run; its status: success, failure, cancelled, skipped are
     * completed (success and skipped succeeded), anything else (waiting, running, blocked) is not.
     */
    @Override
    public Optional<WorkflowRun> latestWorkflowRun(RepoRef repo, String workflow, Instant createdSince)
            throws ForgeCallException, InterruptedException {
        JsonNode tasks = http.get(repoPath(repo) + "/actions/tasks?limit=" + PAGE_SIZE + "&page=1").body()
                .path("workflow_runs");
        WorkflowRun latest = null;
        for (JsonNode task : tasks) {
            Instant createdAt = ForgePaging.instant(task.path("created_at"));
            if (workflow.equals(task.path("workflow_id").asText()) && !createdAt.isBefore(createdSince)
                    && (latest == null || createdAt.isAfter(latest.createdAt()))) {
                String status = task.path("status").asText();
                latest = new WorkflowRun(task.path("id").asLong(),
                        List.of("success", "failure", "cancelled", "skipped").contains(status),
                        List.of("success", "skipped").contains(status), createdAt, ForgePaging.text(task.path("url")));
            }
        }
        return Optional.ofNullable(latest);
    }

    // ---- mirrors ----

    /** {@code POST /repos/{owner}/{repo}/mirror-sync}: the forge queues the sync. */
    @Override
    public MirrorSync syncMirror(RepoRef repo) throws ForgeCallException, InterruptedException {
        http.post(repoPath(repo) + "/mirror-sync", null);
        return MirrorSync.REQUESTED;
    }

    // ---- paths ----

    private static String repoPath(RepoRef repo) {
        return "/repos/" + ForgeHttp.segment(repo.owner()) + "/" + ForgeHttp.segment(repo.repo());
    }

    private static String issuePath(RepoRef repo, long number) {
        return repoPath(repo) + "/issues/" + number;
    }

    // ---- webhook deliveries ----

    /**
     * Always empty: Forgejo and Gitea retry failed deliveries themselves, so there is nothing for
     * missed-delivery recovery to find (and their hook-task API differs from GitHub's).
     */
    @Override
    public List<HookDelivery> hookDeliveries(HookRef hook, Instant since) {
        return List.of();
    }

    /** Refused, permanently: Forgejo and Gitea retry failed deliveries themselves (see {@link #hookDeliveries}). */
    @Override
    public void redeliver(HookRef hook, long deliveryId) throws ForgeCallException {
        throw ForgeCallException.permanent(0, "redelivery is a GitHub API; Forgejo and Gitea retry failed deliveries"
                + " themselves");
    }
}
