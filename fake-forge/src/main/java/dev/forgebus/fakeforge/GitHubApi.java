package dev.forgebus.fakeforge;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * GitHub's REST shapes (API version 2022-11-28) for the routes Forgebus uses: issue labels by
 * name, created when missing, {@code Link} pagination, {@code {"message","documentation_url"}} errors.
 */
final class GitHubApi implements ForgeApi {
    static final String DOCS = "https://docs.github.com/rest";
    static final String NEW_LABEL_COLOR = "ededed";
    private static final int DEFAULT_PAGE_SIZE = 30;
    private static final Pattern ISSUE_LABELS = Pattern.compile("/repos/([^/]+)/([^/]+)/issues/(\\d{1,18})/labels");

    private final ForgeState state;
    private final String apiUrl;
    private final IntSupplier maxPageSize;
    /** Issues, contents, releases, pull requests, checks, refs, dispatches, runs. */
    private final GitHubRoutes routes;

    GitHubApi(ForgeState state, String apiUrl, IntSupplier maxPageSize) {
        this.state = state;
        this.apiUrl = apiUrl;
        this.maxPageSize = maxPageSize;
        this.routes = new GitHubRoutes(state, apiUrl, maxPageSize, this);
    }

    @Override
    public Reply handle(RecordedRequest request, String path) {
        Optional<Reply> routed = routes.handle(request, path);
        if (routed.isPresent()) {
            return routed.get();
        }
        Matcher issueLabels = ISSUE_LABELS.matcher(path);
        if (issueLabels.matches()) {
            String owner = ForgeApi.decode(issueLabels.group(1));
            String repo = ForgeApi.decode(issueLabels.group(2));
            long number = Long.parseLong(issueLabels.group(3));
            return switch (request.method()) {
                case "GET" -> listIssueLabels(request, path, owner, repo, number);
                case "POST" -> addIssueLabels(request, owner, repo, number);
                default -> error(404, "Not Found");
            };
        }
        return error(404, "Not Found");
    }

    private Reply listIssueLabels(RecordedRequest request, String path, String owner, String repo, long number) {
        var labels = state.issueLabels(owner, repo, number);
        if (labels.isEmpty()) {
            return error(404, "Not Found");
        }
        Map<String, String> query = ForgeApi.queryParameters(request.query());
        int size = Math.min(ForgeApi.positive(query, "per_page", DEFAULT_PAGE_SIZE), Math.min(100, maxPageSize.getAsInt()));
        int page = ForgeApi.positive(query, "page", 1);
        Reply reply = Reply.json(200, json(owner, repo, ForgeApi.page(labels.get(), page, size)));
        String link = ForgeApi.linkHeader(apiUrl + path, "per_page", size, page, labels.get().size());
        return link.isEmpty() ? reply : reply.withHeaders(Map.of("Link", link));
    }

    /** Accepts {@code {"labels": ["a"]}}, {@code {"labels": [{"name": "a"}]}} and {@code ["a"]}, as GitHub does. */
    private Reply addIssueLabels(RecordedRequest request, String owner, String repo, long number) {
        JsonNode body;
        try {
            body = request.json();
        } catch (IllegalStateException notJson) {
            return error(400, "Problems parsing JSON");
        }
        JsonNode array = body.isArray() ? body : body.path("labels");
        if (!array.isArray()) {
            return error(422, "Invalid request.\n\nNo subschema in \"anyOf\" matched.");
        }
        List<String> names = new ArrayList<>();
        for (JsonNode element : array) {
            String name = element.isTextual() ? element.asText() : element.path("name").asText("");
            if (name.isBlank()) {
                return error(422, "Invalid request.\n\nLabel names must be non-empty strings.");
            }
            names.add(name);
        }
        return switch (state.addLabelsByName(owner, repo, number, names, NEW_LABEL_COLOR)) {
            case ForgeState.AddResult.Added added -> Reply.json(200, json(owner, repo, added.issueLabels()));
            case ForgeState.AddResult.NoSuchIssue none -> error(404, "Not Found");
            case ForgeState.AddResult.UnknownLabel unknown -> error(422, "Validation Failed");
        };
    }

    private List<Map<String, Object>> json(String owner, String repo, List<ForgeState.Label> labels) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (ForgeState.Label label : labels) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("id", label.id());
            json.put("node_id", "LA_" + label.id());
            json.put("url", apiUrl + "/repos/" + owner + "/" + repo + "/labels/" + label.name());
            json.put("name", label.name());
            json.put("color", label.color());
            json.put("default", false);
            json.put("description", null);
            out.add(json);
        }
        return out;
    }

    @Override
    public Reply error(int status, String message) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("message", message);
        json.put("documentation_url", DOCS);
        json.put("status", Integer.toString(status));
        return Reply.json(status, json);
    }
}
