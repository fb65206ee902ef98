package dev.forgebus.fakeforge;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;

/**
 * A small stateful forge on loopback for tests: speaks the GitHub or the Forgejo/Gitea REST
 * shapes Forgebus uses, keeps repositories (issues and pull requests with labels and comments,
 * releases, files per ref, check runs and statuses, branches and tags, workflow runs, and the
 * dispatches and mirror syncs asked of it), records every request, and fails or delays requests
 * on demand. Tests seed and inspect that state with the public methods below.
 *
 * <pre>{@code
 * try (FakeForge forge = FakeForge.start(Flavor.GITHUB)) {
 *     forge.createIssue("MyOrg", "app", 7, "App crash on start");
 *     // point a config's api_url at forge.apiUrl(), run the code under test, then:
 *     assertThat(forge.labels("MyOrg", "app", 7)).containsExactly("bug");
 *     assertThat(forge.labelChanges("MyOrg", "app", 7)).isEqualTo(1);
 * }
 * }</pre>
 *
 * <p>Every request passes, in order: recording; a matching {@link #delayNext delay}; a matching
 * {@link #failNext injected failure}; the {@link #requireToken token check}; the GitHub
 * {@link #rateLimit budget} (each request spends one, as on GitHub; an empty budget answers 403
 * with {@code x-ratelimit-remaining: 0}); when asked, the {@link #enforceWritesPerMinute secondary
 * write limit}; the route. GitHub answers, injected failures included,
 * carry {@code x-ratelimit-*} headers; Forgejo sends none (it has no such headers).
 *
 * <p>Thread-safe. {@link #reset()} between tests is cheaper than a new server.
 */
public final class FakeForge implements AutoCloseable {

    /** Which forge's REST dialect the fake speaks. */
    public enum Flavor {
        /** GitHub: routes at the root. */
        GITHUB,
        /** Forgejo and Gitea: routes under {@code /api/v1}. */
        FORGEJO
    }

    /** GitHub's budget for a token, the fake's default. */
    public static final int DEFAULT_RATE_LIMIT = 5000;
    private static final String FORGEJO_PREFIX = "/api/v1";

    private final Flavor flavor;
    private final Clock clock;
    private final ForgeState state = new ForgeState();
    private final List<RecordedRequest> requests = Collections.synchronizedList(new ArrayList<>());
    private final Object lock = new Object();
    // Guarded by lock:
    private final List<Injection> failures = new ArrayList<>();
    private final List<Delay> delays = new ArrayList<>();
    private String requiredToken;
    /** Token → a name shown in recordings instead of it (kept across {@link #reset()}: tokens are configuration). */
    private final Map<String, String> tokenNames = new java.util.concurrent.ConcurrentHashMap<>();
    private int rateLimit;
    private int rateRemaining;
    private Instant rateResetAt;
    private volatile int maxPageSize = 100;
    private final SecondaryWriteLimit writeLimit;

    private Javalin app;
    private ForgeApi api;
    private final GitHubAppRoutes appRoutes;
    private GitHubHookDeliveries hookDeliveries;
    private URI apiUrl;

    private record Injection(Predicate<RecordedRequest> which, int[] left, int status, Map<String, String> headers,
                             String body) {
    }

    private record Delay(Predicate<RecordedRequest> which, Duration delay) {
    }

    private FakeForge(Flavor flavor, Clock clock) {
        this.flavor = Objects.requireNonNull(flavor, "flavor");
        this.clock = Objects.requireNonNull(clock, "clock");
        state.clock(this.clock);
        this.appRoutes = new GitHubAppRoutes(this.clock);
        this.writeLimit = new SecondaryWriteLimit(this.clock);
        resetRateLimit(DEFAULT_RATE_LIMIT);
    }

    /** Starts a fake of {@code flavor} on 127.0.0.1, on a free port. */
    public static FakeForge start(Flavor flavor) {
        return start(flavor, Clock.systemUTC());
    }

