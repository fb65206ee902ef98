package dev.forgebus.fakeforge;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The REST dialect of one flavour: its routes (paths after the flavour's prefix) and its error
 * body shape. Implementations read and change {@link ForgeState} only.
 */
sealed interface ForgeApi permits GitHubApi, ForgejoApi {

    /** Answers a request whose path has the flavour's prefix removed. */
    Reply handle(RecordedRequest request, String path);

    /** The forge's error body for {@code status} with {@code message}. */
    Reply error(int status, String message);

    /** Whether an {@code Authorization} value carries {@code token} in a scheme this forge accepts. */
    default boolean authorizes(String authorization, String token) {
        return authorization != null
                && (authorization.equals("Bearer " + token) || authorization.equals("token " + token));
    }

    /** {@code a=1&b=2} to a map (last value wins); malformed pairs are skipped. */
    static Map<String, String> queryParameters(String query) {
        Map<String, String> parameters = new LinkedHashMap<>();
        if (query == null || query.isEmpty()) {
            return parameters;
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                parameters.put(decode(pair.substring(0, eq)), decode(pair.substring(eq + 1)));
            }
        }
        return parameters;
    }

    static String decode(String text) {
        return URLDecoder.decode(text, StandardCharsets.UTF_8);
    }

    /** A positive integer parameter, else {@code fallback}. */
    static int positive(Map<String, String> parameters, String name, int fallback) {
        try {
            int value = Integer.parseInt(parameters.getOrDefault(name, ""));
            return value > 0 ? value : fallback;
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    /** Page {@code page} (1-based) of {@code size} items. */
    static <T> List<T> page(List<T> all, int page, int size) {
        long from = (long) (page - 1) * size;
        if (from >= all.size()) {
            return List.of();
        }
        return all.subList((int) from, (int) Math.min(all.size(), from + size));
    }

    /** An RFC 8288 {@code Link} header with next/last (and prev/first) relations, as both forges send. */
    static String linkHeader(String url, String sizeParameter, int size, int page, int total) {
        int last = Math.max(1, (total + size - 1) / size);
        StringBuilder link = new StringBuilder();
        if (page < last) {
            append(link, url, sizeParameter, size, page + 1, "next");
            append(link, url, sizeParameter, size, last, "last");
        }
        if (page > 1) {
            append(link, url, sizeParameter, size, 1, "first");
            append(link, url, sizeParameter, size, Math.min(page - 1, last), "prev");
        }
        return link.toString();
    }

    private static void append(StringBuilder link, String url, String sizeParameter, int size, int page, String rel) {
        if (!link.isEmpty()) {
            link.append(", ");
        }
        link.append('<').append(url).append('?').append(sizeParameter).append('=').append(size)
                .append("&page=").append(page).append(">; rel=\"").append(rel).append('"');
    }
}
