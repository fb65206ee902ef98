package dev.forgebus.fakeforge;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * ETags and conditional GETs as both forges do them: a GET answered 200 carries
 * {@code ETag: "<sha-256 of the body>"}; a GET whose {@code If-None-Match} names that tag is
 * answered {@code 304 Not Modified} with no body.
 */
final class ConditionalGets {

    private ConditionalGets() {
    }

    /** The tagged answer, or a 304 when the request already holds the tag. Non-GET and non-200 answers pass unchanged. */
    static Reply apply(RecordedRequest request, Reply reply) {
        if (!request.method().equals("GET") || reply.status() != 200) {
            return reply;
        }
        String etag = etagOf(reply.body());
        Reply tagged = reply.withHeaders(Map.of("ETag", etag));
        if (!matches(request.header("If-None-Match").orElse(null), etag)) {
            return tagged;
        }
        Map<String, String> headers = new LinkedHashMap<>(tagged.headers());
        headers.remove("Link");
        return new Reply(304, headers, "");
    }

    /** Whether an answer is the 304 of {@link #apply}. */
    static boolean isNotModified(Reply reply) {
        return reply.status() == 304;
    }

    static String etagOf(String body) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(body.getBytes(StandardCharsets.UTF_8));
            return "\"" + HexFormat.of().formatHex(digest, 0, 16) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** {@code If-None-Match}: {@code *} or a list of tags, weak ({@code W/}) ones compared weakly (RFC 9110 13.1.2). */
    private static boolean matches(String ifNoneMatch, String etag) {
        if (ifNoneMatch == null || ifNoneMatch.isBlank()) {
            return false;
        }
        for (String candidate : ifNoneMatch.split(",")) {
            String tag = candidate.strip();
            if (tag.equals("*") || tag.replaceFirst("^W/", "").equals(etag)) {
                return true;
            }
        }
        return false;
    }
}
