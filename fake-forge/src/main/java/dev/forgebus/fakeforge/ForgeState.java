package dev.forgebus.fakeforge;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What the fake forge knows: repositories with their labels, issues and pull requests (with
 * comments), releases, files per ref, check runs and commit statuses per commit, branches and
 * tags, workflow runs, and what was asked of it (dispatches, mirror syncs). Owners and repository
 * names are matched case-insensitively, as every supported forge does. Every method is atomic
 * (the object is its own lock), so a request that adds several labels is seen whole or not at all.
 * Values handed out are immutable snapshots.
 */
final class ForgeState {

    /** The default branch of every repository the fake creates. */
    static final String DEFAULT_BRANCH = "main";
    /** Author of what the fake creates on a client's request: the token's user. */
    static final String TOKEN_USER = "forgebus-bot";
    /** Author of what tests seed. */
    static final String SEED_USER = "octocat";

    /** A repository label. {@code color} is six hex digits without '#', as both forges answer it. */
    record Label(long id, String name, String color) {
    }

    /** Outcome of an add-labels request: the issue's labels after it, or why it was refused. */
    sealed interface AddResult {
        record Added(List<Label> issueLabels) implements AddResult {
        }

        record NoSuchIssue() implements AddResult {
        }

        record UnknownLabel(String which) implements AddResult {
        }
    }

    /** An issue or pull request as it stands. {@code stateReason} is null when none was given. */
    record IssueView(long number, String title, String body, boolean open, String stateReason, List<Label> labels,
                     String author, Instant createdAt, Instant updatedAt, Optional<PullView> pull) {
    }

    /** The pull-request side of an issue. */
    record PullView(String headSha, String headRef, String headRepo, String baseRef, boolean draft, boolean merged,
                    boolean mergeable, String mergeSha) {
    }

    record Comment(long id, String author, String body, Instant createdAt) {
    }

    record Release(long id, String tag, String target, String name, String body, boolean draft, boolean prerelease,
                   Instant createdAt) {
    }

    /** A file at a ref; {@code sha} is the git blob SHA-1 of its bytes. */
    record StoredFile(String path, String sha, byte[] bytes) {
    }

    /** A check run; {@code conclusion} is null until {@code status} is {@code completed}. */
    record CheckRun(long id, String name, String status, String conclusion) {
    }

    /** A commit status; {@code state} is pending, success, failure or error. */
    record Status(long id, String context, String state, Instant createdAt) {
    }

    /** A {@code repository_dispatch} received (GitHub). */
    record Dispatch(String eventType, JsonNode clientPayload) {
    }

    /** A workflow dispatch received. */
    record WorkflowDispatch(String workflow, String ref, Map<String, String> inputs) {
    }

    /** A workflow run; {@code status} queued, in_progress or completed, {@code conclusion} null until completed. */
    record Run(long id, String workflow, String ref, String status, String conclusion, Instant createdAt) {
    }

    /** Outcome of a merge request. */
    sealed interface MergeResult {
        record Merged(String sha) implements MergeResult {
        }

        record NoSuchPull() implements MergeResult {
        }

        record NotMergeable() implements MergeResult {
        }

        record HeadMoved() implements MergeResult {
        }
    }

    private static final class Repo {
        final List<Label> labels = new ArrayList<>();
        final Map<Long, Issue> issues = new TreeMap<>();
        final List<Release> releases = new ArrayList<>();
        final Map<String, Map<String, StoredFile>> files = new HashMap<>();
        final Map<String, List<CheckRun>> checkRuns = new HashMap<>();
        final Map<String, List<Status>> statuses = new HashMap<>();
        final Map<String, String> branches = new TreeMap<>();
        final Map<String, String> tags = new TreeMap<>();
        final List<Dispatch> dispatches = new ArrayList<>();
        final List<WorkflowDispatch> workflowDispatches = new ArrayList<>();
        final List<Run> runs = new ArrayList<>();
        int mirrorSyncs;
    }

    private static final class Issue {
        String title;
        String body = "";
        boolean open = true;
        String stateReason;
        final Set<Long> labelIds = new LinkedHashSet<>();
        final List<Comment> comments = new ArrayList<>();
        final String author;
        final Instant createdAt;
        Instant updatedAt;
        PullView pull;

