package dev.forgebus.common.forge;

import java.net.URI;
import java.net.http.HttpHeaders;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.forgebus.common.config.RepoRef;

/**
 * {@link ForgeClient} for GitHub and GitHub Enterprise Server (REST API version 2022-11-28).
 * Label names are the API's currency here: adding a label the repository lacks creates it.
 */
public final class GitHubClient implements ForgeClient {

    /** GitHub's largest page. */
    static final int PAGE_SIZE = 100;
    /** A bound on pagination, so that a misbehaving server cannot keep a worker paging forever. */
    static final int MAX_PAGES = 50;
    private static final Pattern LINK_NEXT = Pattern.compile("<([^>]+)>\\s*;[^,]*\\brel=\"?next\"?");

    private final ForgeHttp http;

    /**
     * @param apiUrl e.g. {@code https://api.github.com}, {@code https://ghe.example.com/api/v3},
     *               or a test server's root
     */
    public GitHubClient(URI apiUrl, ForgeCredential credential, CallGate gate, ForgeTransport transport) {
        this.http = new ForgeHttp(apiUrl, credential, "Bearer",
                Map.of("Accept", "application/vnd.github+json", "X-GitHub-Api-Version", "2022-11-28"),
                gate, transport);
    }

    /** {@code GET /repos/{owner}/{repo}/issues/{number}/labels}, every page. */
    @Override
    public List<String> labels(RepoRef repo, long number) throws ForgeCallException, InterruptedException {
        List<String> names = new ArrayList<>();
        URI page = http.resolve(issueLabelsPath(repo, number) + "?per_page=" + PAGE_SIZE);
        for (int pages = 1; page != null; pages++) {
            ForgeHttp.Answer answer = http.send("GET", page, null);
            answer.body().forEach(label -> names.add(label.path("name").asText()));
            page = nextPage(answer.headers()).orElse(null);
            if (page != null && (pages >= MAX_PAGES || !http.isSameOrigin(page))) {
                throw ForgeCallException.permanent(0, "GET " + page.getRawPath()
                        + ": not following the next-page link (" + (pages >= MAX_PAGES ? "more than " + MAX_PAGES
                        + " pages" : "it points to another host") + ")");
            }
        }
        return List.copyOf(names);
    }

    /** {@code POST /repos/{owner}/{repo}/issues/{number}/labels} with {@code {"labels": [names]}}. */
    @Override
    public void addLabels(RepoRef repo, long number, List<String> labels) throws ForgeCallException, InterruptedException {
        List<String> distinct = List.copyOf(new LinkedHashSet<>(labels));
        if (distinct.isEmpty()) {
            return;
        }
        http.post(issueLabelsPath(repo, number), Map.of("labels", distinct));
    }

    private static String issueLabelsPath(RepoRef repo, long number) {
        return "/repos/" + ForgeHttp.segment(repo.owner()) + "/" + ForgeHttp.segment(repo.repo())
                + "/issues/" + number + "/labels";
    }

    /** The {@code rel="next"} target of a {@code Link} header (RFC 8288), as GitHub paginates. */
    static Optional<URI> nextPage(HttpHeaders headers) {
        for (String link : headers.allValues("link")) {
            Matcher next = LINK_NEXT.matcher(link);
            if (next.find()) {
                return Optional.of(URI.create(next.group(1)));
            }
        }
        return Optional.empty();
    }
}
