package dev.forgebus.app.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;

import dev.forgebus.fakeforge.FakeForge;

/**
 * Triage end to end (issue 3): signed webhook → gateway → raw → dedup → work.triage → worker →
 * fake forge, on `run` with its embedded broker, all in this JVM.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TriageEndToEndTest {
    private static final Duration WITHIN = Duration.ofSeconds(60);

    @TempDir
    static Path dir;
    private FakeForge forge;
    private RunningForgebus forgebus;
    private int nextIssue = 1;

    @BeforeAll
    void start() throws Exception {
        forge = FakeForge.start(FakeForge.Flavor.GITHUB);
        forgebus = new RunningForgebus(RunningForgebus.config(forge.apiUrl().toString(), freePort(), ""), dir.resolve("data"));
    }

    @AfterAll
    void stop() throws Exception {
        forgebus.close();
        forge.close();
    }

    @BeforeEach
    void freshForgeState() {
        forge.reset();
    }

    private int newIssue(String repo, String title) {
        int number = nextIssue++;
        forge.createIssue("MyOrg", repo, number, title);
        return number;
    }

    @Test
    void one_delivery_sent_three_times_makes_exactly_one_label_change() throws Exception {
        int issue = newIssue("app", "App crash on start");
        String delivery = RunningForgebus.newDelivery();
        byte[] body = RunningForgebus.issueOpened("app", issue, "App crash on start");

        for (int i = 0; i < 3; i++) {
            assertThat(forgebus.postGithub("issues", delivery, body).statusCode()).isEqualTo(202);
        }

        await().atMost(WITHIN).until(() -> forge.labels("MyOrg", "app", issue).contains("bug"));
        // The trace shows the three sightings; only then is it certain nothing else is coming.
        await().atMost(WITHIN).until(() -> trace(delivery).path("sightings").size() == 3);
        assertThat(forge.labelChanges("MyOrg", "app", issue)).isEqualTo(1);
        assertThat(forge.labels("MyOrg", "app", issue)).containsExactly("bug");
    }

    @Test
    void a_forge_answering_502_twice_then_200_gets_labelled_and_two_retries_are_counted() throws Exception {
        int issue = newIssue("app", "Error when saving");
        double retriesBefore = retries();
        forge.failNext(2, 502);

        assertThat(forgebus.postGithub("issues", RunningForgebus.newDelivery(),
                RunningForgebus.issueOpened("app", issue, "Error when saving")).statusCode()).isEqualTo(202);

        await().atMost(WITHIN).until(() -> forge.labels("MyOrg", "app", issue).contains("bug"));
        await().atMost(WITHIN).until(() -> retries() - retriesBefore == 2.0);
    }

    @Test
    void a_422_dead_letters_with_its_reason_and_a_replay_after_the_fix_labels_the_issue() throws Exception {
        int issue = newIssue("app", "Docs are wrong");
        String delivery = RunningForgebus.newDelivery();
        forge.failNext(1, 422);

        forgebus.postGithub("issues", delivery, RunningForgebus.issueOpened("app", issue, "Docs are wrong"));

        JsonNode letter = awaitDeadLetter(delivery, 0);
        assertThat(letter.toString()).contains("422");
        assertThat(trace(delivery).toString()).contains("DEAD_LETTER");

        // Still broken: the replayed item fails again and comes back with its replay count raised.
        forge.failNext(1, 422);
        JsonNode replay = forgebus.adminJson("POST", "/admin/dlq/replay",
                "{\"module\":\"triage\",\"ids\":[\"" + letter.path("id").asText() + "\"]}");
        assertThat(replay.toString()).contains(letter.path("id").asText());
        JsonNode again = awaitDeadLetter(delivery, 1);

        // Fixed: replaying the newest dead letter labels the issue.
        forgebus.adminJson("POST", "/admin/dlq/replay", "{\"module\":\"triage\",\"ids\":[\"" + again.path("id").asText() + "\"]}");
        await().atMost(WITHIN).until(() -> forge.labels("MyOrg", "app", issue).contains("documentation"));
    }

    @Test
    void the_dlq_commands_list_show_and_dry_run_replay_a_dead_letter() throws Exception {
        int issue = newIssue("app", "crash in cli test");
        String delivery = RunningForgebus.newDelivery();
        forge.failNext(1, 422);
        forgebus.postGithub("issues", delivery, RunningForgebus.issueOpened("app", issue, "crash in cli test"));
        String id = awaitDeadLetter(delivery, 0).path("id").asText();
        Path config = dir.resolve("cli.yml");
        java.nio.file.Files.writeString(config, forgebus.yaml);

        String list = cli("dlq", "list", "--module", "triage", "--limit", "1000", "--config", config.toString());
        String show = cli("dlq", "show", id, "--config", config.toString());
        String dryRun = cli("dlq", "replay", "--id", id, "--dry-run", "--config", config.toString());

        assertThat(list).contains(id).contains(delivery).contains("422");
        assertThat(show).contains("\"deliveryId\":\"" + delivery + "\"").contains("crash in cli test");
        assertThat(dryRun).contains("would replay " + id);
        assertThat(forge.labels("MyOrg", "app", issue)).as("a dry run replays nothing").isEmpty();
    }

    @Test
    void a_replay_body_with_ids_as_a_string_a_typo_or_a_string_dry_run_is_refused_and_replays_nothing() throws Exception {
        // Given a dead letter
        int issue = newIssue("app", "crash in strict body test");
        String delivery = RunningForgebus.newDelivery();
        // Two: when this test runs first, the worker's first forge call reads the repository's .ops.yaml (a 422 there
        // only means "use the main config"); the label call is then the second. A leftover is reset before the next test.
        forge.failNext(2, 422);
        forgebus.postGithub("issues", delivery, RunningForgebus.issueOpened("app", issue, "crash in strict body test"));
        JsonNode letter = awaitDeadLetter(delivery, 0);

        // When replays are asked with bodies a lenient reader takes for "everything" or "for real"
        var idsAsString = forgebus.admin("POST", "/admin/dlq/replay", "{\"ids\": \"x\"}", RunningForgebus.ADMIN_TOKEN);
        var typo = forgebus.admin("POST", "/admin/dlq/replay", "{\"modul\": \"triage\"}", RunningForgebus.ADMIN_TOKEN);
        var dryRunYes = forgebus.admin("POST", "/admin/dlq/replay", "{\"module\": \"triage\", \"dry_run\": \"yes\"}",
                RunningForgebus.ADMIN_TOKEN);
        var empty = forgebus.admin("POST", "/admin/dlq/replay", "{}", RunningForgebus.ADMIN_TOKEN);

        // Then each is a 400 naming the field, and nothing was replayed
        assertThat(idsAsString.statusCode()).as(idsAsString.body()).isEqualTo(400);
        assertThat(idsAsString.body()).contains("bad_request", "ids");
        assertThat(typo.statusCode()).as(typo.body()).isEqualTo(400);
        assertThat(typo.body()).contains("modul");
        assertThat(dryRunYes.statusCode()).as(dryRunYes.body()).isEqualTo(400);
        assertThat(dryRunYes.body()).contains("dry_run");
        assertThat(empty.statusCode()).as(empty.body()).isEqualTo(400);
        assertThat(empty.body()).contains("all");
        var stillOne = forgebus.adminJson("GET", "/admin/dlq?module=triage&limit=1000", null).path("deadLetters");
        List<String> ofThisDelivery = new ArrayList<>();
        stillOne.forEach(l -> {
            if (l.path("deliveryId").asText().equals(delivery)) {
                ofThisDelivery.add(l.path("id").asText());
            }
        });
        assertThat(ofThisDelivery).as("no replay happened, so no second dead letter").containsExactly(letter.path("id").asText());
        assertThat(forge.labels("MyOrg", "app", issue)).isEmpty();
    }

    @Test
    void a_label_a_maintainer_removed_is_not_added_back_by_an_edit_of_the_body_but_is_by_a_new_title() throws Exception {
        int issue = newIssue("app", "App crash on start");
        forgebus.postGithub("issues", RunningForgebus.newDelivery(), RunningForgebus.issueOpened("app", issue, "App crash on start"));
        await().atMost(WITHIN).until(() -> forge.labels("MyOrg", "app", issue).contains("bug"));

        // A maintainer removes the label; then the body is edited (the title is the same)
        HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(forge.apiUrl() + "/repos/MyOrg/app/issues/" + issue
                + "/labels/bug")).header("Authorization", "Bearer e2e-forge-token").DELETE().build(), HttpResponse.BodyHandlers.discarding());
        assertThat(forge.labels("MyOrg", "app", issue)).isEmpty();
        String bodyEdit = RunningForgebus.newDelivery();
        forgebus.postGithub("issues", bodyEdit, edited(issue, "App crash on start", "body"));
        await().atMost(WITHIN).until(() -> trace(bodyEdit).path("sightings").size() == 1);
        assertThat(trace(bodyEdit).toString()).contains("the title did not change");
        assertThat(forge.labels("MyOrg", "app", issue)).as("the label stays removed").isEmpty();

        // A new title with a rule's keyword is triaged again
        String retitled = RunningForgebus.newDelivery();
        forgebus.postGithub("issues", retitled, edited(issue, "App crash on exit", "title"));
        await().atMost(WITHIN).until(() -> forge.labels("MyOrg", "app", issue).contains("bug"));
    }

    /** An {@code issues.edited} delivery whose {@code changes} name {@code changed}. */
    private static byte[] edited(int issue, String title, String changed) {
        return new String(RunningForgebus.issueOpened("app", issue, title), java.nio.charset.StandardCharsets.UTF_8)
                .replace("{\"action\":\"opened\",", "{\"action\":\"edited\",\"changes\":{\"" + changed + "\":{\"from\":\"before\"}},")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    @Test
    void malformed_admin_parameters_are_a_400_not_a_500() throws Exception {
        for (String path : List.of("/admin/dlq?limit=-1", "/admin/dlq?limit=0", "/admin/dlq?limit=99999999999", "/admin/dlq?limit=x",
                "/admin/dlq?limt=5", "/admin/dlq?module=nosuch", "/admin/dlq?since=yesterday", "/admin/dlq?module=triage&module=stale")) {
            var answer = forgebus.admin("GET", path, null, RunningForgebus.ADMIN_TOKEN);
            assertThat(answer.statusCode()).as(path + ": " + answer.body()).isEqualTo(400);
            assertThat(answer.body()).as(path).contains("bad_request");
        }
        var badId = forgebus.admin("POST", "/admin/dlq/replay", "{\"ids\": [\"triage:-1:99999999999999999999\"]}",
                RunningForgebus.ADMIN_TOKEN);
        assertThat(badId.statusCode()).as(badId.body()).isEqualTo(400);
        assertThat(badId.body()).contains("ids[0]");
    }

    @Test
    void dlq_replay_without_a_selector_asks_for_all_and_replays_nothing() throws Exception {
        Path config = dir.resolve("cli-noselector.yml");
        java.nio.file.Files.writeString(config, forgebus.yaml);
        var out = new java.io.StringWriter();
        var err = new java.io.StringWriter();

        int exit = dev.forgebus.app.Main.execute(new java.io.PrintWriter(out, true), new java.io.PrintWriter(err, true),
                "dlq", "replay", "--config", config.toString());

        assertThat(exit).as(out.toString()).isNotZero();
        assertThat(err.toString()).contains("--all").doesNotContain("\tat ");
        assertThat(err.toString().strip().lines()).hasSize(1);
        assertThat(out.toString()).doesNotContain("replayed ");
    }

    private static String cli(String... args) {
        var out = new java.io.StringWriter();
        var err = new java.io.StringWriter();
        int exit = dev.forgebus.app.Main.execute(new java.io.PrintWriter(out, true), new java.io.PrintWriter(err, true), args);
        assertThat(exit).as(String.join(" ", args) + ": " + err).isZero();
        return out.toString();
    }

    @Test
    void a_repository_with_triage_disabled_gets_no_call_and_the_trace_says_why() throws Exception {
        int issue = newIssue("quiet", "Crash in quiet repo");
        String delivery = RunningForgebus.newDelivery();

        forgebus.postGithub("issues", delivery, RunningForgebus.issueOpened("quiet", issue, "Crash in quiet repo"));

        await().atMost(WITHIN).until(() -> trace(delivery).path("sightings").size() == 1);
        String trace = trace(delivery).toString();
        assertThat(trace).contains("triage").contains("module disabled");
        assertThat(forge.labelChanges("MyOrg", "quiet", issue)).isZero();
    }

    @Test
    void admin_routes_refuse_a_missing_or_wrong_token() throws Exception {
        assertThat(forgebus.admin("GET", "/admin/dlq", null, null).statusCode()).isEqualTo(401);
        assertThat(forgebus.admin("GET", "/admin/dlq", null, "wrong").statusCode()).isEqualTo(401);
        assertThat(forgebus.admin("GET", "/admin/dlq", null, RunningForgebus.ADMIN_TOKEN).statusCode()).isEqualTo(200);
    }

    @Test
    void nothing_secret_in_metrics_or_admin_output() throws Exception {
        String metrics = forgebus.metrics();
        String dlq = forgebus.admin("GET", "/admin/dlq", null, RunningForgebus.ADMIN_TOKEN).body();
        for (String secret : List.of(RunningForgebus.SECRET, RunningForgebus.ADMIN_TOKEN, "e2e-forge-token")) {
            assertThat(metrics).doesNotContain(secret);
            assertThat(dlq).doesNotContain(secret);
        }
    }

    private JsonNode trace(String delivery) throws Exception {
        return forgebus.adminJson("GET", "/admin/deliveries/" + delivery, null);
    }

    /** The dead letter of this delivery whose replay count is {@code replayCount}, polled until it exists. */
    private JsonNode awaitDeadLetter(String delivery, int replayCount) {
        List<JsonNode> found = new ArrayList<>();
        await().atMost(WITHIN).until(() -> {
            found.clear();
            for (JsonNode l : forgebus.adminJson("GET", "/admin/dlq?module=triage&limit=1000", null).path("deadLetters")) {
                if (l.path("deliveryId").asText().equals(delivery) && l.path("replayCount").asInt() == replayCount) {
                    found.add(l);
                }
            }
            return !found.isEmpty();
        });
        return found.get(0);
    }

    private double retries() throws Exception {
        return forgebus.metrics().lines()
                .filter(l -> l.startsWith("forgebus_worker_retries_total") && l.contains("module=\"triage\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum();
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static Instant now() {
        return Instant.now();
    }
}
