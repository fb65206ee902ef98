package dev.forgebus.common.forge;

import java.net.URI;
import java.net.http.HttpHeaders;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
        URI page = http.resolve(issueLabelsPath(repo, number) + "?per_page=" + PAGE_SIZE);
        for (int pages = 1; page != null; pages++) {
            ForgeHttp.Answer answer = http.send("GET", page, null);
            answer.body().forEach(label -> names.add(label.path("name").asText()));
            page = nextPage(answer.headers()).orElse(null);
            if (page != null && (pages >= MAX_PAGES || !http.isSameOrigin(page))) {
                throw ForgeCallException.permanent(0, "GET " + page.getRawPath()
                        + ": not following the next-page link (" + (pages >= MAX_PAGES ? "more than " + MAX_PAGES
                        + " pages" : "it points to another host") + ")");
            }
        }
        return List.copyOf(names);
    }

    /** {@code POST /repos/{owner}/{repo}/issues/{number}/labels} with {@code {"labels": [names]}}. */
    @Override
    public void addLabels(RepoRef repo, long number, List<String> labels) throws ForgeCallException, InterruptedException {
        List<String> distinct = List.copyOf(new LinkedHashSet<>(labels));
        if (distinct.isEmpty()) {
            return;
        }
        http.post(issueLabelsPath(repo, number), Map.of("labels", distinct));
    }

    private static String issueLabelsPath(RepoRef repo, long number) {
        return "/repos/" + ForgeHttp.segment(repo.owner()) + "/" + ForgeHttp.segment(repo.repo())
                + "/issues/" + number + "/labels";
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
