package dev.forgebus.app.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import dev.forgebus.common.event.Json;
import dev.forgebus.fakeforge.FakeForge;
import dev.forgebus.fakeforge.RecordedRequest;

/**
 * Stale cleanup end to end (issue 12.1): {@code POST /admin/jobs/stale:github:MyOrg/run} sweeps the
 * org's two listed repositories through small pages (so the sweep stores its cursor and goes on in
 * re-checks), marks exactly the idle issues, closes the long-stale ones as not planned, unmarks the
 * one with activity after marking, leaves exempt, young and pull-request items alone; a second run
 * writes nothing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StaleEndToEndTest {
    private static final Duration WITHIN = Duration.ofSeconds(60);
    private static final String JOB = "stale:github:MyOrg";
    private static final String STALE_MARKER = "<!-- forgebus:stale -->";

    @TempDir
    static Path dir;
    private FakeForge github;
    private RunningForgebus forgebus;

    @BeforeAll
    void start() throws Exception {
        github = FakeForge.start(FakeForge.Flavor.GITHUB);
        github.maxPageSize(4); // 20 items in app: more pages than one item reads
        String yaml = RunningForgebus.config(github.apiUrl().toString(), TriageEndToEndTest.freePort(), "")
                .replace("""
                            forge: github
                            auto_triage:
                        """, """
                            forge: github
                            stale_management: { days_until_stale: 60, days_until_close: 7, exempt_labels: [pinned], stale_comment: "Going stale.", close_comment: "Closed as stale." }
                            auto_triage:
                        """);
        assertThat(yaml).contains("stale_management");
        forgebus = new RunningForgebus(yaml, dir.resolve("data"));
    }

    @AfterAll
    void stop() throws Exception {
        forgebus.close();
        github.close();
    }

    @Test
    void a_run_marks_closes_and_unmarks_exactly_the_right_items_and_a_second_run_changes_nothing() throws Exception {
        // Given app: 8 idle issues, 4 young, 2 idle but pinned, 2 stale for 10 days, 1 stale for 3 days,
        // 1 stale with activity after marking, 2 idle pull requests; quiet: 5 idle, 5 young
        Instant now = Instant.now();
        for (int n = 1; n <= 18; n++) {
            github.createIssue("MyOrg", "app", n, "issue " + n);
        }
        github.createPullRequest("MyOrg", "app", 19, "pr 19", "f19", "a".repeat(40));
        github.createPullRequest("MyOrg", "app", 20, "pr 20", "f20", "b".repeat(40));
        github.labelIssue("MyOrg", "app", 13, "pinned");
        github.labelIssue("MyOrg", "app", 14, "Pinned");
        for (int n : new int[] {15, 16, 17, 18}) {
            github.labelIssue("MyOrg", "app", n, "stale");
        }
        github.addComment("MyOrg", "app", 18, "forgebus-bot", "Going stale.\n\n" + STALE_MARKER);
        for (int n : new int[] {1, 2, 3, 4, 5, 6, 7, 8, 13, 14, 19, 20}) {
            github.setIssueUpdatedAt("MyOrg", "app", n, daysAgo(now, 100));
        }
        for (int n : new int[] {9, 10, 11, 12}) {
            github.setIssueUpdatedAt("MyOrg", "app", n, daysAgo(now, 10));
        }
        github.setIssueUpdatedAt("MyOrg", "app", 15, daysAgo(now, 10));
        github.setIssueUpdatedAt("MyOrg", "app", 16, daysAgo(now, 12));
        github.setIssueUpdatedAt("MyOrg", "app", 17, daysAgo(now, 3));
        github.setIssueUpdatedAt("MyOrg", "app", 18, daysAgo(now, 20));
        github.addComment("MyOrg", "app", 18, "octocat", "Still happens on 2.1");
        for (int n = 1; n <= 10; n++) {
            github.createIssue("MyOrg", "quiet", n, "quiet " + n);
            github.setIssueUpdatedAt("MyOrg", "quiet", n, daysAgo(now, n <= 5 ? 61 : 59));
        }

        // When the job runs
        String first = run();
        awaitDone(first);

        // Then exactly the idle issues are marked, once, with the comment
        List<Integer> markedInApp = List.of(1, 2, 3, 4, 5, 6, 7, 8);
        for (int n = 1; n <= 20; n++) {
            List<String> comments = github.comments("MyOrg", "app", n);
            long staleComments = comments.stream().filter(c -> c.contains(STALE_MARKER)).count();
            if (markedInApp.contains(n)) {
                assertThat(github.labels("MyOrg", "app", n)).as("#%d", n).containsExactly("stale");
                assertThat(staleComments).as("#%d", n).isEqualTo(1);
                assertThat(comments).as("#%d", n).singleElement().asString().startsWith("Going stale.");
            } else if (n != 18) {
                assertThat(staleComments).as("#%d", n).isZero();
            }
        }
        for (int n = 1; n <= 10; n++) {
            assertThat(github.labels("MyOrg", "quiet", n)).as("quiet#%d", n).isEqualTo(n <= 5 ? List.of("stale") : List.of());
        }
        // The long-stale ones are closed as not planned with the close comment; the others stay open
        for (int n : new int[] {15, 16}) {
            assertThat(github.issueState("MyOrg", "app", n)).as("#%d", n).isEqualTo("closed");
            assertThat(github.issueStateReason("MyOrg", "app", n)).as("#%d", n).contains("not_planned");
            assertThat(github.comments("MyOrg", "app", n)).as("#%d", n).singleElement().asString().startsWith("Closed as stale.");
        }
        IntStream.rangeClosed(1, 20).filter(n -> n != 15 && n != 16)
                .forEach(n -> assertThat(github.issueState("MyOrg", "app", n)).as("#%d", n).isEqualTo("open"));
        // Exempt, young, recently stale and pull requests are untouched; activity after marking unmarks
        for (int n : new int[] {9, 10, 11, 12, 19, 20}) {
            assertThat(github.labels("MyOrg", "app", n)).as("#%d", n).isEmpty();
        }
        assertThat(github.labels("MyOrg", "app", 13)).containsExactly("pinned");
        assertThat(github.labels("MyOrg", "app", 14)).containsExactly("pinned"); // the repository label, matched case-insensitively
        assertThat(github.labels("MyOrg", "app", 17)).containsExactly("stale");
        assertThat(github.labels("MyOrg", "app", 18)).isEmpty();
        // The sweep read pages, not issues one by one, and went on in re-checks
        assertThat(github.requests(r -> r.is("GET", "/repos/MyOrg/(app|quiet)/issues/\\d+"))).isEmpty();
        // (the outcome counts the last item only: app was swept by the sweep's earlier re-checks)
        assertThat(forgebus.adminJson("GET", "/admin/deliveries/" + first, null).toString())
                .contains("sweep finished: 5 marked, 0 closed, 0 unmarked");
        assertThat(github.requests(r -> r.is("GET", "/repos/MyOrg/app/issues"))).hasSizeGreaterThan(5); // > pages per item

        // When it runs again
        int writesBefore = writes().size();
        String second = run();
        awaitDone(second);

        // Then it writes nothing
        assertThat(writes()).hasSize(writesBefore);
    }

    @Test
    void a_signed_comment_webhook_on_a_stale_labelled_issue_removes_the_label_on_the_forge() throws Exception {
        // Given issue 40 of app, labelled stale
        github.createIssue("MyOrg", "app", 40, "old and stale");
        github.labelIssue("MyOrg", "app", 40, "stale");
        String delivery = RunningForgebus.newDelivery();

        // When someone comments (GitHub's issue_comment.created shape, as in the shared corpus)
        HttpResponse<String> accepted = forgebus.postGithub("issue_comment", delivery, ("""
                {"action":"created",
                 "issue":{"number":40,"title":"old and stale","state":"open","labels":[{"id":1,"name":"stale"}],"user":{"login":"someone"}},
                 "comment":{"id":900,"body":"Still happens on 2.1","user":{"login":"octocat","type":"User"}},
                 "repository":{"name":"app","full_name":"MyOrg/app","owner":{"login":"MyOrg"}},
                 "sender":{"login":"octocat","type":"User"}}""").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(accepted.statusCode()).as(accepted.body()).isBetween(200, 202);

        // Then the stale label is deleted on the forge, once
        await().atMost(WITHIN).untilAsserted(() ->
                assertThat(github.requests(r -> r.is("DELETE", "/repos/MyOrg/app/issues/40/labels/stale"))).hasSize(1));
        assertThat(github.labels("MyOrg", "app", 40)).isEmpty();
    }

    private String run() throws Exception {
        HttpResponse<String> run = forgebus.admin("POST", "/admin/jobs/" + JOB + "/run", null, RunningForgebus.ADMIN_TOKEN);
        assertThat(run.statusCode()).as(run.body()).isEqualTo(202);
        return Json.MAPPER.readTree(run.body()).path("delivery").asText();
    }

    private void awaitDone(String delivery) {
        await().atMost(WITHIN).untilAsserted(() -> {
            JsonNode trace = forgebus.adminJson("GET", "/admin/deliveries/" + delivery, null);
            assertThat(trace.toString()).contains("DONE").contains("sweep finished");
        });
    }

    private List<RecordedRequest> writes() {
        return github.requests(RecordedRequest::isWrite);
    }

    private static Instant daysAgo(Instant now, long days) {
        return now.minus(Duration.ofDays(days));
    }
}