        Issue(String title, String author, Instant now) {
            this.title = title;
            this.author = author;
            this.createdAt = now;
            this.updatedAt = now;
        }
    }

    private final Map<String, Repo> repos = new HashMap<>();
    private Clock clock = Clock.systemUTC();
    private long nextId = 1;
    /** A check run's output title or a status's description, by id: what a writer said (Forgebus's own checks). */
    private final Map<Long, String> summaries = new HashMap<>();

    synchronized void clock(Clock clock) {
        this.clock = clock;
    }

    synchronized Instant now() {
        return clock.instant();
    }

    synchronized void reset() {
        missingWorkflows.clear();
        runlessWorkflows.clear();
        repos.clear();
        archivedRepos.clear();
        forkRepos.clear();
        assignees.clear();
        milestones.clear();
        summaries.clear();
        nextId = 1;
    }

    // ---- issues and labels ----

    synchronized void createIssue(String owner, String repo, long number, String title) {
        repoOrCreate(owner, repo).issues.put(number, new Issue(title, SEED_USER, clock.instant()));
    }

    /** An issue opened through the API: the next number, the token's user as author. */
    synchronized IssueView openIssue(String owner, String repo, String title, String body, List<Long> labelIds) {
        Repo r = repoOrCreate(owner, repo);
        long number = r.issues.keySet().stream().max(Long::compare).orElse(0L) + 1;
        Issue issue = new Issue(title, TOKEN_USER, clock.instant());
        issue.body = body == null ? "" : body;
        issue.labelIds.addAll(labelIds);
        r.issues.put(number, issue);
        return view(r, number, issue);
    }

    synchronized void createPullRequest(String owner, String repo, long number, String title, String headRef,
                                        String headSha, boolean draft) {
        Issue issue = new Issue(title, SEED_USER, clock.instant());
        issue.pull = new PullView(headSha, headRef, owner + "/" + repo, DEFAULT_BRANCH, draft, false, true, null);
        Repo r = repoOrCreate(owner, repo);
        r.issues.put(number, issue);
        r.branches.put(headRef, headSha);
    }

    /** Changes a pull request: {@code change} gets the current view and answers the new one. */
    synchronized boolean updatePull(String owner, String repo, long number, java.util.function.UnaryOperator<PullView> change) {
        Optional<Issue> issue = issue(owner, repo, number).filter(i -> i.pull != null);
        issue.ifPresent(i -> {
            i.pull = change.apply(i.pull);
            i.updatedAt = clock.instant();
        });
        return issue.isPresent();
    }

    synchronized Label createLabel(String owner, String repo, String name, String color) {
        Label label = new Label(nextId++, name, color);
        repoOrCreate(owner, repo).labels.add(label);
        return label;
    }

    // ---- assignees and milestones (listed with an issue; set by tests only) ----

    private final Map<String, List<String>> assignees = new HashMap<>();
    private final java.util.Set<String> milestones = new java.util.HashSet<>();

    synchronized void assign(String owner, String repo, long number, String login) {
        assignees.computeIfAbsent(key(owner, repo) + "#" + number, k -> new ArrayList<>()).add(login);
    }

    synchronized void putInMilestone(String owner, String repo, long number) {
        milestones.add(key(owner, repo) + "#" + number);
    }

    /** {@code assignees} and {@code milestone} as both forges put them in an issue's JSON. */
    synchronized void putAssigneesAndMilestone(String owner, String repo, long number, Map<String, Object> json) {
        String k = key(owner, repo) + "#" + number;
        json.put("assignees", assignees.getOrDefault(k, List.of()).stream().map(login -> Map.of("login", login)).toList());
        json.put("milestone", milestones.contains(k) ? Map.of("id", 1, "title", "v1") : null);
    }

    // ---- org repository listing (GET /orgs/{org}/repos) ----

    private final java.util.Set<String> archivedRepos = new java.util.HashSet<>();
    private final java.util.Set<String> forkRepos = new java.util.HashSet<>();

    /** Creates the repository (if new) and flags it archived and/or a fork in the org listing. */
    synchronized void flagRepository(String owner, String repo, boolean archived, boolean fork) {
        repoOrCreate(owner, repo);
        if (archived) {
            archivedRepos.add(key(owner, repo));
        }
        if (fork) {
            forkRepos.add(key(owner, repo));
        }
    }

