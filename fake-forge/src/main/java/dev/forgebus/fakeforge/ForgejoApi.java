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
 * Forgejo's (and Gitea's) REST shapes under {@code /api/v1} for the routes Forgebus uses (from
 * Forgejo 11's swagger): labels attached by id, repository labels paged with {@code limit} and
 * {@code page} plus {@code X-Total-Count}, {@code {"message","url"}} errors.
 */
final class ForgejoApi implements ForgeApi {
    private static final int DEFAULT_PAGE_SIZE = 30;
    private static final Pattern ISSUE_LABELS = Pattern.compile("/repos/([^/]+)/([^/]+)/issues/(\\d{1,18})/labels");
    private static final Pattern REPO_LABELS = Pattern.compile("/repos/([^/]+)/([^/]+)/labels");
    private static final Pattern COLOR = Pattern.compile("#?([0-9a-fA-F]{6})");

    private final ForgeState state;
    private final String apiUrl;
    private final IntSupplier maxPageSize;
    /** Issues, contents, releases, pull requests, statuses, refs, workflows, mirrors. */
    private final ForgejoRoutes routes;

    ForgejoApi(ForgeState state, String apiUrl, IntSupplier maxPageSize) {
        this.state = state;
        this.apiUrl = apiUrl;
        this.maxPageSize = maxPageSize;
        this.routes = new ForgejoRoutes(state, apiUrl, maxPageSize, this);
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
                case "GET" -> state.issueLabels(owner, repo, number)
                        .map(labels -> Reply.json(200, json(owner, repo, labels)))
                        .orElseGet(this::notFound);
                case "POST" -> addIssueLabels(request, owner, repo, number);
                default -> error(405, "Method Not Allowed");
            };
        }
        Matcher repoLabels = REPO_LABELS.matcher(path);
        if (repoLabels.matches()) {
            String owner = ForgeApi.decode(repoLabels.group(1));
            String repo = ForgeApi.decode(repoLabels.group(2));
            if (!state.hasRepository(owner, repo)) {
                return notFound();
            }
            return switch (request.method()) {
                case "GET" -> listRepositoryLabels(request, path, owner, repo);
                case "POST" -> createLabel(request, owner, repo);
                default -> error(405, "Method Not Allowed");
            };
        }
        return notFound();
    }

    private Reply listRepositoryLabels(RecordedRequest request, String path, String owner, String repo) {
        List<ForgeState.Label> all = state.repositoryLabels(owner, repo);
        Map<String, String> query = ForgeApi.queryParameters(request.query());
        int size = Math.min(ForgeApi.positive(query, "limit", DEFAULT_PAGE_SIZE), Math.min(50, maxPageSize.getAsInt()));
        int page = ForgeApi.positive(query, "page", 1);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("X-Total-Count", Integer.toString(all.size()));
        String link = ForgeApi.linkHeader(apiUrl + path, "limit", size, page, all.size());
        if (!link.isEmpty()) {
            headers.put("Link", link);
        }
        return Reply.json(200, json(owner, repo, ForgeApi.page(all, page, size))).withHeaders(headers);
    }

    /** {@code CreateLabelOption}: name and color required. */
    private Reply createLabel(RecordedRequest request, String owner, String repo) {
        JsonNode body = parse(request).orElse(null);
        if (body == null) {
            return error(422, "invalid JSON body");
        }
        String name = body.path("name").asText("");
        Matcher color = COLOR.matcher(body.path("color").asText(""));
        if (name.isBlank()) {
            return error(422, "[Name]: Required");
        }
        if (!color.matches()) {
            return error(422, "[Color]: Required or not a colour");
        }
        ForgeState.Label label = state.createLabel(owner, repo, name, color.group(1).toLowerCase(java.util.Locale.ROOT));
        return Reply.json(201, json(owner, repo, label));
    }

    /** {@code IssueLabelsOption}: label ids (Forgejo 11 also takes names; unknown ones are refused here). */
    private Reply addIssueLabels(RecordedRequest request, String owner, String repo, long number) {
        if (!state.hasIssue(owner, repo, number)) {
            return notFound();
        }
        JsonNode labels = parse(request).map(body -> body.path("labels")).orElse(null);
        if (labels == null || !labels.isArray()) {
            return error(422, "[Labels]: Required");
        }
        List<Long> ids = new ArrayList<>();
        for (JsonNode element : labels) {
            if (element.canConvertToLong() && element.isIntegralNumber()) {
                ids.add(element.asLong());
            } else if (element.isTextual()) {
                Optional<ForgeState.Label> byName = state.repositoryLabels(owner, repo).stream()
                        .filter(l -> l.name().equals(element.asText())).findFirst();
                if (byName.isEmpty()) {
                    return error(422, "label does not exist [name: " + element.asText() + "]");
                }
                ids.add(byName.get().id());
            } else {
                return error(422, "[Labels]: label ids or names expected");
            }
        }
        return switch (state.addLabelsById(owner, repo, number, ids)) {
            case ForgeState.AddResult.Added added -> Reply.json(200, json(owner, repo, added.issueLabels()));
            case ForgeState.AddResult.NoSuchIssue none -> notFound();
            case ForgeState.AddResult.UnknownLabel unknown -> error(422, "label does not exist [" + unknown.which() + "]");
        };
    }

    private static Optional<JsonNode> parse(RecordedRequest request) {
        try {
            return Optional.of(request.json());
        } catch (IllegalStateException notJson) {
            return Optional.empty();
        }
    }

    private List<Map<String, Object>> json(String owner, String repo, List<ForgeState.Label> labels) {
        return labels.stream().map(label -> json(owner, repo, label)).toList();
    }

    private Map<String, Object> json(String owner, String repo, ForgeState.Label label) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", label.id());
        json.put("name", label.name());
        json.put("exclusive", false);
        json.put("is_archived", false);
        json.put("color", label.color());
        json.put("description", "");
        json.put("url", apiUrl + "/repos/" + owner + "/" + repo + "/labels/" + label.id());
        return json;
    }

    private Reply notFound() {
        return error(404, "The target couldn't be found.");
    }

    @Override
    public Reply error(int status, String message) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("message", message);
        json.put("url", apiUrl.replaceFirst("/v1$", "") + "/swagger");
        return Reply.json(status, json);
    }
}
