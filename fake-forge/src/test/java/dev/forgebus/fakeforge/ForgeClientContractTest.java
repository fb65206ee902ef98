package dev.forgebus.fakeforge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import dev.forgebus.common.config.MergeMethod;
import dev.forgebus.common.config.RepoRef;
import dev.forgebus.common.config.Secret;
import dev.forgebus.forge.CallGate;
import dev.forgebus.forge.CheckResult;
import dev.forgebus.forge.CloseReason;
import dev.forgebus.forge.FileContent;
import dev.forgebus.forge.ForgeCallException;
import dev.forgebus.forge.ForgeCallException.Kind;
import dev.forgebus.forge.ForgeClient;
import dev.forgebus.forge.ForgeComment;
import dev.forgebus.forge.ForgeCredential;
import dev.forgebus.forge.ForgeIssue;
import dev.forgebus.forge.IssuePage;
import dev.forgebus.forge.ForgeRelease;
import dev.forgebus.forge.ForgeTransport;
import dev.forgebus.forge.GitHubClient;
import dev.forgebus.forge.GiteaClient;
import dev.forgebus.forge.MergeOutcome;
import dev.forgebus.forge.ReleaseDraft;
import dev.forgebus.forge.WorkflowRun;

/**
 * What every {@link ForgeClient} must do, run against its forge's fake: {@link GitHubClient} on
 * a GitHub fake ({@link GitHubClientContractTest}), {@link GiteaClient} on a Forgejo fake
 * ({@link GiteaClientContractTest}). Forge-specific rules are in those subclasses. The transport's clock is fixed, so waits computed from dates are exact.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ForgeClientContractTest {
    static final String TOKEN = "contract-test-token-0123456789";
    static final String CREDENTIAL = "forge/MyOrg";
    static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    static final RepoRef REPO = new RepoRef("forge", "MyOrg", "app");

    FakeForge forge;
    ForgeTransport transport;
    RecordingGate gate;
    ForgeClient client;
    RequestSchemas schemas;

    abstract FakeForge.Flavor flavor();

    abstract ForgeClient client(URI apiUrl, ForgeCredential credential, CallGate gate, ForgeTransport transport);

    /** {@code Bearer} on GitHub, {@code token} on Forgejo/Gitea. */
    abstract String authorizationScheme();

    @BeforeAll
    void startForge() {
        forge = FakeForge.start(flavor());
        schemas = RequestSchemas.load(schemaFolder());
        transport = ForgeTransport.of(Duration.ofSeconds(2), Duration.ofSeconds(5), Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @AfterAll
    void stopForge() {
        transport.close();
        forge.close();
    }

    @BeforeEach
    void freshForge() {
        forge.reset();
        forge.requireToken(TOKEN);
        gate = new RecordingGate();
        client = client(forge.apiUrl(), credential(TOKEN), gate, transport);
    }

    static ForgeCredential credential(String token) {
        return new ForgeCredential(CREDENTIAL, Optional.ofNullable(token).map(Secret::of));
    }

    // ---- reading and writing labels ----

    @Test
    void lists_the_labels_of_an_issue() throws Exception {
        // Given
        forge.createIssue("MyOrg", "app", 7, "App crash on start");
        forge.labelIssue("MyOrg", "app", 7, "bug", "ui");

        // When
        List<String> labels = client.labels(REPO, 7);

        // Then
        assertThat(labels).containsExactly("bug", "ui");
    }

    @Test
    void lists_no_labels_of_an_unlabelled_issue() throws Exception {
        forge.createIssue("MyOrg", "app", 7, "Question");

        assertThat(client.labels(REPO, 7)).isEmpty();
    }

    @Test
    void adds_labels_creating_those_the_repository_lacks() throws Exception {
        // Given "bug" exists in the repository, "crash" does not
        forge.createLabel("MyOrg", "app", "bug", "d73a4a");
        forge.createIssue("MyOrg", "app", 7, "App crash on start");

        // When
        client.addLabels(REPO, 7, List.of("bug", "crash"));

        // Then
        assertThat(forge.labels("MyOrg", "app", 7)).containsExactly("bug", "crash");
        assertThat(forge.repositoryLabels("MyOrg", "app")).containsExactly("bug", "crash");
        assertThat(forge.labelChanges("MyOrg", "app", 7)).isEqualTo(1);
    }

    @Test
    void adding_no_labels_makes_no_request() throws Exception {
        forge.createIssue("MyOrg", "app", 7, "App crash on start");

        client.addLabels(REPO, 7, List.of());

        assertThat(forge.requests()).isEmpty();
        assertThat(gate.events()).isEmpty();
    }

    @Test
    void matches_owner_and_repository_case_insensitively_as_forges_do() throws Exception {
        forge.createIssue("myorg", "App", 7, "Crash");

        client.addLabels(new RepoRef("forge", "MYORG", "app"), 7, List.of("bug"));

        assertThat(client.labels(REPO, 7)).containsExactly("bug");
    }

    @Test
    void sends_the_token_in_the_forges_scheme() throws Exception {
        // Given the fake refuses any other token (set in freshForge)
        forge.createIssue("MyOrg", "app", 7, "Crash");

        // When
        client.labels(REPO, 7);

        // Then the recording shows the scheme and masks the credential
        RecordedRequest request = forge.requests().get(0);
        assertThat(request.header("Authorization")).contains(authorizationScheme() + " *****");
        assertThat(request.header("User-Agent")).hasValueSatisfying(ua -> assertThat(ua).startsWith("forgebus/"));
    }

    @Test
    void without_a_token_sends_no_authorization_and_fails_permanently() {
        // Given
        forge.createIssue("MyOrg", "app", 7, "Crash");
        ForgeClient anonymous = client(forge.apiUrl(), credential(null), gate, transport);

        // When
        ForgeCallException failure = catchThrowableOfType(ForgeCallException.class, () -> anonymous.labels(REPO, 7));

        // Then
        assertThat(forge.requests().get(0).header("Authorization")).isEmpty();
        assertThat(failure.kind()).isEqualTo(Kind.PERMANENT);
        assertThat(failure.status()).isEqualTo(401);
    }

    // ---- failures ----

    @Test
    void unknown_issue_is_permanent_with_the_forges_message_and_route() {
        // When
        ForgeCallException failure = catchThrowableOfType(ForgeCallException.class, () -> client.labels(REPO, 404));

        // Then
        assertThat(failure.kind()).isEqualTo(Kind.PERMANENT);
        assertThat(failure.status()).isEqualTo(404);
        assertThat(failure.getMessage())
                .startsWith("GET " + forge.apiUrl().getPath() + "/repos/MyOrg/app/issues/404/labels: 404 ")
                .contains(flavor() == FakeForge.Flavor.GITHUB ? "Not Found" : "The target couldn't be found.")
                .doesNotContain(TOKEN);
    }

    @Test
    void a_token_echoed_by_the_forge_never_reaches_the_message() {
        // Given a forge (or proxy) that repeats the credential in its error
        forge.failNext(1, 400, Map.of(), "{\"message\":\"bad header: Bearer " + TOKEN + "\"}");

        // When
        ForgeCallException failure = catchThrowableOfType(ForgeCallException.class, () -> client.labels(REPO, 7));

        // Then
        assertThat(failure.kind()).isEqualTo(Kind.PERMANENT);
        assertThat(failure.getMessage()).doesNotContain(TOKEN).contains("*****");
    }

    @Test
    void a_5xx_is_transient() {
        forge.failNext(1, 502, Map.of(), "<html><body>502 Bad Gateway</body></html>");

        ForgeCallException failure = catchThrowableOfType(ForgeCallException.class, () -> client.labels(REPO, 7));

        assertThat(failure.kind()).isEqualTo(Kind.TRANSIENT);
        assertThat(failure.status()).isEqualTo(502);
        assertThat(failure.getMessage()).contains("502 Bad Gateway");
    }

    @Test
    void a_429_with_retry_after_is_rate_limited_for_that_long() {
        forge.failNext(1, 429, Map.of("Retry-After", "17"), null);

        ForgeCallException failure = catchThrowableOfType(ForgeCallException.class, () -> client.labels(REPO, 7));

        assertThat(failure.kind()).isEqualTo(Kind.RATE_LIMITED);
        assertThat(failure.retryAfter()).contains(Duration.ofSeconds(17));
    }

    @Test
    void a_429_with_an_http_date_waits_until_that_date() {
        forge.failNext(1, 429, Map.of("Retry-After", "Sun, 01 Mar 2026 12:02:00 GMT"), null);

        ForgeCallException failure = catchThrowableOfType(ForgeCallException.class, () -> client.labels(REPO, 7));

        assertThat(failure.retryAfter()).contains(Duration.ofMinutes(2));
    }

    @Test
    void a_403_with_an_empty_budget_is_rate_limited_until_the_reset() {
        // Given
        long reset = NOW.plusSeconds(120).getEpochSecond();
        forge.failNext(1, 403, Map.of("x-ratelimit-remaining", "0", "x-ratelimit-reset", Long.toString(reset)), null);

        // When
        ForgeCallException failure = catchThrowableOfType(ForgeCallException.class, () -> client.labels(REPO, 7));

        // Then
        assertThat(failure.kind()).isEqualTo(Kind.RATE_LIMITED);
        assertThat(failure.status()).isEqualTo(403);
        assertThat(failure.retryAfter()).contains(Duration.ofSeconds(120));
    }

    @Test
    void a_403_with_retry_after_is_rate_limited() {
        forge.failNext(1, 403, Map.of("Retry-After", "30"), null);

        ForgeCallException failure = catchThrowableOfType(ForgeCallException.class, () -> client.labels(REPO, 7));

        assertThat(failure.kind()).isEqualTo(Kind.RATE_LIMITED);
        assertThat(failure.retryAfter()).contains(Duration.ofSeconds(30));
    }

    @Test
    void a_plain_403_is_permanent() {
        forge.failNext(1, 403, Map.of(), "{\"message\":\"Resource not accessible by integration\"}");

        ForgeCallException failure = catchThrowableOfType(ForgeCallException.class, () -> client.labels(REPO, 7));

        assertThat(failure.kind()).isEqualTo(Kind.PERMANENT);
        assertThat(failure.getMessage()).endsWith("403 Resource not accessible by integration");
    }

    @Test
    void a_422_when_adding_is_permanent() {
        forge.createIssue("MyOrg", "app", 7, "Crash");
        forge.failNextMatching(r -> r.is("POST", ".*/issues/7/labels"), 1, 422, Map.of(), null);

        ForgeCallException failure = catchThrowableOfType(ForgeCallException.class,
                () -> client.addLabels(REPO, 7, List.of("bug")));

        assertThat(failure.kind()).isEqualTo(Kind.PERMANENT);
        assertThat(failure.status()).isEqualTo(422);
        assertThat(failure.getMessage()).startsWith("POST ");
    }

    @Test
    void a_slow_answer_times_out_as_transient() {
        // Given a client that waits 200 ms, and a forge that answers after 1 s
        forge.delayNext(Duration.ofSeconds(1));
        try (ForgeTransport impatient = ForgeTransport.of(Duration.ofSeconds(1), Duration.ofMillis(200), Clock.systemUTC())) {
            ForgeClient hurried = client(forge.apiUrl(), credential(TOKEN), gate, impatient);

            // When
            ForgeCallException failure = catchThrowableOfType(ForgeCallException.class, () -> hurried.labels(REPO, 7));

            // Then
            assertThat(failure.kind()).isEqualTo(Kind.TRANSIENT);
            assertThat(failure.status()).isZero();
            assertThat(failure.getMessage()).contains("timed out");
        }
        assertThat(gate.sequence()).containsExactly("acquire:" + CREDENTIAL, "observe:" + CREDENTIAL);
    }

    @Test
    void a_refused_connection_is_transient_and_still_observed() throws IOException {
        // Given a port nobody listens on
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        URI nowhere = URI.create("http://127.0.0.1:" + port + forge.apiUrl().getPath());
        ForgeClient unreachable = client(nowhere, credential(TOKEN), gate, transport);

        // When
        ForgeCallException failure = catchThrowableOfType(ForgeCallException.class, () -> unreachable.labels(REPO, 7));

        // Then: the gate got its observe (it may hold a concurrency permit), with nothing in it
        assertThat(failure.kind()).isEqualTo(Kind.TRANSIENT);
        assertThat(failure.status()).isZero();
        assertThat(gate.sequence()).containsExactly("acquire:" + CREDENTIAL, "observe:" + CREDENTIAL);
        CallGate.Observation observed = gate.observations().get(0);
        assertThat(observed.remaining()).isEmpty();
        assertThat(observed.resetAt()).isNull();
        assertThat(observed.retryAfter()).isNull();
    }

    // ---- the call gate ----

    @Test
    void every_request_passes_the_gate_once_acquire_before_observe() throws Exception {
        // Given
        forge.createLabel("MyOrg", "app", "bug", "d73a4a");
        forge.createIssue("MyOrg", "app", 7, "Crash");
        forge.failNextMatching(r -> r.is("GET", ".*/issues/7/labels"), 1, 502, Map.of(), null);

        // When: a failed call, then a read and a write
        catchThrowableOfType(ForgeCallException.class, () -> client.labels(REPO, 7));
        client.labels(REPO, 7);
        client.addLabels(REPO, 7, List.of("bug", "new-label"));

        // Then
        int requests = forge.requests().size();
        assertThat(requests).isGreaterThanOrEqualTo(3);
        List<String> expected = Collections.nCopies(requests, List.of("acquire:" + CREDENTIAL, "observe:" + CREDENTIAL))
                .stream().flatMap(List::stream).toList();
        assertThat(gate.sequence()).isEqualTo(expected);
    }

    @Test
    void the_gate_observes_the_forges_retry_after() {
        forge.failNext(1, 429, Map.of("Retry-After", "5"), null);

        catchThrowableOfType(ForgeCallException.class, () -> client.labels(REPO, 7));

        assertThat(gate.observations()).singleElement()
                .satisfies(o -> assertThat(o.retryAfter()).isEqualTo(Duration.ofSeconds(5)));
    }

    // ---- request bodies against the forge's own schemas ----

    /** Every write body any test sent must satisfy the forge's description of its route. */
    @AfterEach
    void every_request_body_matches_the_forges_schema() {
        List<String> violations = forge.requests().stream()
                .flatMap(request -> schemas.violations(request, forge.apiUrl().getPath()).stream())
                .toList();
        assertThat(violations).as("request bodies against %s schemas", flavor()).isEmpty();
    }

    @Test
    void every_write_route_the_client_uses_is_checked_against_a_schema() throws Exception {
        // Given the state every write needs
        forge.createIssue("MyOrg", "app", 7, "Crash");
        forge.createPullRequest("MyOrg", "app", 8, "Fix", "fix", "aaa111");
        RequestSchemas fresh = RequestSchemas.load(schemaFolder());

        // When every writing method runs
        client.addLabels(REPO, 7, List.of("bug"));
        client.removeLabel(REPO, 7, "bug");
        client.createIssue(REPO, "New", "Body", List.of("triage"));
        client.comment(REPO, 7, "Thanks");
        client.closeIssue(REPO, 7, CloseReason.NOT_PLANNED);
        ForgeRelease release = client.createRelease(REPO, new ReleaseDraft("v1.0.0", Optional.of("main"), "v1.0.0",
                "Notes", true, false));
        client.updateRelease(REPO, release.id(), new ReleaseDraft("v1.0.0", Optional.empty(), "v1.0.0", "Notes 2",
                false, false));
        client.merge(REPO, 8, MergeMethod.SQUASH, "aaa111");
        client.dispatchEvent(REPO, "upstream-release", Map.of("tag", "v1.0.0", "count", 3));
        client.dispatchWorkflow(REPO, "codeql.yml", "main", Map.of("reason", "scheduled"));

        // Then every body was valid (checked after each test) and every route with a body has a schema
        List<String> violations = forge.requests().stream()
                .flatMap(request -> fresh.violations(request, forge.apiUrl().getPath()).stream()).toList();
        assertThat(violations).isEmpty();
        assertThat(fresh.checkedRoutes()).containsExactlyInAnyOrderElementsOf(expectedWriteRoutes());
    }

    /** {@code METHOD template} of the routes the test above must have checked. */
    abstract Set<String> expectedWriteRoutes();

    private String schemaFolder() {
        return flavor() == FakeForge.Flavor.GITHUB ? "github" : "forgejo";
    }

    // ---- labels: removal ----

    @Test
    void removes_a_label_and_a_label_not_there_is_no_failure() throws Exception {
        // Given
        forge.createIssue("MyOrg", "app", 7, "Crash");
        forge.labelIssue("MyOrg", "app", 7, "bug", "ui");

        // When
        client.removeLabel(REPO, 7, "bug");
        client.removeLabel(REPO, 7, "bug");
        client.removeLabel(REPO, 7, "never-there");

        // Then
        assertThat(forge.labels("MyOrg", "app", 7)).containsExactly("ui");
    }

    // ---- issues and comments ----

    @Test
    void lists_every_open_issue_and_pull_request_across_pages() throws Exception {
        // Given four open issues, one closed, one pull request, and pages of two
        for (long n = 1; n <= 5; n++) {
            forge.createIssue("MyOrg", "app", n, "Issue " + n);
        }
        forge.createPullRequest("MyOrg", "app", 6, "Fix", "fix", "aaa111");
        client.closeIssue(REPO, 3, CloseReason.COMPLETED);
        forge.labelIssue("MyOrg", "app", 2, "bug");
        forge.maxPageSize(2);

        // When
        List<ForgeIssue> open = client.openIssues(REPO);

        // Then
        assertThat(open).extracting(ForgeIssue::number).containsExactlyInAnyOrder(1L, 2L, 4L, 5L, 6L);
        assertThat(open).filteredOn(ForgeIssue::pullRequest).extracting(ForgeIssue::number).containsExactly(6L);
        assertThat(open).filteredOn(i -> i.number() == 2).singleElement().satisfies(issue -> {
            assertThat(issue.labels()).containsExactly("bug");
            assertThat(issue.author()).isEqualTo("octocat");
            assertThat(issue.open()).isTrue();
            assertThat(issue.updatedAt()).isAfter(Instant.EPOCH);
        });
        assertThat(forge.requests(r -> r.is("GET", ".*/repos/MyOrg/app/issues"))).hasSizeGreaterThanOrEqualTo(3);
    }

    @Test
    void open_issue_pages_walked_until_no_more_list_every_open_item_once() throws Exception {
        // Given 5 open items and a closed one, 2 to a page
        for (int n = 1; n <= 6; n++) {
            forge.createIssue("MyOrg", "app", n, "Issue " + n);
        }
        client.closeIssue(REPO, 3, CloseReason.COMPLETED);
        forge.maxPageSize(2);

        // When the pages are read one by one while the forge says there are more
        List<ForgeIssue> seen = new java.util.ArrayList<>();
        int page = 1;
        for (IssuePage p = client.openIssuesPage(REPO, page); ; p = client.openIssuesPage(REPO, ++page)) {
            seen.addAll(p.issues());
            if (!p.more()) {
                break;
            }
            assertThat(page).as("pages").isLessThan(10);
        }

        // Then
        assertThat(seen).extracting(ForgeIssue::number).containsExactlyInAnyOrder(1L, 2L, 4L, 5L, 6L);
    }

    @Test
    void reads_one_issue_and_a_missing_one_is_empty() throws Exception {
        forge.createIssue("MyOrg", "app", 7, "Crash");

        assertThat(client.issue(REPO, 7)).hasValueSatisfying(issue -> {
            assertThat(issue.title()).isEqualTo("Crash");
            assertThat(issue.open()).isTrue();
            assertThat(issue.pullRequest()).isFalse();
        });
        assertThat(client.issue(REPO, 99)).isEmpty();
    }

    @Test
    void creates_an_issue_with_labels() throws Exception {
        // Given "bug" exists, "triage" does not
        forge.createLabel("MyOrg", "app", "bug", "d73a4a");
        forge.createIssue("MyOrg", "app", 7, "Old");

        // When
        ForgeIssue created = client.createIssue(REPO, "Dependency update failed", "See the log", List.of("bug", "triage"));

        // Then
        assertThat(created.number()).isEqualTo(8);
        assertThat(created.title()).isEqualTo("Dependency update failed");
        assertThat(created.labels()).containsExactly("bug", "triage");
        assertThat(created.author()).isEqualTo("forgebus-bot");
        assertThat(forge.labels("MyOrg", "app", 8)).containsExactly("bug", "triage");
        assertThat(forge.issueState("MyOrg", "app", 8)).isEqualTo("open");
    }

    @Test
    void comments_and_lists_comments_oldest_first() throws Exception {
        // Given
        forge.createIssue("MyOrg", "app", 7, "Crash");
        forge.addComment("MyOrg", "app", 7, "alice", "Me too");

        // When
        client.comment(REPO, 7, "Thanks, triaged.");
        List<ForgeComment> comments = client.comments(REPO, 7);

        // Then
        assertThat(forge.comments("MyOrg", "app", 7)).containsExactly("Me too", "Thanks, triaged.");
        assertThat(comments).extracting(ForgeComment::author).containsExactly("alice", "forgebus-bot");
        assertThat(comments).extracting(ForgeComment::body).containsExactly("Me too", "Thanks, triaged.");
    }

    @Test
    void closes_an_issue() throws Exception {
        forge.createIssue("MyOrg", "app", 7, "Stale");

        client.closeIssue(REPO, 7, CloseReason.NOT_PLANNED);

        assertThat(forge.issueState("MyOrg", "app", 7)).isEqualTo("closed");
        assertThat(client.issue(REPO, 7)).hasValueSatisfying(issue -> assertThat(issue.open()).isFalse());
    }

    // ---- contents ----

    @Test
    void reads_a_file_at_a_ref_or_the_default_branch_and_a_missing_one_is_empty() throws Exception {
        // Given
        String config = "triage:\n  enabled: true\n" + "# padding\n".repeat(20);
        forge.putFile("MyOrg", "app", "main", ".forgebus/config.yml", config);
        forge.putFile("MyOrg", "app", "v2", ".forgebus/config.yml", "triage: {}\n");

        // When
        Optional<FileContent> atDefault = client.fileContent(REPO, ".forgebus/config.yml", Optional.empty());
        Optional<FileContent> atRef = client.fileContent(REPO, ".forgebus/config.yml", Optional.of("v2"));

        // Then
        assertThat(atDefault).hasValueSatisfying(file -> {
            assertThat(file.text()).isEqualTo(config);
            assertThat(file.path()).isEqualTo(".forgebus/config.yml");
            assertThat(file.sha()).hasSize(40);
        });
        assertThat(atRef).hasValueSatisfying(file -> assertThat(file.text()).isEqualTo("triage: {}\n"));
        assertThat(atDefault.get().sha()).isNotEqualTo(atRef.get().sha());
        assertThat(client.fileContent(REPO, "missing.yml", Optional.empty())).isEmpty();
        assertThat(client.fileContent(REPO, ".forgebus/config.yml", Optional.of("no-such-ref"))).isEmpty();
    }

    @Test
    void lists_the_files_of_a_folder_at_a_ref_and_a_missing_folder_or_ref_is_empty() throws Exception {
        // Given files in db/ at tag v2 (one in a subfolder) and another on the default branch
        forge.putFile("MyOrg", "app", "v2", "db/V1__a.sql", "SELECT 1;");
        forge.putFile("MyOrg", "app", "v2", "db/V2__b.sql", "SELECT 2;");
        forge.putFile("MyOrg", "app", "v2", "db/old/V0__x.sql", "SELECT 0;");
        forge.putFile("MyOrg", "app", "main", "db/V9__main.sql", "SELECT 9;");

        // Then the folder at v2 lists its own files only, and a file, missing folder or ref lists nothing
        assertThat(client.folderFiles(REPO, "db", Optional.of("v2"))).containsExactlyInAnyOrder("V1__a.sql", "V2__b.sql");
        assertThat(client.folderFiles(REPO, "db", Optional.empty())).containsExactly("V9__main.sql");
        assertThat(client.folderFiles(REPO, "nope", Optional.of("v2"))).isEmpty();
        assertThat(client.folderFiles(REPO, "db", Optional.of("no-such-ref"))).isEmpty();
        assertThat(client.folderFiles(REPO, "db/V1__a.sql", Optional.of("v2"))).isEmpty();
    }

    // ---- releases ----

    @Test
    void a_tag_without_a_release_is_empty() throws Exception {
        forge.createRepository("MyOrg", "app");

        assertThat(client.releaseByTag(REPO, "v9.9.9")).isEmpty();
    }

    @Test
    void creates_finds_and_updates_a_release_drafts_included() throws Exception {
        // Given
        forge.setBranch("MyOrg", "app", "main", "c0ffee");

        // When a draft is created, found by its tag, then published
        ForgeRelease draft = client.createRelease(REPO, new ReleaseDraft("v1.2.0", Optional.of("main"), "v1.2.0",
                "Draft notes", true, false));
        Optional<ForgeRelease> found = client.releaseByTag(REPO, "v1.2.0");
        ForgeRelease published = client.updateRelease(REPO, draft.id(), new ReleaseDraft("v1.2.0", Optional.empty(),
                "Release 1.2.0", "Final notes", false, true));

        // Then
        assertThat(draft.draft()).isTrue();
        assertThat(found).hasValueSatisfying(release -> {
            assertThat(release.id()).isEqualTo(draft.id());
            assertThat(release.draft()).isTrue();
            assertThat(release.body()).isEqualTo("Draft notes");
        });
        assertThat(published.name()).isEqualTo("Release 1.2.0");
        assertThat(published.draft()).isFalse();
        assertThat(published.prerelease()).isTrue();
        assertThat(forge.releases("MyOrg", "app")).singleElement().satisfies(release -> {
            assertThat(release.body()).isEqualTo("Final notes");
            assertThat(release.target()).isEqualTo("main");
        });
        assertThat(client.releaseByTag(REPO, "v1.2.0")).hasValueSatisfying(r -> assertThat(r.draft()).isFalse());
    }

    // ---- pull requests and merges ----

    @Test
    void reads_a_pull_request_and_a_missing_one_is_empty() throws Exception {
        forge.createPullRequest("MyOrg", "app", 8, "Bump deps", "deps/bump", "aaa111");
        forge.labelIssue("MyOrg", "app", 8, "dependencies");

        assertThat(client.pullRequest(REPO, 8)).hasValueSatisfying(pull -> {
            assertThat(pull.open()).isTrue();
            assertThat(pull.merged()).isFalse();
            assertThat(pull.draft()).isFalse();
            assertThat(pull.headSha()).isEqualTo("aaa111");
            assertThat(pull.headRef()).isEqualTo("deps/bump");
            assertThat(pull.headRepo()).isEqualTo("MyOrg/app");
            assertThat(pull.baseRef()).isEqualTo("main");
            assertThat(pull.labels()).containsExactly("dependencies");
        });
        assertThat(client.pullRequest(REPO, 99)).isEmpty();
    }

    @Test
    void merges_a_pull_request_at_the_expected_head() throws Exception {
        forge.createPullRequest("MyOrg", "app", 8, "Bump deps", "deps/bump", "aaa111");

        MergeOutcome outcome = client.merge(REPO, 8, MergeMethod.SQUASH, "aaa111");

        assertThat(outcome).isInstanceOf(MergeOutcome.Merged.class);
        assertThat(forge.merged("MyOrg", "app", 8)).isTrue();
        assertThat(client.pullRequest(REPO, 8)).hasValueSatisfying(pull -> {
            assertThat(pull.merged()).isTrue();
            assertThat(pull.open()).isFalse();
        });
    }

    @Test
    void a_pull_request_that_cannot_be_merged_is_an_outcome_not_a_failure() throws Exception {
        forge.createPullRequest("MyOrg", "app", 8, "Conflicting", "feature", "aaa111");
        forge.setMergeable("MyOrg", "app", 8, false);

        MergeOutcome outcome = client.merge(REPO, 8, MergeMethod.MERGE, "aaa111");

        assertThat(outcome).isInstanceOf(MergeOutcome.NotMergeable.class);
        assertThat(((MergeOutcome.NotMergeable) outcome).message()).contains("405");
        assertThat(forge.merged("MyOrg", "app", 8)).isFalse();
    }

    @Test
    void a_head_that_moved_is_an_outcome_not_a_failure() throws Exception {
        forge.createPullRequest("MyOrg", "app", 8, "Bump deps", "deps/bump", "aaa111");
        forge.pushToPullRequest("MyOrg", "app", 8, "bbb222");

        MergeOutcome outcome = client.merge(REPO, 8, MergeMethod.REBASE, "aaa111");

        assertThat(outcome).isInstanceOf(MergeOutcome.HeadMoved.class);
        assertThat(((MergeOutcome.HeadMoved) outcome).message()).contains("409");
        assertThat(forge.merged("MyOrg", "app", 8)).isFalse();
    }

    @Test
    void lists_every_open_pull_request_across_pages_without_issues_or_closed_ones() throws Exception {
        // Given two open pull requests (one a draft from a fork), a merged one, an issue, and pages of one
        forge.createPullRequest("MyOrg", "app", 1, "Bump deps", "deps/bump", "aaa111");
        forge.labelIssue("MyOrg", "app", 1, "auto-merge");
        forge.createPullRequest("MyOrg", "app", 2, "From a fork", "patch-1", "bbb222");
        forge.setDraft("MyOrg", "app", 2, true);
        forge.setHeadRepository("MyOrg", "app", 2, "someone/app");
        forge.createPullRequest("MyOrg", "app", 3, "Merged", "done", "ccc333");
        client.merge(REPO, 3, MergeMethod.MERGE, "ccc333");
        forge.createIssue("MyOrg", "app", 4, "An issue");
        forge.maxPageSize(1);

        // When
        List<dev.forgebus.forge.ForgePullRequest> open = client.openPullRequests(REPO);

        // Then
        assertThat(open).extracting(dev.forgebus.forge.ForgePullRequest::number).containsExactlyInAnyOrder(1L, 2L);
        assertThat(open).filteredOn(p -> p.number() == 1).singleElement().satisfies(pull -> {
            assertThat(pull.headSha()).isEqualTo("aaa111");
            assertThat(pull.labels()).containsExactly("auto-merge");
            assertThat(pull.draft()).isFalse();
        });
        assertThat(open).filteredOn(p -> p.number() == 2).singleElement().satisfies(pull -> {
            assertThat(pull.draft()).isTrue();
            assertThat(pull.headRepo()).isEqualTo("someone/app");
        });
    }

    // ---- checks ----

    @Test
    void checks_take_the_latest_status_of_each_context_across_pages() throws Exception {
        // Given ci went pending then success, lint failed then pending again, deploy errored; pages of two
        forge.addStatus("MyOrg", "app", "abc123", "ci", "pending");
        forge.addStatus("MyOrg", "app", "abc123", "lint", "failure");
        forge.addStatus("MyOrg", "app", "abc123", "ci", "success");
        forge.addStatus("MyOrg", "app", "abc123", "deploy", "error");
        forge.addStatus("MyOrg", "app", "abc123", "lint", "pending");
        forge.addStatus("MyOrg", "app", "other", "ci", "failure");
        forge.maxPageSize(2);

        // When
        List<CheckResult> checks = client.checks(REPO, "abc123");

        // Then
        assertThat(checks).filteredOn(c -> List.of("ci", "lint", "deploy").contains(c.name())).containsExactlyInAnyOrder(
                new CheckResult("ci", CheckResult.State.SUCCESS),
                new CheckResult("lint", CheckResult.State.PENDING),
                new CheckResult("deploy", CheckResult.State.FAILURE));
    }

    @Test
    void a_commit_without_checks_has_none() throws Exception {
        forge.createRepository("MyOrg", "app");

        assertThat(client.checks(REPO, "abc123")).isEmpty();
    }

    // ---- branches and tags ----

    @Test
    void lists_every_branch_and_tag_head_across_pages() throws Exception {
        // Given five branches, three tags, pages of two
        for (String branch : List.of("main", "dev", "feature/a", "feature/b", "release")) {
            forge.setBranch("MyOrg", "app", branch, "sha-" + branch);
        }
        for (String tag : List.of("v1", "v2", "v3")) {
            forge.setTag("MyOrg", "app", tag, "sha-" + tag);
        }
        forge.maxPageSize(2);

        // When / Then
        assertThat(client.branchHeads(REPO)).containsExactlyInAnyOrderEntriesOf(Map.of("main", "sha-main", "dev", "sha-dev",
                "feature/a", "sha-feature/a", "feature/b", "sha-feature/b", "release", "sha-release"));
        assertThat(client.tagHeads(REPO)).containsExactlyInAnyOrderEntriesOf(Map.of("v1", "sha-v1", "v2", "sha-v2",
                "v3", "sha-v3"));
    }

    @Test
    void deletes_a_branch_and_a_branch_already_gone_is_no_failure() throws Exception {
        forge.setBranch("MyOrg", "app", "main", "c0ffee");
        forge.setBranch("MyOrg", "app", "feature/done", "aaa111");

        client.deleteBranch(REPO, "feature/done");
        client.deleteBranch(REPO, "feature/done");

        assertThat(forge.branches("MyOrg", "app")).containsOnlyKeys("main");
    }

    // ---- workflows ----

    @Test
    void dispatches_a_workflow_with_string_inputs() throws Exception {
        forge.createRepository("MyOrg", "app");

        client.dispatchWorkflow(REPO, "codeql.yml", "main", Map.of("reason", "weekly"));

        assertThat(forge.workflowDispatches("MyOrg", "app")).containsExactly(
                new FakeForge.WorkflowDispatch("codeql.yml", "main", Map.of("reason", "weekly")));
    }

    @Test
    void finds_the_newest_run_of_a_workflow_since_a_time() throws Exception {
        // Given an old run, two recent ones, and one of another workflow
        Instant since = Instant.parse("2026-03-01T10:00:00Z");
        forge.addWorkflowRun("MyOrg", "app", "codeql.yml", "completed", "failure", since.minusSeconds(60));
        forge.addWorkflowRun("MyOrg", "app", "codeql.yml", "completed", "success", since.plusSeconds(60));
        long newest = forge.addWorkflowRun("MyOrg", "app", "codeql.yml", "in_progress", null, since.plusSeconds(120));
        forge.addWorkflowRun("MyOrg", "app", "other.yml", "completed", "success", since.plusSeconds(180));

        // When
        Optional<WorkflowRun> run = client.latestWorkflowRun(REPO, "codeql.yml", since);

        // Then
        assertThat(run).hasValueSatisfying(r -> {
            assertThat(r.id()).isEqualTo(newest);
            assertThat(r.completed()).isFalse();
            assertThat(r.createdAt()).isEqualTo(since.plusSeconds(120));
        });
        assertThat(client.latestWorkflowRun(REPO, "codeql.yml", since.plusSeconds(600))).isEmpty();
    }

    @Test
    void a_completed_successful_run_succeeded() throws Exception {
        Instant since = Instant.parse("2026-03-01T10:00:00Z");
        long id = forge.addWorkflowRun("MyOrg", "app", "codeql.yml", "completed", "success", since.plusSeconds(5));

        assertThat(client.latestWorkflowRun(REPO, "codeql.yml", since)).hasValueSatisfying(run -> {
            assertThat(run.id()).isEqualTo(id);
            assertThat(run.completed()).isTrue();
            assertThat(run.succeeded()).isTrue();
            assertThat(run.htmlUrl()).endsWith("/actions/runs/" + id);
        });
    }
}