    /** The org's repositories by name (lower-cased, as stored), sorted, as {@code name, full_name, archived, fork}. */
    synchronized List<Map<String, Object>> orgRepositories(String owner) {
        String prefix = (owner + "/").toLowerCase(Locale.ROOT);
        return repos.keySet().stream().filter(k -> k.startsWith(prefix)).sorted().map(k -> {
            Map<String, Object> json = new java.util.LinkedHashMap<>();
            json.put("name", k.substring(prefix.length()));
            json.put("full_name", k);
            json.put("archived", archivedRepos.contains(k));
            json.put("fork", forkRepos.contains(k));
            return json;
        }).toList();
    }

    synchronized boolean hasRepository(String owner, String repo) {
        return repos.containsKey(key(owner, repo));
    }

    synchronized boolean hasIssue(String owner, String repo, long number) {
        return issue(owner, repo, number).isPresent();
    }

    synchronized List<Label> repositoryLabels(String owner, String repo) {
        Repo r = repos.get(key(owner, repo));
        return r == null ? List.of() : List.copyOf(r.labels);
    }

    /** The labels on an issue, empty when there is no such issue. */
    synchronized Optional<List<Label>> issueLabels(String owner, String repo, long number) {
        return issue(owner, repo, number).map(issue -> labelsOf(repos.get(key(owner, repo)), issue));
    }

    synchronized Optional<String> title(String owner, String repo, long number) {
        return issue(owner, repo, number).map(issue -> issue.title);
    }

    synchronized Optional<IssueView> issueView(String owner, String repo, long number) {
        Repo r = repos.get(key(owner, repo));
        return issue(owner, repo, number).map(issue -> view(r, number, issue));
    }

    /** Every issue and pull request, newest first (both forges' default order). */
    synchronized List<IssueView> issues(String owner, String repo) {
        Repo r = repos.get(key(owner, repo));
        if (r == null) {
            return List.of();
        }
        List<IssueView> views = new ArrayList<>();
        r.issues.forEach((number, issue) -> views.add(view(r, number, issue)));
        return views.reversed();
    }

    /** Applies an issue edit; null fields stay as they are. Empty when there is no such issue. */
    synchronized Optional<IssueView> editIssue(String owner, String repo, long number, String title, String body,
                                               Boolean open, String stateReason) {
        Optional<Issue> found = issue(owner, repo, number);
        found.ifPresent(issue -> {
            if (title != null) {
                issue.title = title;
            }
            if (body != null) {
                issue.body = body;
            }
            if (open != null) {
                issue.open = open;
            }
            if (stateReason != null) {
                issue.stateReason = stateReason;
            }
            issue.updatedAt = clock.instant();
        });
        Repo r = repos.get(key(owner, repo));
        return found.map(issue -> view(r, number, issue));
    }

    /**
     * GitHub's way: labels by name, matched case-insensitively; a missing one is created with
     * {@code color}.
     */
    synchronized AddResult addLabelsByName(String owner, String repo, long number, List<String> names, String color) {
        Optional<Issue> issue = issue(owner, repo, number);
        if (issue.isEmpty()) {
            return new AddResult.NoSuchIssue();
        }
        Repo r = repos.get(key(owner, repo));
        for (String name : names) {
            issue.get().labelIds.add(labelByNameOrCreate(r, name, color).id());
        }
        issue.get().updatedAt = clock.instant();
        return new AddResult.Added(labelsOf(r, issue.get()));
    }

    /** Ids of labels by name, creating the missing ones with {@code color} (GitHub's create-issue). */
    synchronized List<Long> labelIdsByName(String owner, String repo, List<String> names, String color) {
        Repo r = repoOrCreate(owner, repo);
        return names.stream().map(name -> labelByNameOrCreate(r, name, color).id()).toList();
    }

