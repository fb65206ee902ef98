package dev.forgebus.fakeforge;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.forgebus.common.event.Json;

/** The fake answers refusals with the forges' own status codes and bodies, checked with a bare HTTP client. */
class FakeForgeErrorShapesTest {
    private static FakeForge github;
    private static FakeForge forgejo;
    private static HttpClient http;

    @BeforeAll
    static void start() {
        github = FakeForge.start(FakeForge.Flavor.GITHUB);
        forgejo = FakeForge.start(FakeForge.Flavor.FORGEJO);
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    }

    @AfterAll
    static void stop() {
        http.close();
        github.close();
        forgejo.close();
    }

    @BeforeEach
    void reset() {
        github.reset();
        forgejo.reset();
    }

    private static HttpResponse<String> send(FakeForge forge, String method, String path, String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(forge.apiUrl() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build();
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        return Json.MAPPER.readTree(response.body());
    }

    @Test
    void github_refuses_an_unmergeable_pull_request_with_405() throws Exception {
        github.createPullRequest("o", "r", 2, "t", "feature", "aaa");
        github.setMergeable("o", "r", 2, false);

        HttpResponse<String> response = send(github, "PUT", "/repos/o/r/pulls/2/merge", "{\"sha\":\"aaa\"}");

        assertThat(response.statusCode()).isEqualTo(405);
        assertThat(json(response).path("message").asText()).isEqualTo("Pull Request is not mergeable");
        assertThat(json(response).path("documentation_url").asText()).startsWith("https://docs.github.com/");
    }

    @Test
    void github_refuses_a_merge_at_an_old_head_with_409() throws Exception {
        github.createPullRequest("o", "r", 2, "t", "feature", "aaa");

        HttpResponse<String> response = send(github, "PUT", "/repos/o/r/pulls/2/merge", "{\"sha\":\"old\"}");

        assertThat(response.statusCode()).isEqualTo(409);
        assertThat(json(response).path("message").asText())
                .isEqualTo("Head branch was modified. Review and try the merge again.");
    }

    @Test
    void github_validation_failures_are_422_with_errors() throws Exception {
        github.createRepository("o", "r");

        HttpResponse<String> response = send(github, "POST", "/repos/o/r/dispatches", "{\"client_payload\":{}}");

        assertThat(response.statusCode()).isEqualTo(422);
        assertThat(json(response).path("message").asText()).isEqualTo("Validation Failed");
        assertThat(json(response).path("errors").get(0).path("field").asText()).isEqualTo("event_type");
    }

    @Test
    void github_secondary_rate_limit_is_403_with_retry_after() throws Exception {
        github.createRepository("o", "r");
        github.secondaryRateLimitNext(r -> true, 1, 60);

        HttpResponse<String> response = send(github, "GET", "/repos/o/r/branches", null);

        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.headers().firstValue("retry-after")).contains("60");
        assertThat(json(response).path("message").asText()).startsWith("You have exceeded a secondary rate limit.");
    }

    @Test
    void forgejo_merge_answers_405_and_409_and_needs_do() throws Exception {
        forgejo.createPullRequest("o", "r", 2, "t", "feature", "aaa");

        assertThat(send(forgejo, "POST", "/repos/o/r/pulls/2/merge", "{\"head_commit_id\":\"aaa\"}").statusCode())
                .isEqualTo(422);
        assertThat(send(forgejo, "POST", "/repos/o/r/pulls/2/merge", "{\"Do\":\"merge\",\"head_commit_id\":\"old\"}")
                .statusCode()).isEqualTo(409);
        forgejo.setMergeable("o", "r", 2, false);
        assertThat(send(forgejo, "POST", "/repos/o/r/pulls/2/merge", "{\"Do\":\"merge\"}").statusCode()).isEqualTo(405);
    }

    @Test
    void forgejo_has_no_repository_dispatch_route() throws Exception {
        forgejo.createRepository("o", "r");

        assertThat(send(forgejo, "POST", "/repos/o/r/dispatches", "{\"event_type\":\"x\"}").statusCode()).isEqualTo(404);
    }

    @Test
    void github_has_no_mirror_sync_route() throws Exception {
        github.createRepository("o", "r");

        assertThat(send(github, "POST", "/repos/o/r/mirror-sync", null).statusCode()).isEqualTo(404);
    }
}
