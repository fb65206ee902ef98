package dev.forgebus.fakeforge;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A small route table: method and path pattern to a handler, first match wins. Path groups are
 * handed to the handler still percent-encoded; {@link #segment} decodes one.
 */
final class Routes {

    /** Answers one request; {@code path} matched the route's pattern. */
    @FunctionalInterface
    interface Handler {
        Reply handle(RecordedRequest request, Matcher path);
    }

    private record Route(String method, Pattern pattern, Handler handler) {
    }

    private final List<Route> routes = new ArrayList<>();

    Routes on(String method, String pathRegex, Handler handler) {
        routes.add(new Route(method, Pattern.compile(pathRegex), handler));
        return this;
    }

    /** The reply of the first route matching method and path; empty when none does. */
    Optional<Reply> dispatch(RecordedRequest request, String path) {
        for (Route route : routes) {
            if (route.method().equalsIgnoreCase(request.method())) {
                Matcher matcher = route.pattern().matcher(path);
                if (matcher.matches()) {
                    return Optional.of(route.handler().handle(request, matcher));
                }
            }
        }
        return Optional.empty();
    }

    /** Group {@code group} of {@code path}, percent-decoded (a path segment: '+' stays '+'). */
    static String segment(Matcher path, int group) {
        return ForgeApi.decode(path.group(group).replace("+", "%2B"));
    }

    // ---- readers both dialects' routes share ----

    /** The request body as a JSON object; empty when it is absent, not JSON, or not an object. */
    static Optional<JsonNode> jsonBody(RecordedRequest request) {
        try {
            JsonNode json = request.json();
            return json.isObject() ? Optional.of(json) : Optional.empty();
        } catch (IllegalStateException notJson) {
            return Optional.empty();
        }
    }

    /** A field's text, or null when it is absent or null (so "not sent" and "sent" stay apart). */
    static String text(JsonNode json, String field) {
        return json.hasNonNull(field) ? json.path(field).asText() : null;
    }

    /** A field's boolean, or null when it is absent or null. */
    static Boolean bool(JsonNode json, String field) {
        return json.hasNonNull(field) ? json.path(field).asBoolean() : null;
    }

    /** The owner of a route whose pattern starts with {@code /repos/([^/]+)/([^/]+)}. */
    static String owner(Matcher path) {
        return segment(path, 1);
    }

    /** The repository of such a route. */
    static String repo(Matcher path) {
        return segment(path, 2);
    }

    /** The issue or pull request number, the route's third group. */
    static long number(Matcher path) {
        return Long.parseLong(path.group(3));
    }

    /** The entries of a folder as both forges' contents API lists them (files only here). */
    static List<Map<String, Object>> folderListing(List<ForgeState.StoredFile> files) {
        List<Map<String, Object>> entries = new ArrayList<>();
        for (ForgeState.StoredFile file : files) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("type", "file");
            entry.put("name", file.path().substring(file.path().lastIndexOf('/') + 1));
            entry.put("path", file.path());
            entry.put("sha", file.sha());
            entry.put("size", file.bytes().length);
            entries.add(entry);
        }
        return entries;
    }
}