    /** Forgejo's way: label ids of this repository; any unknown id refuses the whole request. */
    synchronized AddResult addLabelsById(String owner, String repo, long number, List<Long> ids) {
        Optional<Issue> issue = issue(owner, repo, number);
        if (issue.isEmpty()) {
            return new AddResult.NoSuchIssue();
        }
        Repo r = repos.get(key(owner, repo));
        for (long id : ids) {
            if (r.labels.stream().noneMatch(l -> l.id() == id)) {
                return new AddResult.UnknownLabel("id " + id);
            }
        }
        issue.get().labelIds.addAll(ids);
        issue.get().updatedAt = clock.instant();
        return new AddResult.Added(labelsOf(r, issue.get()));
    }

    /** Removes a label from an issue; false when the issue or the label on it does not exist. */
    synchronized boolean removeLabel(String owner, String repo, long number, java.util.function.Predicate<Label> which) {
        Optional<Issue> issue = issue(owner, repo, number);
        if (issue.isEmpty()) {
            return false;
        }
        Repo r = repos.get(key(owner, repo));
        Optional<Label> label = labelsOf(r, issue.get()).stream().filter(which).findFirst();
        label.ifPresent(l -> {
            issue.get().labelIds.remove(l.id());
            issue.get().updatedAt = clock.instant();
        });
        return label.isPresent();
    }

    synchronized Optional<Comment> addComment(String owner, String repo, long number, String author, String body) {
        Optional<Issue> issue = issue(owner, repo, number);
        return issue.map(i -> {
            Comment comment = new Comment(nextId++, author, body, clock.instant());
            i.comments.add(comment);
            i.updatedAt = comment.createdAt();
            return comment;
        });
    }

    /** Sets when an issue was last updated, and dates its comments no later (an issue idle since {@code at}). */
    synchronized boolean backdate(String owner, String repo, long number, Instant at) {
        Optional<Issue> issue = issue(owner, repo, number);
        issue.ifPresent(i -> {
            i.updatedAt = at;
            i.comments.replaceAll(c -> c.createdAt().isAfter(at) ? new Comment(c.id(), c.author(), c.body(), at) : c);
        });
        return issue.isPresent();
    }

    synchronized Optional<List<Comment>> comments(String owner, String repo, long number) {
        return issue(owner, repo, number).map(issue -> List.copyOf(issue.comments));
    }

    // ---- pull requests ----

    /** Merges if mergeable and the head is still {@code expectedSha} (null: no check). */
    synchronized MergeResult merge(String owner, String repo, long number, String expectedSha) {
        Optional<Issue> found = issue(owner, repo, number).filter(i -> i.pull != null);
        if (found.isEmpty()) {
            return new MergeResult.NoSuchPull();
        }
        Issue issue = found.get();
        PullView pull = issue.pull;
        if (pull.merged() || !issue.open || !pull.mergeable()) {
            return new MergeResult.NotMergeable();
        }
        if (expectedSha != null && !expectedSha.isEmpty() && !expectedSha.equals(pull.headSha())) {
            return new MergeResult.HeadMoved();
        }
        String mergeSha = sha1("merge " + owner + "/" + repo + "#" + number + " " + pull.headSha());
        issue.pull = new PullView(pull.headSha(), pull.headRef(), pull.headRepo(), pull.baseRef(), pull.draft(), true,
                false, mergeSha);
        issue.open = false;
        issue.updatedAt = clock.instant();
        repos.get(key(owner, repo)).branches.put(pull.baseRef(), mergeSha);
        return new MergeResult.Merged(mergeSha);
    }

    // ---- releases ----

    synchronized List<Release> releases(String owner, String repo) {
        Repo r = repos.get(key(owner, repo));
        return r == null ? List.of() : List.copyOf(r.releases);
    }

    /** Creates a release, and its tag at the target's head when the tag is new and the release is not a draft. */
    synchronized Optional<Release> createRelease(String owner, String repo, String tag, String target, String name,
                                                 String body, boolean draft, boolean prerelease) {
        Repo r = repoOrCreate(owner, repo);
        if (r.releases.stream().anyMatch(rel -> rel.tag().equals(tag))) {
            return Optional.empty();
        }
        String commitish = target == null || target.isEmpty() ? DEFAULT_BRANCH : target;
        Release release = new Release(nextId++, tag, commitish, name == null ? "" : name, body == null ? "" : body,
                draft, prerelease, clock.instant());
        r.releases.add(release);
        if (!draft) {
            r.tags.putIfAbsent(tag, r.branches.getOrDefault(commitish, commitish));
        }
        return Optional.of(release);
    }

