package dev.forgebus.fakeforge;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.forgebus.common.event.Json;

/** The fake forge's own promises, checked with a bare HTTP client: shapes, recording, injection, budget. */
class FakeForgeTest {
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

    private static HttpResponse<String> send(FakeForge forge, String method, String path, String body,
                                             String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(forge.apiUrl() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) {
            request.headers(headers);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        return Json.MAPPER.readTree(response.body());
    }

    @Test
    void forgejo_routes_live_under_api_v1() {
        assertThat(forgejo.apiUrl().getPath()).isEqualTo("/api/v1");
        assertThat(github.apiUrl().getPath()).isEmpty();
        assertThat(github.apiUrl().getHost()).isEqualTo("127.0.0.1");
    }

    @Test
    void an_unknown_issue_is_404_in_each_forges_error_shape() throws Exception {
        HttpResponse<String> fromGitHub = send(github, "GET", "/repos/o/r/issues/1/labels", null);
        HttpResponse<String> fromForgejo = send(forgejo, "GET", "/repos/o/r/issues/1/labels", null);

        assertThat(fromGitHub.statusCode()).isEqualTo(404);
        assertThat(json(fromGitHub).path("message").asText()).isEqualTo("Not Found");
        assertThat(json(fromGitHub).path("documentation_url").asText()).startsWith("https://docs.github.com/");
        assertThat(fromForgejo.statusCode()).isEqualTo(404);
        assertThat(json(fromForgejo).path("message").asText()).isNotBlank();
        assertThat(json(fromForgejo).has("url")).isTrue();
    }

    @Test
    void records_every_request_with_the_credential_masked() throws Exception {
        // Given
        github.createIssue("o", "r", 1, "t");

        // When
        send(github, "POST", "/repos/o/r/issues/1/labels", "{\"labels\":[\"bug\"]}",
                "Authorization", "Bearer very-secret", "Content-Type", "application/json");

        // Then
        RecordedRequest request = github.requests().get(0);
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.path()).isEqualTo("/repos/o/r/issues/1/labels");
        assertThat(request.json().path("labels").get(0).asText()).isEqualTo("bug");
        assertThat(request.header("authorization")).contains("Bearer *****");
        assertThat(request.toString() + request.headers()).doesNotContain("very-secret");
        assertThat(request.arrivedAt()).isNotNull();
        assertThat(github.labelChanges("o", "r", 1)).isEqualTo(1);
        assertThat(github.labels("o", "r", 1)).containsExactly("bug");
    }

    @Test
    void a_required_token_refuses_other_credentials_with_401() throws Exception {
        forgejo.createIssue("o", "r", 1, "t");
        forgejo.requireToken("right");

        assertThat(send(forgejo, "GET", "/repos/o/r/issues/1/labels", null, "Authorization", "token wrong").statusCode())
                .isEqualTo(401);
        assertThat(send(forgejo, "GET", "/repos/o/r/issues/1/labels", null).statusCode()).isEqualTo(401);
        assertThat(send(forgejo, "GET", "/repos/o/r/issues/1/labels", null, "Authorization", "token right").statusCode())
                .isEqualTo(200);
    }

    @Test
    void injected_failures_answer_the_given_number_of_times_then_stop() throws Exception {
        github.createIssue("o", "r", 1, "t");
        github.failNext(2, 502);

        assertThat(send(github, "GET", "/repos/o/r/issues/1/labels", null).statusCode()).isEqualTo(502);
        assertThat(send(github, "GET", "/repos/o/r/issues/1/labels", null).statusCode()).isEqualTo(502);
        assertThat(send(github, "GET", "/repos/o/r/issues/1/labels", null).statusCode()).isEqualTo(200);
    }

    @Test
    void an_injected_failure_with_a_filter_spares_other_requests_and_keeps_its_headers() throws Exception {
        github.createIssue("o", "r", 1, "t");
        github.failNextMatching(r -> r.is("POST", ".*/labels"), 1, 429, Map.of("Retry-After", "7"), null);

        HttpResponse<String> read = send(github, "GET", "/repos/o/r/issues/1/labels", null);
        HttpResponse<String> write = send(github, "POST", "/repos/o/r/issues/1/labels", "[\"bug\"]");

        assertThat(read.statusCode()).isEqualTo(200);
        assertThat(write.statusCode()).isEqualTo(429);
        assertThat(write.headers().firstValue("Retry-After")).contains("7");
        assertThat(json(write).path("message").asText()).isEqualTo("Too Many Requests");
        assertThat(github.labels("o", "r", 1)).isEmpty();
    }

    @Test
    void github_answers_carry_a_budget_that_runs_out() throws Exception {
        github.createIssue("o", "r", 1, "t");
        github.rateLimit(2);

        HttpResponse<String> first = send(github, "GET", "/repos/o/r/issues/1/labels", null);
        HttpResponse<String> second = send(github, "GET", "/repos/o/r/issues/1/labels", null);
        HttpResponse<String> third = send(github, "GET", "/repos/o/r/issues/1/labels", null);

        assertThat(first.headers().firstValue("x-ratelimit-remaining")).contains("1");
        assertThat(second.headers().firstValue("x-ratelimit-remaining")).contains("0");
        assertThat(third.statusCode()).isEqualTo(403);
        assertThat(third.headers().firstValue("x-ratelimit-remaining")).contains("0");
        assertThat(third.headers().firstValue("x-ratelimit-reset")).isPresent();
    }

    @Test
    void forgejo_refuses_an_unknown_label_id_with_422() throws Exception {
        forgejo.createIssue("o", "r", 1, "t");

        HttpResponse<String> answer = send(forgejo, "POST", "/repos/o/r/issues/1/labels", "{\"labels\":[99]}");

        assertThat(answer.statusCode()).isEqualTo(422);
        assertThat(json(answer).path("message").asText()).contains("99");
        assertThat(forgejo.labels("o", "r", 1)).isEmpty();
    }

    @Test
    void forgejo_creates_labels_and_attaches_them_by_id() throws Exception {
        forgejo.createIssue("o", "r", 1, "t");

        HttpResponse<String> created = send(forgejo, "POST", "/repos/o/r/labels", "{\"name\":\"bug\",\"color\":\"#d73a4a\"}");
        long id = json(created).path("id").asLong();
        HttpResponse<String> attached = send(forgejo, "POST", "/repos/o/r/issues/1/labels", "{\"labels\":[" + id + "]}");

        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(json(created).path("color").asText()).isEqualTo("d73a4a");
        assertThat(attached.statusCode()).isEqualTo(200);
        assertThat(json(attached).get(0).path("name").asText()).isEqualTo("bug");
        assertThat(forgejo.labels("o", "r", 1)).containsExactly("bug");
    }

    @Test
    void reset_forgets_state_recordings_and_injections() throws Exception {
        github.createIssue("o", "r", 1, "t");
        github.failNext(5, 500);
        send(github, "GET", "/repos/o/r/issues/1/labels", null);

        github.reset();

        assertThat(github.requests()).isEmpty();
        assertThat(send(github, "GET", "/repos/o/r/issues/1/labels", null).statusCode()).isEqualTo(404);
    }
}