    /** As {@link #start(Flavor)}, with the clock that stamps requests and sets the budget's reset. */
    public static FakeForge start(Flavor flavor, Clock clock) {
        FakeForge forge = new FakeForge(flavor, clock);
        forge.app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            for (HandlerType method : List.of(HandlerType.GET, HandlerType.POST, HandlerType.PUT, HandlerType.PATCH,
                    HandlerType.DELETE)) {
                config.routes.addHttpHandler(method, "/*", forge::serve);
            }
        });
        forge.app.start("127.0.0.1", 0);
        String root = "http://127.0.0.1:" + forge.app.port();
        forge.apiUrl = URI.create(flavor == Flavor.GITHUB ? root : root + FORGEJO_PREFIX);
        forge.api = flavor == Flavor.GITHUB
                ? new GitHubApi(forge.state, forge.apiUrl.toString(), () -> forge.maxPageSize)
                : new ForgejoApi(forge.state, forge.apiUrl.toString(), () -> forge.maxPageSize);
        forge.hookDeliveries = new GitHubHookDeliveries(forge.apiUrl.toString(), forge.clock, forge.api);
        return forge;
    }

    public Flavor flavor() {
        return flavor;
    }

    /** The base URL to put in a config's {@code api_url} ({@code http://127.0.0.1:<port>[/api/v1]}). */
    public URI apiUrl() {
        return apiUrl;
    }

    // ---- state ----

    /** Creates (or replaces) an issue or pull request, creating its repository when needed. */
    /** Assigns issue {@code number} to {@code login} (listed in the issue's {@code assignees}). */
    public void assignIssue(String owner, String repo, long number, String login) {
        state.assign(owner, repo, number, login);
    }

    /** Puts issue {@code number} in a milestone (listed as the issue's {@code milestone}). */
    public void milestoneIssue(String owner, String repo, long number) {
        state.putInMilestone(owner, repo, number);
    }

    /** Adds a repository to its org's listing ({@code GET /orgs/{org}/repos}), flagged archived and/or a fork. */
    public void createRepository(String owner, String repo, boolean archived, boolean fork) {
        state.flagRepository(owner, repo, archived, fork);
    }

    public void createIssue(String owner, String repo, long number, String title) {
        state.createIssue(owner, repo, number, title);
    }

    /**
     * Creates a repository label (and the repository when needed).
     *
     * @param color six hex digits, with or without '#'
     * @return its id
     */
    public long createLabel(String owner, String repo, String name, String color) {
        return state.createLabel(owner, repo, name, color.replaceFirst("^#", "")).id();
    }

    /**
     * Puts labels on an existing issue directly (no request recorded), creating repository labels
     * that do not exist yet, as a person would in the forge's web page.
     */
    public void labelIssue(String owner, String repo, long number, String... names) {
        if (state.addLabelsByName(owner, repo, number, List.of(names), GitHubApi.NEW_LABEL_COLOR)
                instanceof ForgeState.AddResult.NoSuchIssue) {
            throw new IllegalArgumentException("no issue " + owner + "/" + repo + "#" + number);
        }
    }

    /** Names of the labels on an issue, in the order they were added. */
    public List<String> labels(String owner, String repo, long number) {
        return state.issueLabels(owner, repo, number)
                .orElseThrow(() -> new IllegalArgumentException("no issue " + owner + "/" + repo + "#" + number))
                .stream().map(ForgeState.Label::name).toList();
    }

    /** Names of the repository's labels, in creation order. */
    public List<String> repositoryLabels(String owner, String repo) {
        return state.repositoryLabels(owner, repo).stream().map(ForgeState.Label::name).toList();
    }

    /**
     * Creates (or replaces) an open pull request, which both forges also list as an issue; its
     * head branch is set to {@code headSha}, its base is {@code main}, and it is mergeable.
     */
    public void createPullRequest(String owner, String repo, long number, String title, String headRef, String headSha) {
        state.createPullRequest(owner, repo, number, title, headRef, headSha, false);
    }

    /** Marks a pull request (not) mergeable: merging it answers 405 while it is not. */
    public void setMergeable(String owner, String repo, long number, boolean mergeable) {
        requirePull(owner, repo, number, pull -> new ForgeState.PullView(pull.headSha(), pull.headRef(), pull.headRepo(),
                pull.baseRef(), pull.draft(), pull.merged(), mergeable, pull.mergeSha()));
    }

    /** Marks a pull request as a draft, or ready for review. */
    public void setDraft(String owner, String repo, long number, boolean draft) {
        requirePull(owner, repo, number, pull -> new ForgeState.PullView(pull.headSha(), pull.headRef(), pull.headRepo(),
                pull.baseRef(), draft, pull.merged(), pull.mergeable(), pull.mergeSha()));
    }

    /** Makes a pull request come from {@code headRepository} ({@code owner/repo}), a fork when it is not this repository. */
    public void setHeadRepository(String owner, String repo, long number, String headRepository) {
        requirePull(owner, repo, number, pull -> new ForgeState.PullView(pull.headSha(), pull.headRef(), headRepository,
                pull.baseRef(), pull.draft(), pull.merged(), pull.mergeable(), pull.mergeSha()));
    }

    /** Pushes to a pull request's head: a merge expecting the old SHA answers 409. */
    public void pushToPullRequest(String owner, String repo, long number, String newHeadSha) {
        requirePull(owner, repo, number, pull -> new ForgeState.PullView(newHeadSha, pull.headRef(), pull.headRepo(),
                pull.baseRef(), pull.draft(), pull.merged(), pull.mergeable(), pull.mergeSha()));
        state.setBranch(owner, repo, state.issueView(owner, repo, number).orElseThrow().pull().orElseThrow().headRef(),
                newHeadSha);
    }

    private void requirePull(String owner, String repo, long number,
                             java.util.function.UnaryOperator<ForgeState.PullView> change) {
        if (!state.updatePull(owner, repo, number, change)) {
            throw new IllegalArgumentException("no pull request " + owner + "/" + repo + "#" + number);
        }
    }

    /** Whether a pull request was merged. */
    public boolean merged(String owner, String repo, long number) {
        return issueView(owner, repo, number).pull().map(ForgeState.PullView::merged).orElse(false);
    }

    /** {@code open} or {@code closed}. */
    public String issueState(String owner, String repo, long number) {
        return issueView(owner, repo, number).open() ? "open" : "closed";
    }

    /** The {@code state_reason} an issue was closed with, empty when none was sent (always on Forgejo). */
    public Optional<String> issueStateReason(String owner, String repo, long number) {
        return Optional.ofNullable(issueView(owner, repo, number).stateReason());
    }

    /** The title of an issue or pull request. */
    public String issueTitle(String owner, String repo, long number) {
        return issueView(owner, repo, number).title();
    }

    /** The bodies of an issue's comments, oldest first. */
    public List<String> comments(String owner, String repo, long number) {
        return state.comments(owner, repo, number)
                .orElseThrow(() -> new IllegalArgumentException("no issue " + owner + "/" + repo + "#" + number))
                .stream().map(ForgeState.Comment::body).toList();
    }

    /**
     * Makes an issue idle since {@code at}: its {@code updated_at} becomes {@code at}, and comments made
     * later are dated {@code at} (a stale sweep's view of an old issue). Records no request.
     */
    public void setIssueUpdatedAt(String owner, String repo, long number, Instant at) {
        if (!state.backdate(owner, repo, number, at)) {
            throw new IllegalArgumentException("no issue " + owner + "/" + repo + "#" + number);
        }
    }

    /** Adds a comment as {@code author} directly. */
    public void addComment(String owner, String repo, long number, String author, String body) {
        if (state.addComment(owner, repo, number, author, body).isEmpty()) {
            throw new IllegalArgumentException("no issue " + owner + "/" + repo + "#" + number);
        }
    }

    private ForgeState.IssueView issueView(String owner, String repo, long number) {
        return state.issueView(owner, repo, number)
                .orElseThrow(() -> new IllegalArgumentException("no issue " + owner + "/" + repo + "#" + number));
    }

    /** Puts a file at {@code ref} (a branch, tag or SHA; {@code main} is the default branch). */
    public void putFile(String owner, String repo, String ref, String path, String content) {
        state.putFile(owner, repo, ref, path, content.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** Adds a check run to commit {@code sha}; {@code conclusion} null unless {@code status} is {@code completed}. */
    public void addCheckRun(String owner, String repo, String sha, String name, String status, String conclusion) {
        state.addCheckRun(owner, repo, sha, name, status, conclusion);
    }

    /**
     * A check run or commit status as a writer left it on a commit: {@code kind} {@code check_run} or
     * {@code status}; {@code state} the run's conclusion (its status until completed) or the status's state;
     * {@code summary} the run's output title or the status's description.
     */
    public record ShownCheck(String kind, long id, String name, String state, String summary) {
    }

    /** Every check run, then every commit status (each report, oldest first), on commit {@code sha}. */
    public List<ShownCheck> shownChecks(String owner, String repo, String sha) {
        List<ShownCheck> shown = new ArrayList<>();
        for (ForgeState.CheckRun run : state.checkRuns(owner, repo, sha)) {
            shown.add(new ShownCheck("check_run", run.id(), run.name(),
                    run.conclusion() == null ? run.status() : run.conclusion(), state.summary(run.id())));
        }
        for (ForgeState.Status status : state.statuses(owner, repo, sha).reversed()) {
            shown.add(new ShownCheck("status", status.id(), status.context(), status.state(), state.summary(status.id())));
        }
        return List.copyOf(shown);
    }

    /** Adds a commit status (pending, success, failure, error); a later one of the same context is newer. */
    public void addStatus(String owner, String repo, String sha, String context, String state) {
        this.state.addStatus(owner, repo, sha, context, state);
    }

    /** Creates or moves a branch. */
    public void setBranch(String owner, String repo, String branch, String sha) {
        state.setBranch(owner, repo, branch, sha);
    }

    /** Creates or moves a tag (to the commit, as if peeled). */
    public void setTag(String owner, String repo, String tag, String sha) {
        state.setTag(owner, repo, tag, sha);
    }

    /** Branch name → head SHA. */
    public Map<String, String> branches(String owner, String repo) {
        return state.branches(owner, repo);
    }

    /** Tag name → commit SHA. */
    public Map<String, String> tags(String owner, String repo) {
        return Map.copyOf(state.tagList(owner, repo).stream()
                .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)));
    }

    /** A release as the fake keeps it. */
    public record Release(long id, String tag, String target, String name, String body, boolean draft,
                          boolean prerelease) {
    }

    /** Creates a release directly; answers its id. */
    public long createRelease(String owner, String repo, String tag, String name, boolean draft) {
        return state.createRelease(owner, repo, tag, null, name, "", draft, false)
                .orElseThrow(() -> new IllegalArgumentException("release of " + tag + " exists")).id();
    }

    /** Releases in creation order. */
    public List<Release> releases(String owner, String repo) {
        return state.releases(owner, repo).stream().map(r -> new Release(r.id(), r.tag(), r.target(), r.name(), r.body(),
                r.draft(), r.prerelease())).toList();
    }

    /** A {@code repository_dispatch} received: event type and {@code client_payload} as JSON text. */
    public record Dispatch(String eventType, String clientPayload) {
    }

    /** The {@code repository_dispatch} events received (GitHub). */
    public List<Dispatch> dispatches(String owner, String repo) {
        return state.dispatches(owner, repo).stream().map(d -> new Dispatch(d.eventType(), d.clientPayload().toString()))
                .toList();
    }

    /** A workflow dispatch received: the workflow file, ref and string inputs. */
    public record WorkflowDispatch(String workflow, String ref, Map<String, String> inputs) {
    }

    public List<WorkflowDispatch> workflowDispatches(String owner, String repo) {
        return state.workflowDispatches(owner, repo).stream()
                .map(d -> new WorkflowDispatch(d.workflow(), d.ref(), d.inputs())).toList();
    }

    /**
     * Adds a run of workflow file {@code workflow}. Statuses are GitHub's ({@code queued},
     * {@code in_progress}, {@code completed} with a conclusion); Forgejo tasks show them as
     * waiting, running or the conclusion. A workflow dispatch also queues a run.
     *
     * @return the run's id
     */
    public long addWorkflowRun(String owner, String repo, String workflow, String status, String conclusion,
                               Instant createdAt) {
        return state.addRun(owner, repo, workflow, status, conclusion, createdAt).id();
    }

    /** Makes dispatches of {@code workflow} accepted (204) but start no run, as a forge whose runners never pick it up. */
    public void startNoRuns(String owner, String repo, String workflow) {
        state.startNoRuns(owner, repo, workflow);
    }

    /** Makes {@code workflow} absent from the repository: a dispatch of it answers 404, as the forge does. */
    public void removeWorkflow(String owner, String repo, String workflow) {
        state.removeWorkflow(owner, repo, workflow);
    }

    /**
     * Completes the repository's runs of {@code workflow} that are queued or in progress, with
     * {@code conclusion} ({@code success}, {@code failure}, ...), as a runner finishing them would.
     *
     * @return how many runs it completed
     */
    public int completeWorkflowRuns(String owner, String repo, String workflow, String conclusion) {
        return state.completeRuns(owner, repo, workflow, conclusion);
    }

    /** How many mirror syncs were asked of a repository (Forgejo). */
    public int mirrorSyncs(String owner, String repo) {
        return state.mirrorSyncs(owner, repo);
    }

    /** Creates an empty repository (default branch {@code main}). */
    public void createRepository(String owner, String repo) {
        state.createRepository(owner, repo);
    }

    /**
     * The next {@code times} requests matching {@code which} get GitHub's secondary rate limit:
     * 403 with {@code Retry-After} and its message.
     */
    public void secondaryRateLimitNext(Predicate<RecordedRequest> which, int times, int retryAfterSeconds) {
        failNextMatching(which, times, 403, Map.of("Retry-After", Integer.toString(retryAfterSeconds)), SECONDARY_LIMIT_BODY);
    }

    private static final String SECONDARY_LIMIT_BODY =
            "{\"message\":\"You have exceeded a secondary rate limit. Please wait a few minutes before you try "
                    + "again. If you reach out to GitHub Support for help, please include the request ID.\","
                    + "\"documentation_url\":\"https://docs.github.com/rest/overview/rate-limits-for-the-rest-api"
                    + "#about-secondary-rate-limits\",\"status\":\"403\"}";

    /**
     * From now on, enforces GitHub's secondary limit on content-creating requests (POST, PATCH,
     * PUT, DELETE): at most {@code writesPerMinute} admitted a rolling minute per token (by the
     * fake's clock); one more is answered 403 with {@code Retry-After} (seconds until the token's
     * oldest write leaves the minute) and GitHub's message, and recorded in
     * {@link #secondaryLimitRefusals()}. 0 turns it off (the default).
     */
    public void enforceWritesPerMinute(int writesPerMinute) {
        writeLimit.enforce(writesPerMinute);
    }

    /** The requests refused by {@link #enforceWritesPerMinute}, in order. */
    public List<RecordedRequest> secondaryLimitRefusals() {
        return writeLimit.refused();
    }

    // ---- recording ----

    /** Every request received since start or {@link #reset()}, in arrival order. */
    public List<RecordedRequest> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    /** The requests that match. */
    public List<RecordedRequest> requests(Predicate<RecordedRequest> which) {
        return requests().stream().filter(which).toList();
    }

    /**
     * How many requests tried to change the labels of an issue: any method but GET on its
     * {@code .../issues/{number}/labels} route (or below it), whatever their answer.
     */
    public long labelChanges(String owner, String repo, long number) {
        String path = prefix() + "/repos/" + owner + "/" + repo + "/issues/" + number + "/labels";
        return requests().stream()
                .filter(RecordedRequest::isWrite)
                .filter(r -> r.path().equalsIgnoreCase(path) || r.path().toLowerCase(java.util.Locale.ROOT)
                        .startsWith(path.toLowerCase(java.util.Locale.ROOT) + "/"))
                .count();
    }

    // ---- behaviour ----

    /**
     * From now on, requests must carry {@code Authorization: Bearer <token>} or {@code token <token>};
     * others get 401 with the forge's error body. Null lifts the requirement.
     */
    public void requireToken(String token) {
        synchronized (lock) {
            requiredToken = token;
        }
    }

    /**
     * From now on, a request authenticated with {@code token} is recorded with
     * {@code Authorization: <scheme> ***** (name)}: tests see which credential was used, recordings
     * still never show a token.
     */
    public void nameToken(String token, String name) {
        tokenNames.put(token, name);
    }

    /** The next {@code times} requests answer {@code status} with the forge's error body for it. */
    public void failNext(int times, int status) {
        failNext(times, status, Map.of(), null);
    }

    /**
     * The next {@code times} requests answer {@code status} with these headers (e.g.
     * {@code Retry-After}, {@code x-ratelimit-remaining}) and body (null: the forge's error body).
     */
    public void failNext(int times, int status, Map<String, String> headers, String body) {
        failNextMatching(request -> true, times, status, headers, body);
    }

    /** As {@link #failNext(int, int, Map, String)}, only for requests that match {@code which}. */
    public void failNextMatching(Predicate<RecordedRequest> which, int times, int status, Map<String, String> headers,
                                 String body) {
        if (times < 1) {
            throw new IllegalArgumentException("times must be at least 1, was " + times);
        }
        synchronized (lock) {
            failures.add(new Injection(which, new int[] {times}, status, Map.copyOf(headers), body));
        }
    }

    /** The next request is answered only after {@code delay} (to exercise client timeouts). */
    public void delayNext(Duration delay) {
        delayNextMatching(request -> true, delay);
    }

    /** The next request that matches {@code which} is answered only after {@code delay}. */
    public void delayNextMatching(Predicate<RecordedRequest> which, Duration delay) {
        synchronized (lock) {
            delays.add(new Delay(which, delay));
        }
    }

    /**
     * Sets the GitHub budget: {@code limit} requests until an hour from now. When it is spent,
     * requests get 403 "API rate limit exceeded" with {@code x-ratelimit-remaining: 0}.
     */
    public void rateLimit(int limit) {
        synchronized (lock) {
            resetRateLimit(limit);
        }
    }

    /** What is left of the GitHub budget. */
    public int rateLimitRemaining() {
        synchronized (lock) {
            return rateRemaining;
        }
    }

    /** Caps page sizes (GitHub {@code per_page}, Forgejo {@code limit}) to exercise pagination. */
    public void maxPageSize(int size) {
        if (size < 1) {
            throw new IllegalArgumentException("size must be at least 1, was " + size);
        }
        maxPageSize = size;
    }

    // ---- webhook deliveries (GitHub; see GitHubHookDeliveries) ----

    /**
     * Adds one attempt to a hook's delivery log, as GitHub lists it under
     * {@code GET {hookPath}/deliveries}.
     *
     * @param hookPath {@code /repos/{owner}/{repo}/hooks/{id}}, {@code /orgs/{org}/hooks/{id}} or {@code /app/hook}
     * @param status   what our endpoint answered (0: no answer)
     * @return the attempt's id
     */
    public long addHookDelivery(String hookPath, String guid, String event, int status, Instant deliveredAt) {
        return hookDeliveries.add(hookPath, guid, event, status, deliveredAt, false);
    }

    /** The delivery ids whose redelivery was asked ({@code POST .../deliveries/{id}/attempts}) on {@code hookPath}. */
    public List<Long> redeliveries(String hookPath) {
        return hookDeliveries.redeliveryRequests(hookPath);
    }

    /** The status recorded for the attempts that redeliveries asked from now on create (default 200). */
    public void redeliveryStatus(int status) {
        hookDeliveries.redeliveryStatus(status);
    }

    // ---- GitHub App authentication (GitHub flavour; see GitHubAppRoutes) ----

    /**
     * Registers a GitHub App: its JWTs ({@code Authorization: Bearer <jwt>}, RS256, {@code iss}
     * the App id, at most ten minutes long) are checked against {@code publicKey} on
     * {@code POST /app/installations/{id}/access_tokens} and {@code GET /orgs/{org}/installation}.
     * The installation tokens it gets are accepted by the {@link #requireToken token check}
     * for an hour of the fake's clock.
     */
    public void registerApp(long appId, java.security.PublicKey publicKey) {
        appRoutes.registerApp(appId, Objects.requireNonNull(publicKey, "publicKey"));
    }

    /** Installs App {@code appId} on {@code org} as installation {@code installationId}. */
    public void installApp(long appId, String org, long installationId) {
        appRoutes.install(appId, org, installationId);
    }

    /** How many installation tokens were issued since start or {@link #reset()}. */
    public int tokensIssued() {
        return appRoutes.tokensIssued();
    }

    /** How many installation tokens were issued for one installation. */
    public int tokensIssued(long installationId) {
        return appRoutes.tokensIssued(installationId);
    }

    /** Forgets state, recordings, injections, token requirement, page cap; restores the budget. */
    public void reset() {
        state.reset();
        appRoutes.reset();
        hookDeliveries.reset();
        writeLimit.reset();
        requests.clear();
        synchronized (lock) {
            failures.clear();
            delays.clear();
            requiredToken = null;
            resetRateLimit(DEFAULT_RATE_LIMIT);
        }
        maxPageSize = 100;
    }

    @Override
    public void close() {
        app.stop();
    }

    // ---- serving ----

    private void serve(Context ctx) {
        RecordedRequest request = record(ctx);
        requests.add(request);
        Optional<Duration> delay = takeDelay(request);
        if (delay.isPresent()) {
            try {
                Thread.sleep(delay.get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        // The recording masks the credential, so the token check reads the header itself.
        write(ctx, conditional(request, answer(request, ctx.header("Authorization"))));
    }

    private Reply answer(RecordedRequest request, String authorization) {
        // GitHub App routes authenticate with the App's JWT, not a token, and the App's budget is not the token's.
        Optional<Reply> appReply = flavor == Flavor.GITHUB
                ? appRoutes.answer(request, request.path(), authorization, api) : Optional.empty();
        if (appReply.isPresent()) {
            return appReply.get();
        }
        Optional<Injection> failure;
        String token;
        boolean budgetSpent = false;
        synchronized (lock) {
            failure = takeFailure(request);
            token = requiredToken;
            if (flavor == Flavor.GITHUB) {
                if (!clock.instant().isBefore(rateResetAt)) {
                    resetRateLimit(rateLimit);
                }
                if (rateRemaining > 0) {
                    rateRemaining--;
                } else {
                    budgetSpent = true;
                }
            }
        }
        Reply reply;
        java.util.OptionalLong secondary;
        if (failure.isPresent()) {
            Injection f = failure.get();
            Reply base = f.body() == null ? api.error(f.status(), Reply.reason(f.status()))
                    : new Reply(f.status(), Map.of(), f.body());
            return withRateLimitHeaders(base).withHeaders(f.headers());
        } else if (token != null && !api.authorizes(authorization, token)
                && !appRoutes.authorizesInstallationToken(authorization)) {
            reply = api.error(401, flavor == Flavor.GITHUB ? "Bad credentials" : "token is required");
        } else if (budgetSpent) {
            reply = api.error(403, "API rate limit exceeded for user ID 1.");
        } else if ((secondary = writeLimit.refusal(request, authorization)).isPresent()) {
            reply = new Reply(403, Map.of("Retry-After", Long.toString(secondary.getAsLong())), SECONDARY_LIMIT_BODY);
        } else if (!request.path().startsWith(prefix() + "/")) {
            reply = api.error(404, "Not Found");
        } else {
            String path = request.path().substring(prefix().length());
            reply = (flavor == Flavor.GITHUB ? hookDeliveries.handle(request, path) : Optional.<Reply>empty())
                    .orElseGet(() -> api.handle(request, path));
        }
        return withRateLimitHeaders(reply);
    }

    /**
     * ETag and conditional GET (see {@link ConditionalGets}). A 304 gives the request's unit of
     * GitHub budget back and reports the budget so: on GitHub a conditional request answered 304
     * does not count against the rate limit.
     */
    private Reply conditional(RecordedRequest request, Reply reply) {
        Reply answered = ConditionalGets.apply(request, reply);
        if (!ConditionalGets.isNotModified(answered) || flavor != Flavor.GITHUB) {
            return answered;
        }
        synchronized (lock) {
            rateRemaining = Math.min(rateLimit, rateRemaining + 1);
        }
        return withRateLimitHeaders(answered);
    }

    private Reply withRateLimitHeaders(Reply reply) {
        if (flavor != Flavor.GITHUB) {
            return reply;
        }
        Map<String, String> headers = new LinkedHashMap<>();
        synchronized (lock) {
            headers.put("x-ratelimit-limit", Integer.toString(rateLimit));
            headers.put("x-ratelimit-remaining", Integer.toString(rateRemaining));
            headers.put("x-ratelimit-reset", Long.toString(rateResetAt.getEpochSecond()));
            headers.put("x-ratelimit-used", Integer.toString(rateLimit - rateRemaining));
            headers.put("x-ratelimit-resource", "core");
        }
        return reply.withHeaders(headers);
    }

    private Optional<Injection> takeFailure(RecordedRequest request) {
        for (Iterator<Injection> it = failures.iterator(); it.hasNext(); ) {
            Injection injection = it.next();
            if (injection.which().test(request)) {
                if (--injection.left()[0] == 0) {
                    it.remove();
                }
                return Optional.of(injection);
            }
        }
        return Optional.empty();
    }

    private Optional<Duration> takeDelay(RecordedRequest request) {
        synchronized (lock) {
            for (Iterator<Delay> it = delays.iterator(); it.hasNext(); ) {
                Delay delay = it.next();
                if (delay.which().test(request)) {
                    it.remove();
                    return Optional.of(delay.delay());
                }
            }
        }
        return Optional.empty();
    }

    private void resetRateLimit(int limit) {
        rateLimit = limit;
        rateRemaining = limit;
        rateResetAt = clock.instant().plus(Duration.ofHours(1));
    }

    private String prefix() {
        return flavor == Flavor.GITHUB ? "" : FORGEJO_PREFIX;
    }

    private RecordedRequest record(Context ctx) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String name : Collections.list(ctx.req().getHeaderNames())) {
            List<String> values = new ArrayList<>();
            for (String value : Collections.list(ctx.req().getHeaders(name))) {
                values.add(name.equalsIgnoreCase("authorization") ? named(value) : value);
            }
            headers.put(name, values);
        }
        return new RecordedRequest(ctx.method().name(), ctx.path(), ctx.queryString(), headers, ctx.body(),
                clock.instant());
    }

    /** {@link #masked}, followed by {@code (name)} when the credential is a {@link #nameToken named} token. */
    private String named(String authorization) {
        int space = authorization.indexOf(' ');
        String name = space < 0 ? null : tokenNames.get(authorization.substring(space + 1));
        return name == null ? masked(authorization) : masked(authorization) + " (" + name + ")";
    }

    /** {@code Bearer abc} → {@code Bearer *****}: the scheme stays visible, the credential does not. */
    private static String masked(String authorization) {
        int space = authorization.indexOf(' ');
        return space < 0 ? "*****" : authorization.substring(0, space) + " *****";
    }

    private static void write(Context ctx, Reply reply) {
        ctx.status(reply.status());
        reply.headers().forEach(ctx::header);
        if (!reply.body().isEmpty()) {
            ctx.contentType("application/json; charset=utf-8");
            ctx.result(reply.body());
        }
    }
}
