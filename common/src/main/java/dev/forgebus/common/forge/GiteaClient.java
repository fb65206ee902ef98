package dev.forgebus.common.forge;

import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import dev.forgebus.common.config.MergeMethod;
import dev.forgebus.common.config.RepoRef;

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
        List<String> names = new ArrayList<>();
        http.get(repoPath(repo) + "/issues/" + number + "/labels")
                .body().forEach(label -> names.add(label.path("name").asText()));
        return List.copyOf(names);
    }

    /**
     * Looks up the ids of {@code labels} among the repository's labels, creates the missing ones
     * ({@code POST /repos/{owner}/{repo}/labels}), then {@code POST
     * /repos/{owner}/{repo}/issues/{index}/labels} with {@code {"labels": [ids]}}.
     */
    @Override
    public void addLabels(RepoRef repo, long number, List<String> labels) throws ForgeCallException, InterruptedException {
        List<String> distinct = List.copyOf(new LinkedHashSet<>(labels));
        if (distinct.isEmpty()) {
            return;
        }
        Map<String, Long> existing = repositoryLabels(repo);
        List<Long> ids = new ArrayList<>();
        for (String name : distinct) {
            Optional<Long> id = idOf(existing, name);
            ids.add(id.isPresent() ? id.get() : createLabel(repo, name));
        }
        http.post(repoPath(repo) + "/issues/" + number + "/labels", Map.of("labels", ids));
    }

    /** Name → id of every repository label, following {@code page} until a short or empty page. */
    private Map<String, Long> repositoryLabels(RepoRef repo) throws ForgeCallException, InterruptedException {
        Map<String, Long> byName = new LinkedHashMap<>();
        long seen = 0;
        for (int page = 1; page <= MAX_PAGES; page++) {
            ForgeHttp.Answer answer = http.get(repoPath(repo) + "/labels?limit=" + PAGE_SIZE + "&page=" + page);
            JsonNode labels = answer.body();
            labels.forEach(label -> byName.putIfAbsent(label.path("name").asText(), label.path("id").asLong()));
            seen += labels.size();
            // X-Total-Count is exact where the server sends it; without it a short page is the last.
            Optional<Long> total = answer.headers().firstValue("x-total-count").flatMap(GiteaClient::parseLong);
            boolean last = labels.size() == 0
                    || (total.isPresent() ? seen >= total.get() : labels.size() < PAGE_SIZE);
            if (last) {
                return byName;
            }
        }
        throw ForgeCallException.permanent(0, "GET " + http.resolve(repoPath(repo) + "/labels").getRawPath()
                + ": more than " + MAX_PAGES + " pages of labels");
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
        ForgeHttp.Answer created = http.post(repoPath(repo) + "/labels", Map.of("name", name, "color", NEW_LABEL_COLOR));
        JsonNode id = created.body().path("id");
        if (!id.canConvertToLong()) {
            throw ForgeCallException.permanent(created.status(), "POST " + http.resolve(repoPath(repo) + "/labels")
                    .getRawPath() + ": " + created.status() + " answer has no label id");
        }
        return id.asLong();
    }

    private static String repoPath(RepoRef repo) {
        return "/repos/" + ForgeHttp.segment(repo.owner()) + "/" + ForgeHttp.segment(repo.repo());
    }

    private static Optional<Long> parseLong(String text) {
        try {
            return Optional.of(Long.parseLong(text.strip()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    // ---- not implemented yet (issue 5 in progress) ----

    @Override
    public void removeLabel(RepoRef repo, long number, String label) throws ForgeCallException, InterruptedException {
        throw new UnsupportedOperationException("removeLabel: not implemented yet");
    }

    @Override
    public List<ForgeIssue> openIssues(RepoRef repo) throws ForgeCallException, InterruptedException {
        throw new UnsupportedOperationException("openIssues: not implemented yet");
    }

    @Override
    public Optional<ForgeIssue> issue(RepoRef repo, long number) throws ForgeCallException, InterruptedException {
        throw new UnsupportedOperationException("issue: not implemented yet");
    }

    @Override
    public ForgeIssue createIssue(RepoRef repo, String title, String body, List<String> labels) throws ForgeCallException, InterruptedException {
        throw new UnsupportedOperationException("createIssue: not implemented yet");
    }

    @Override
    public void comment(RepoRef repo, long number, String body) throws ForgeCallException, InterruptedException {
        throw new UnsupportedOperationException("comment: not implemented yet");
    }

    @Override
    public List<ForgeComment> comments(RepoRef repo, long number) throws ForgeCallException, InterruptedException {
        throw new UnsupportedOperationException("comments: not implemented yet");
    }

    @Override
    public void closeIssue(RepoRef repo, long number, CloseReason reason) throws ForgeCallException, InterruptedException {
        throw new UnsupportedOperationException("closeIssue: not implemented yet");
    }

    @Override
    public Optional<FileContent> fileContent(RepoRef repo, String path, Optional<String> ref) throws ForgeCallException, InterruptedException {
        throw new UnsupportedOperationException("fileContent: not implemented yet");
    }

    @Override
    public Optional<ForgeRelease> releaseByTag(RepoRef repo, String tag) throws ForgeCallException, InterruptedException {
        throw new UnsupportedOperationException("releaseByTag: not implemented yet");
    }

    @Override
    public ForgeRelease createRelease(RepoRef repo, ReleaseDraft draft) throws ForgeCallException, InterruptedException {
        throw new UnsupportedOperationException("createRelease: not implemented yet");
    }

    @Override
    public ForgeRelease updateRelease(RepoRef repo, long releaseId, ReleaseDraft draft) throws ForgeCallException, InterruptedException {
        throw new UnsupportedOperationException("updateRelease: not implemented yet");
    }

    @Override
    public Optional<ForgePullRequest> pullRequest(RepoRef repo, long number) throws ForgeCallException, InterruptedException {
        throw new UnsupportedOperationException("pullRequest: not implemented yet");
    }

    @Override
    public MergeOutcome merge(RepoRef repo, long number, MergeMethod method, String expectedHeadSha) throws ForgeCallException, InterruptedException {
        throw new UnsupportedOperationException("merge: not implemented yet");
    }

    @Override
    public List<CheckResult> checks(RepoRef repo, String sha) throws ForgeCallException, InterruptedException {
        throw new UnsupportedOperationException("checks: not implemented yet");
    }

    @Override
    public Map<String, String> branchHeads(RepoRef repo) throws ForgeCallException, InterruptedException {
        throw new UnsupportedOperationException("branchHeads: not implemented yet");
    }

    @Override
    public Map<String, String> tagHeads(RepoRef repo) throws ForgeCallException, InterruptedException {
        throw new UnsupportedOperationException("tagHeads: not implemented yet");
    }

    @Override
    public void deleteBranch(RepoRef repo, String branch) throws ForgeCallException, InterruptedException {
        throw new UnsupportedOperationException("deleteBranch: not implemented yet");
    }

    @Override
    public void dispatchEvent(RepoRef repo, String eventType, Map<String, Object> clientPayload) throws ForgeCallException, InterruptedException {
        throw new UnsupportedOperationException("dispatchEvent: not implemented yet");
    }

    @Override
    public void dispatchWorkflow(RepoRef repo, String workflow, String ref, Map<String, String> inputs) throws ForgeCallException, InterruptedException {
        throw new UnsupportedOperationException("dispatchWorkflow: not implemented yet");
    }

    @Override
    public Optional<WorkflowRun> latestWorkflowRun(RepoRef repo, String workflow, Instant createdSince) throws ForgeCallException, InterruptedException {
        throw new UnsupportedOperationException("latestWorkflowRun: not implemented yet");
    }

    @Override
    public MirrorSync syncMirror(RepoRef repo) throws ForgeCallException, InterruptedException {
        throw new UnsupportedOperationException("syncMirror: not implemented yet");
    }

    @Override
    public List<HookDelivery> hookDeliveries(HookRef hook, Instant since) throws ForgeCallException, InterruptedException {
        throw new UnsupportedOperationException("hookDeliveries: not implemented yet");
    }

    @Override
    public void redeliver(HookRef hook, long deliveryId) throws ForgeCallException, InterruptedException {
        throw new UnsupportedOperationException("redeliver: not implemented yet");
    }
}