    /** Applies a release edit; null fields stay. Empty when there is no such release. */
    synchronized Optional<Release> editRelease(String owner, String repo, long id, String tag, String name, String body,
                                               Boolean draft, Boolean prerelease) {
        Repo r = repos.get(key(owner, repo));
        if (r == null) {
            return Optional.empty();
        }
        for (int i = 0; i < r.releases.size(); i++) {
            Release old = r.releases.get(i);
            if (old.id() == id) {
                Release updated = new Release(id, tag == null ? old.tag() : tag, old.target(),
                        name == null ? old.name() : name, body == null ? old.body() : body,
                        draft == null ? old.draft() : draft, prerelease == null ? old.prerelease() : prerelease,
                        old.createdAt());
                r.releases.set(i, updated);
                return Optional.of(updated);
            }
        }
        return Optional.empty();
    }

    // ---- files ----

    synchronized void putFile(String owner, String repo, String ref, String path, byte[] bytes) {
        String header = "blob " + bytes.length + "\0";
        byte[] blob = new byte[header.length() + bytes.length];
        System.arraycopy(header.getBytes(StandardCharsets.UTF_8), 0, blob, 0, header.length());
        System.arraycopy(bytes, 0, blob, header.length(), bytes.length);
        repoOrCreate(owner, repo).files.computeIfAbsent(ref, k -> new HashMap<>())
                .put(path, new StoredFile(path, sha1(blob), bytes.clone()));
    }

    /** A file at {@code ref} (null or empty: the default branch). */
    synchronized Optional<StoredFile> file(String owner, String repo, String ref, String path) {
        Repo r = repos.get(key(owner, repo));
        String at = ref == null || ref.isEmpty() ? DEFAULT_BRANCH : ref;
        return r == null ? Optional.empty() : Optional.ofNullable(r.files.getOrDefault(at, Map.of()).get(path));
    }

    /** Files directly in folder {@code path} at {@code ref}, by name; empty when there are none (no such folder). */
    synchronized List<StoredFile> folder(String owner, String repo, String ref, String path) {
        Repo r = repos.get(key(owner, repo));
        String at = ref == null || ref.isEmpty() ? DEFAULT_BRANCH : ref;
        String prefix = path.isEmpty() || path.endsWith("/") ? path : path + "/";
        return r == null ? List.of() : r.files.getOrDefault(at, Map.of()).values().stream()
                .filter(f -> f.path().startsWith(prefix) && f.path().indexOf('/', prefix.length()) < 0)
                .sorted(java.util.Comparator.comparing(StoredFile::path)).toList();
    }

    // ---- checks ----

    synchronized void addCheckRun(String owner, String repo, String sha, String name, String status, String conclusion) {
        repoOrCreate(owner, repo).checkRuns.computeIfAbsent(sha, k -> new ArrayList<>())
                .add(new CheckRun(nextId++, name, status, conclusion));
    }

    /** A check run written through the API ({@code POST .../check-runs}); answers its id. */
    synchronized long createCheckRun(String owner, String repo, String sha, String name, String status, String conclusion,
                                     String summary) {
        long id = nextId++;
        repoOrCreate(owner, repo).checkRuns.computeIfAbsent(sha, k -> new ArrayList<>())
                .add(new CheckRun(id, name, status, conclusion));
        summaries.put(id, summary == null ? "" : summary);
        return id;
    }

    /** {@code PATCH .../check-runs/{id}}: the run's head SHA when it exists. Null fields keep their value. */
    synchronized Optional<String> updateCheckRun(String owner, String repo, long id, String status, String conclusion,
                                                 String summary) {
        Repo r = repos.get(key(owner, repo));
        if (r == null) {
            return Optional.empty();
        }
        for (Map.Entry<String, List<CheckRun>> runs : r.checkRuns.entrySet()) {
            List<CheckRun> list = runs.getValue();
            for (int i = 0; i < list.size(); i++) {
                CheckRun run = list.get(i);
                if (run.id() == id) {
                    String newStatus = status == null ? run.status() : status;
                    list.set(i, new CheckRun(id, run.name(), newStatus,
                            "completed".equals(newStatus) ? (conclusion == null ? run.conclusion() : conclusion) : null));
                    if (summary != null) {
                        summaries.put(id, summary);
                    }
                    return Optional.of(runs.getKey());
                }
            }
        }
        return Optional.empty();
    }

