package dev.forgebus.forge;

import java.net.URI;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Reading helpers shared by the forge clients: the two pagination schemes (GitHub's {@code Link}
 * header, Forgejo/Gitea's {@code page} and {@code limit}), "not found" as an answer, and the
 * small JSON conversions both need. Kept beside {@link ForgeHttp} rather than in it, so the
 * transport stays about one request.
 */
final class ForgePaging {

    private ForgePaging() {
    }

    /** One call that may answer 404 (or another "absent" status) where absence is an answer. */
    @FunctionalInterface
    interface Call {
        ForgeHttp.Answer send() throws ForgeCallException, InterruptedException;
    }

    /** The answer, or empty when the forge said the thing is not there ({@code statuses}, 404 by default). */
    static Optional<ForgeHttp.Answer> unlessAbsent(Call call, int... statuses)
            throws ForgeCallException, InterruptedException {
        try {
            return Optional.of(call.send());
        } catch (ForgeCallException e) {
            if (isAbsent(e, statuses)) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /**
     * A merge request's outcome, the same on both forges: 405 is "not mergeable", 409 "the head
     * moved" (both are answers, not failures); any other failure is thrown.
     *
     * @param mergeSha the merge commit a 2xx answer reports ("" where the forge reports none)
     */
    static MergeOutcome mergeOutcome(Call call, Function<ForgeHttp.Answer, String> mergeSha)
            throws ForgeCallException, InterruptedException {
        try {
            return new MergeOutcome.Merged(mergeSha.apply(call.send()));
        } catch (ForgeCallException e) {
            if (e.kind() == ForgeCallException.Kind.PERMANENT && e.status() == 405) {
                return new MergeOutcome.NotMergeable(e.getMessage());
            }
            if (e.kind() == ForgeCallException.Kind.PERMANENT && e.status() == 409) {
                return new MergeOutcome.HeadMoved(e.getMessage());
            }
            throw e;
        }
    }

    private static boolean isAbsent(ForgeCallException e, int... statuses) {
        if (e.kind() != ForgeCallException.Kind.PERMANENT) {
            return false;
        }
        if (statuses.length == 0) {
            return e.status() == 404;
        }
        for (int status : statuses) {
            if (e.status() == status) {
                return true;
            }
        }
        return false;
    }

    /**
     * GitHub: every item of every page, following {@code rel="next"} only on the API's own origin
     * and at most {@code maxPages} times.
     *
     * @param items the array of one page's body ({@code check_runs} for wrapped lists)
     */
    static List<JsonNode> linked(ForgeHttp http, String firstPathAndQuery, Function<JsonNode, JsonNode> items,
                                 int maxPages) throws ForgeCallException, InterruptedException {
        List<JsonNode> all = new ArrayList<>();
        URI page = http.resolve(firstPathAndQuery);
        for (int pages = 1; page != null; pages++) {
            ForgeHttp.Answer answer = http.send("GET", page, null);
            items.apply(answer.body()).forEach(all::add);
            page = GitHubClient.nextPage(answer.headers()).orElse(null);
            if (page != null && (pages >= maxPages || !http.isSameOrigin(page))) {
                throw ForgeCallException.permanent(0, "GET " + page.getRawPath()
                        + ": not following the next-page link (" + (pages >= maxPages ? "more than " + maxPages
                        + " pages" : "it points to another host") + ")");
            }
        }
        return all;
    }

    /**
     * Forgejo/Gitea: pages 1, 2, ... of {@code limit} items until a short or empty page, or until
     * {@code X-Total-Count} items were seen where the server sends it (servers cap {@code limit}
     * silently, so a page shorter than asked is not proof of the end when the count says otherwise).
     *
     * @param pathAndQuery the route with its own query (may be empty of parameters); {@code limit} and
     *                     {@code page} are appended
     */
    static List<JsonNode> numbered(ForgeHttp http, String pathAndQuery, int limit, int maxPages)
            throws ForgeCallException, InterruptedException {
        List<JsonNode> all = new ArrayList<>();
        String separator = pathAndQuery.contains("?") ? "&" : "?";
        for (int page = 1; page <= maxPages; page++) {
            ForgeHttp.Answer answer = http.get(pathAndQuery + separator + "limit=" + limit + "&page=" + page);
            JsonNode items = answer.body();
            items.forEach(all::add);
            Optional<Long> total = answer.headers().firstValue("x-total-count").flatMap(ForgePaging::parseLong);
            boolean last = items.size() == 0
                    || (total.isPresent() ? all.size() >= total.get() : items.size() < limit);
            if (last) {
                return all;
            }
        }
        String path = pathAndQuery.contains("?") ? pathAndQuery.substring(0, pathAndQuery.indexOf('?')) : pathAndQuery;
        throw ForgeCallException.permanent(0, "GET " + http.resolve(path).getRawPath()
                + ": more than " + maxPages + " pages");
    }

    /** {@code a/b c/d} → {@code a/b%20c/d}: each segment encoded, the slashes kept (file paths, branch names). */
    static String segments(String path) {
        String[] parts = path.split("/", -1);
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < parts.length; i++) {
            if (i > 0) {
                out.append('/');
            }
            out.append(ForgeHttp.segment(parts[i]));
        }
        return out.toString();
    }

    /**
     * A request body with its fields in the order given ({@code Map.of} has none), so that what
     * goes on the wire is the same from run to run: {@code fields("a", 1, "b", 2)}.
     */
    static Map<String, Object> fields(Object... namesAndValues) {
        Map<String, Object> body = new LinkedHashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            body.put((String) namesAndValues[i], namesAndValues[i + 1]);
        }
        return body;
    }

    /** Names of a {@code labels} array of label objects. */
    static List<String> labelNames(JsonNode labels) {
        List<String> names = new ArrayList<>();
        labels.forEach(label -> names.add(label.path("name").asText()));
        return names;
    }

    /** An RFC 3339 timestamp; {@link Instant#EPOCH} when absent or unreadable (an old date sorts last, harmlessly). */
    static Instant instant(JsonNode text) {
        if (!text.isTextual()) {
            return Instant.EPOCH;
        }
        try {
            return java.time.OffsetDateTime.parse(text.asText()).toInstant();
        } catch (DateTimeParseException e) {
            return Instant.EPOCH;
        }
    }

    /** A text field, "" when absent or null. */
    static String text(JsonNode node) {
        return node.isValueNode() && !node.isNull() ? node.asText() : "";
    }

    static Optional<Long> parseLong(String text) {
        try {
            return Optional.of(Long.parseLong(text.strip()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
