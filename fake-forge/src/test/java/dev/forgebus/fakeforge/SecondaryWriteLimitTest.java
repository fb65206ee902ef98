package dev.forgebus.fakeforge;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.forgebus.common.event.Json;

/** GitHub's secondary limit on content-creating calls, as the fake enforces it on demand: a rolling minute per token. */
class SecondaryWriteLimitTest {
    private static final SettableClock CLOCK = new SettableClock(Instant.parse("2026-11-30T10:00:00Z"));
    private static FakeForge github;
    private static HttpClient http;

    @BeforeAll
    static void start() {
        github = FakeForge.start(FakeForge.Flavor.GITHUB, CLOCK);
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    }

    @AfterAll
    static void stop() {
        http.close();
        github.close();
    }

    @Test
    void writes_over_the_rolling_minute_budget_of_a_token_get_403_with_retry_after_and_reads_do_not_count() throws Exception {
        // Given a budget of 3 writes a minute and an issue
        github.createIssue("o", "r", 1, "one");
        github.enforceWritesPerMinute(3);

        // When token A writes 3 times 10 s apart, reads, and writes a fourth time
        for (int i = 0; i < 3; i++) {
            assertThat(send("POST", "token-a", "{\"labels\":[\"x" + i + "\"]}").statusCode()).isEqualTo(200);
            CLOCK.advance(Duration.ofSeconds(10));
        }
        assertThat(get("token-a").statusCode()).isEqualTo(200);
        HttpResponse<String> fourth = send("POST", "token-a", "{\"labels\":[\"x3\"]}");

        // Then the fourth is refused as GitHub does, for the time until the first leaves the minute
        assertThat(fourth.statusCode()).isEqualTo(403);
        assertThat(fourth.headers().firstValue("retry-after")).contains("30");
        assertThat(Json.MAPPER.readTree(fourth.body()).path("message").asText()).contains("secondary rate limit");
        assertThat(github.labels("o", "r", 1)).doesNotContain("x3");
        assertThat(github.secondaryLimitRefusals()).singleElement()
                .satisfies(r -> assertThat(r.body()).contains("x3"));
        // and another token has its own budget
        assertThat(send("POST", "token-b", "{\"labels\":[\"y\"]}").statusCode()).isEqualTo(200);

        // When the first write of A leaves the minute
        CLOCK.advance(Duration.ofSeconds(30));

        // Then A may write again
        assertThat(send("PATCH", "token-a", "{\"title\":\"renamed\"}").statusCode()).isEqualTo(200);
        assertThat(send("POST", "token-a", "{\"labels\":[\"x4\"]}").statusCode()).isEqualTo(403);
        assertThat(github.secondaryLimitRefusals()).hasSize(2);
    }

    private static HttpResponse<String> send(String method, String token, String body) throws Exception {
        String path = method.equals("PATCH") ? "/repos/o/r/issues/1" : "/repos/o/r/issues/1/labels";
        return http.send(HttpRequest.newBuilder(URI.create(github.apiUrl() + path)).header("Authorization", "Bearer " + token)
                .method(method, HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(String token) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(github.apiUrl() + "/repos/o/r/issues/1/labels"))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
    }
}