    /** A commit status written through the API, with its description. */
    synchronized void addStatus(String owner, String repo, String sha, String context, String state, String description) {
        long id = nextId++;
        repoOrCreate(owner, repo).statuses.computeIfAbsent(sha, k -> new ArrayList<>())
                .add(new Status(id, context, state, clock.instant()));
        summaries.put(id, description == null ? "" : description);
    }

    /** What was said with check run or status {@code id}; "" when nothing. */
    synchronized String summary(long id) {
        return summaries.getOrDefault(id, "");
    }

    synchronized List<CheckRun> checkRuns(String owner, String repo, String sha) {
        Repo r = repos.get(key(owner, repo));
        return r == null ? List.of() : List.copyOf(r.checkRuns.getOrDefault(sha, List.of()));
    }

    synchronized void addStatus(String owner, String repo, String sha, String context, String state) {
        repoOrCreate(owner, repo).statuses.computeIfAbsent(sha, k -> new ArrayList<>())
                .add(new Status(nextId++, context, state, clock.instant()));
    }

    /** Statuses of a commit, newest first, as both forges list them. */
    synchronized List<Status> statuses(String owner, String repo, String sha) {
        Repo r = repos.get(key(owner, repo));
        return r == null ? List.of() : List.copyOf(r.statuses.getOrDefault(sha, List.of())).reversed();
    }

    // ---- branches and tags ----

    synchronized void setBranch(String owner, String repo, String branch, String sha) {
        repoOrCreate(owner, repo).branches.put(branch, sha);
    }

    synchronized void setTag(String owner, String repo, String tag, String sha) {
        repoOrCreate(owner, repo).tags.put(tag, sha);
    }

    synchronized Map<String, String> branches(String owner, String repo) {
        Repo r = repos.get(key(owner, repo));
        return r == null ? Map.of() : Map.copyOf(new LinkedHashMap<>(r.branches));
    }

    /** Sorted by name. */
    synchronized List<Map.Entry<String, String>> branchList(String owner, String repo) {
        Repo r = repos.get(key(owner, repo));
        return r == null ? List.of() : r.branches.entrySet().stream().map(e -> Map.entry(e.getKey(), e.getValue())).toList();
    }

    synchronized List<Map.Entry<String, String>> tagList(String owner, String repo) {
        Repo r = repos.get(key(owner, repo));
        return r == null ? List.of() : r.tags.entrySet().stream().map(e -> Map.entry(e.getKey(), e.getValue())).toList();
    }

    synchronized boolean deleteBranch(String owner, String repo, String branch) {
        Repo r = repos.get(key(owner, repo));
        return r != null && r.branches.remove(branch) != null;
    }

    // ---- dispatch, workflows, mirrors ----

    synchronized void addDispatch(String owner, String repo, String eventType, JsonNode payload) {
        repoOrCreate(owner, repo).dispatches.add(new Dispatch(eventType, payload));
    }

    synchronized List<Dispatch> dispatches(String owner, String repo) {
        Repo r = repos.get(key(owner, repo));
        return r == null ? List.of() : List.copyOf(r.dispatches);
    }

    /** Records the dispatch and queues a run of the workflow, as the forge would. */
    synchronized Run dispatchWorkflow(String owner, String repo, String workflow, String ref, Map<String, String> inputs) {
        Repo r = repoOrCreate(owner, repo);
        r.workflowDispatches.add(new WorkflowDispatch(workflow, ref, Map.copyOf(inputs)));
        Run run = new Run(nextId++, workflow, ref, "queued", null, clock.instant());
        if (!runlessWorkflows.contains(key(owner, repo) + "/" + workflow)) {
            r.runs.add(run);
        }
        return run;
    }

    /** Workflow files whose dispatches a test made start no run ({@code owner/repo/workflow}): accepted, then nothing. */
    private final java.util.Set<String> runlessWorkflows = new java.util.HashSet<>();

