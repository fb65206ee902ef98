package dev.forgebus.forge;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpHeaders;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** GitHub pagination: the {@code rel="next"} target of a {@code Link} header. */
class GitHubLinkHeaderTest {

    private static HttpHeaders link(String value) {
        return HttpHeaders.of(Map.of("link", List.of(value)), (a, b) -> true);
    }

    @Test
    void finds_next_among_other_relations() {
        HttpHeaders headers = link("<https://api.github.com/repositories/1/issues/2/labels?per_page=100&page=1>; rel=\"prev\", "
                + "<https://api.github.com/repositories/1/issues/2/labels?per_page=100&page=3>; rel=\"next\", "
                + "<https://api.github.com/repositories/1/issues/2/labels?per_page=100&page=5>; rel=\"last\"");

        assertThat(GitHubClient.nextPage(headers))
                .contains(URI.create("https://api.github.com/repositories/1/issues/2/labels?per_page=100&page=3"));
    }

    @Test
    void the_last_page_has_no_next() {
        assertThat(GitHubClient.nextPage(link("<https://api.github.com/x?page=1>; rel=\"first\", "
                + "<https://api.github.com/x?page=4>; rel=\"prev\""))).isEmpty();
        assertThat(GitHubClient.nextPage(HttpHeaders.of(Map.of(), (a, b) -> true))).isEmpty();
    }
}
