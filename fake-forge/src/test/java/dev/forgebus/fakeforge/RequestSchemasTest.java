package dev.forgebus.fakeforge;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The schema check itself: it must catch what the forges would refuse, or the contract tests prove nothing. */
class RequestSchemasTest {
    private static final RequestSchemas GITHUB = RequestSchemas.load("github");
    private static final RequestSchemas FORGEJO = RequestSchemas.load("forgejo");

    private static RecordedRequest request(String method, String path, String body) {
        return new RecordedRequest(method, path, "", Map.of(), body, Instant.EPOCH);
    }

    @Test
    void a_valid_body_has_no_violation() {
        assertThat(GITHUB.violations(request("PUT", "/repos/o/r/pulls/1/merge",
                "{\"merge_method\":\"squash\",\"sha\":\"abc\"}"), "")).isEmpty();
    }

    @Test
    void a_merge_method_github_does_not_know_is_a_violation() {
        List<String> violations = GITHUB.violations(request("PUT", "/repos/o/r/pulls/1/merge",
                "{\"merge_method\":\"fast-forward-only\"}"), "");

        assertThat(violations).singleElement().asString().startsWith("PUT /repos/{owner}/{repo}/pulls/{pull_number}/merge");
    }

    @Test
    void a_forgejo_merge_without_do_is_a_violation() {
        assertThat(FORGEJO.violations(request("POST", "/api/v1/repos/o/r/pulls/1/merge", "{\"head_commit_id\":\"abc\"}"),
                "/api/v1")).hasSize(1);
    }

    @Test
    void a_dispatch_input_that_is_not_a_string_is_a_violation_on_forgejo() {
        assertThat(FORGEJO.violations(request("POST", "/api/v1/repos/o/r/actions/workflows/x.yml/dispatches",
                "{\"ref\":\"main\",\"inputs\":{\"count\":3}}"), "/api/v1")).hasSize(1);
    }

    @Test
    void a_write_to_a_route_without_a_schema_is_a_violation() {
        assertThat(GITHUB.violations(request("POST", "/repos/o/r/forks", "{}"), ""))
                .singleElement().asString().contains("no schema");
    }

    @Test
    void reads_and_bodiless_writes_are_not_checked() {
        assertThat(GITHUB.violations(request("GET", "/repos/o/r/issues", ""), "")).isEmpty();
        assertThat(FORGEJO.violations(request("POST", "/api/v1/repos/o/r/mirror-sync", ""), "/api/v1")).isEmpty();
    }
}