    synchronized void startNoRuns(String owner, String repo, String workflow) {
        runlessWorkflows.add(key(owner, repo) + "/" + workflow);
    }

    /** Workflow files a test removed ({@code owner/repo/workflow}): dispatching them is a 404, as for a missing file. */
    private final java.util.Set<String> missingWorkflows = new java.util.HashSet<>();

    synchronized void removeWorkflow(String owner, String repo, String workflow) {
        missingWorkflows.add(key(owner, repo) + "/" + workflow);
    }

    synchronized boolean lacksWorkflow(String owner, String repo, String workflow) {
        return missingWorkflows.contains(key(owner, repo) + "/" + workflow);
    }

    /** Completes every run of {@code workflow} not yet completed, with {@code conclusion}; returns how many. */
    synchronized int completeRuns(String owner, String repo, String workflow, String conclusion) {
        Repo r = repos.get(key(owner, repo));
        if (r == null) {
            return 0;
        }
        int completed = 0;
        for (int i = 0; i < r.runs.size(); i++) {
            Run run = r.runs.get(i);
            if (run.workflow().equals(workflow) && !"completed".equals(run.status())) {
                r.runs.set(i, new Run(run.id(), run.workflow(), run.ref(), "completed", conclusion, run.createdAt()));
                completed++;
            }
        }
        return completed;
    }

    synchronized List<WorkflowDispatch> workflowDispatches(String owner, String repo) {
        Repo r = repos.get(key(owner, repo));
        return r == null ? List.of() : List.copyOf(r.workflowDispatches);
    }

    synchronized Run addRun(String owner, String repo, String workflow, String status, String conclusion,
                            Instant createdAt) {
        Run run = new Run(nextId++, workflow, DEFAULT_BRANCH, status, conclusion, createdAt);
        repoOrCreate(owner, repo).runs.add(run);
        return run;
    }

    /** Runs, newest first. */
    synchronized List<Run> runs(String owner, String repo) {
        Repo r = repos.get(key(owner, repo));
        return r == null ? List.of()
                : r.runs.stream().sorted(Comparator.comparing(Run::createdAt).thenComparing(Run::id).reversed()).toList();
    }

    synchronized boolean requestMirrorSync(String owner, String repo) {
        Repo r = repos.get(key(owner, repo));
        if (r == null) {
            return false;
        }
        r.mirrorSyncs++;
        return true;
    }

    synchronized int mirrorSyncs(String owner, String repo) {
        Repo r = repos.get(key(owner, repo));
        return r == null ? 0 : r.mirrorSyncs;
    }

    synchronized void createRepository(String owner, String repo) {
        repoOrCreate(owner, repo);
    }

    // ---- internals ----

    private Optional<Issue> issue(String owner, String repo, long number) {
        Repo r = repos.get(key(owner, repo));
        return r == null ? Optional.empty() : Optional.ofNullable(r.issues.get(number));
    }

    private Repo repoOrCreate(String owner, String repo) {
        return repos.computeIfAbsent(key(owner, repo), k -> new Repo());
    }

    private Label labelByNameOrCreate(Repo r, String name, String color) {
        return r.labels.stream().filter(l -> l.name().equalsIgnoreCase(name)).findFirst()
                .orElseGet(() -> {
                    Label created = new Label(nextId++, name, color);
                    r.labels.add(created);
                    return created;
                });
    }

    private static IssueView view(Repo r, long number, Issue issue) {
        return new IssueView(number, issue.title, issue.body, issue.open, issue.stateReason, labelsOf(r, issue),
                issue.author, issue.createdAt, issue.updatedAt, Optional.ofNullable(issue.pull));
    }

    private static List<Label> labelsOf(Repo repo, Issue issue) {
        List<Label> labels = new ArrayList<>();
        for (long id : issue.labelIds) {
            repo.labels.stream().filter(l -> l.id() == id).findFirst().ifPresent(labels::add);
        }
        return List.copyOf(labels);
    }

    private static String key(String owner, String repo) {
        return (owner + "/" + repo).toLowerCase(Locale.ROOT);
    }

    static String sha1(String text) {
        return sha1(text.getBytes(StandardCharsets.UTF_8));
    }

    static String sha1(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-1", e);
        }
    }
}
