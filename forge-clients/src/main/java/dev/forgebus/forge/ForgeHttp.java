package dev.forgebus.forge;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.forgebus.common.config.Secret;
import dev.forgebus.common.event.Json;

/**
 * The HTTP plumbing shared by the forge clients: one request through the {@link CallGate} of
 * its credential, its answer read by {@link ForgeResponses}. Every request is preceded by
 * {@link CallGate#acquire} and followed by exactly one {@link CallGate#observe}, also when it got
 * no answer (the gate may hold a concurrency permit until then).
 *
 * <p>The token, asked from the credential's {@link TokenSource} per request, is revealed in one
 * place, the {@code Authorization} header, and scrubbed from every message this class builds, in
 * case a forge or proxy echoes it.
 */
final class ForgeHttp {
    private static final Logger LOG = LoggerFactory.getLogger(ForgeHttp.class);
    private static final String USER_AGENT = "forgebus/0.1";
    private static final String MASK = "*****";
    private static final int OK = 200;
    private static final int NOT_MODIFIED = 304;

    /** One answer with a 2xx status. {@code body} is {@link MissingNode} when the answer had none. */
    record Answer(int status, HttpHeaders headers, JsonNode body) {
    }

    private final URI apiUrl;
    private final ForgeCredential credential;
    private final String authScheme;
    private final Map<String, String> headers;
    private final CallGate gate;
    private final ForgeTransport transport;
    private final EtagCache etags = new EtagCache();

    /**
     * @param apiUrl     the forge's REST base, without a trailing slash; paths are appended to it
     * @param authScheme {@code Bearer} (GitHub) or {@code token} (Forgejo, Gitea)
     * @param headers    sent with every request (Accept, API version)
     */
    ForgeHttp(URI apiUrl, ForgeCredential credential, String authScheme, Map<String, String> headers, CallGate gate,
              ForgeTransport transport) {
        String base = apiUrl.toString();
        this.apiUrl = URI.create(base.endsWith("/") ? base.substring(0, base.length() - 1) : base);
        this.credential = Objects.requireNonNull(credential, "credential");
        this.authScheme = Objects.requireNonNull(authScheme, "authScheme");
        this.headers = Map.copyOf(headers);
        this.gate = Objects.requireNonNull(gate, "gate");
        this.transport = Objects.requireNonNull(transport, "transport");
    }

    String credentialId() {
        return credential.id();
    }

    /** The absolute URI of a path (and query) below the API base. */
    URI resolve(String pathAndQuery) {
        return URI.create(apiUrl + pathAndQuery);
    }

    /** Whether {@code uri} is on the API's scheme, host and port: only there may the token go. */
    boolean isSameOrigin(URI uri) {
        return Objects.equals(uri.getScheme(), apiUrl.getScheme())
                && apiUrl.getHost() != null && apiUrl.getHost().equalsIgnoreCase(uri.getHost())
                && effectivePort(uri) == effectivePort(apiUrl);
    }

    Answer get(String pathAndQuery) throws ForgeCallException, InterruptedException {
        return send("GET", resolve(pathAndQuery), null);
    }

    Answer post(String path, Object body) throws ForgeCallException, InterruptedException {
        return send("POST", resolve(path), body);
    }

    /**
     * Sends one request and returns its 2xx answer, or throws the failure it means.
     *
     * <p>A GET whose earlier 200 answer carried an {@code ETag} goes out conditional
     * ({@code If-None-Match}); a {@code 304} is answered from the {@link EtagCache} (the cached
     * 200's status, headers and body) and reported to the gate as not billed, because GitHub does
     * not count it against the budget. Writes are announced to the gate as
     * {@link CallGate.CallKind#WRITE}, which GitHub budgets apart.
     *
     * @param body serialised as JSON; null sends no body
     */
    Answer send(String method, URI uri, Object body) throws ForgeCallException, InterruptedException {
        String route = method + " " + uri.getRawPath();
        // Before the gate: obtaining an App installation token may itself call the forge (with
        // the App's credential), and must not do so while holding this credential's permit.
        Optional<Secret> token = credential.tokens().current();
        boolean read = isRead(method);
        Optional<EtagCache.Entry> cached = read ? etags.get(uri) : Optional.empty();
        HttpRequest request = request(method, uri, body, token, cached);
        gate.acquire(credential.id(), read ? CallGate.CallKind.READ : CallGate.CallKind.WRITE);
        HttpResponse<String> response;
        boolean observed = false;
        try {
            response = transport.client().send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            Instant now = transport.clock().instant();
            int status = response.statusCode();
            LOG.debug("{} {} -> {}", credential.id(), route, status);
            if (status == NOT_MODIFIED && cached.isPresent()) {
                observed = true;
                gate.observe(credential.id(), ForgeResponses.observation(response.headers(), now).unbilled());
                return new Answer(OK, cached.get().headers(), json(route, OK, cached.get().body()));
            }
            Optional<ForgeCallException> failure = ForgeResponses.failure(route, status, response.headers(),
                    scrub(ForgeResponses.forgeMessage(response.body()), token), now);
            observed = true;
            gate.observe(credential.id(), ForgeResponses.observation(response.headers(), failure, now));
            if (failure.isPresent()) {
                throw failure.get();
            }
        } catch (IOException e) {
            throw ForgeResponses.noAnswer(route, e);
        } finally {
            if (!observed) {
                gate.observe(credential.id(), ForgeResponses.NOTHING_OBSERVED);
            }
        }
        if (read && response.statusCode() == OK) {
            etags.remember(uri, response.headers(), response.body());
        }
        return new Answer(response.statusCode(), response.headers(), json(route, response.statusCode(), response.body()));
    }

    /** A raw (not JSON) answer: at most the bytes asked for, and whether there were more. */
    record RawAnswer(int status, byte[] bytes, boolean cut) {
    }

    /**
     * A GET whose answer is not JSON (GitHub's raw media type), read to at most {@code maxBytes}:
     * a forge cannot make us hold more than that in memory. Failures, the gate and the token are
     * handled as in {@link #send}; no ETag caching (these are large and rare).
     */
    RawAnswer getRaw(String pathAndQuery, String accept, int maxBytes) throws ForgeCallException, InterruptedException {
        URI uri = resolve(pathAndQuery);
        String route = "GET " + uri.getRawPath();
        Optional<Secret> token = credential.tokens().current();
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri).timeout(transport.requestTimeout())
                .setHeader("User-Agent", USER_AGENT);
        headers.forEach(builder::setHeader);
        builder.setHeader("Accept", accept);
        token.ifPresent(t -> builder.setHeader("Authorization", authScheme + " " + t.reveal()));
        gate.acquire(credential.id(), CallGate.CallKind.READ);
        boolean observed = false;
        try {
            HttpResponse<java.io.InputStream> response = transport.client().send(builder.GET().build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            byte[] bytes;
            try (java.io.InputStream in = response.body()) {
                bytes = in.readNBytes(maxBytes + 1);
            }
            Instant now = transport.clock().instant();
            String message = new String(bytes, 0, Math.min(bytes.length, 4096), StandardCharsets.UTF_8);
            Optional<ForgeCallException> failure = ForgeResponses.failure(route, response.statusCode(), response.headers(),
                    scrub(ForgeResponses.forgeMessage(message), token), now);
            observed = true;
            gate.observe(credential.id(), ForgeResponses.observation(response.headers(), failure, now));
            if (failure.isPresent()) {
                throw failure.get();
            }
            boolean cut = bytes.length > maxBytes;
            return new RawAnswer(response.statusCode(), cut ? java.util.Arrays.copyOf(bytes, maxBytes) : bytes, cut);
        } catch (IOException e) {
            throw ForgeResponses.noAnswer(route, e);
        } finally {
            if (!observed) {
                gate.observe(credential.id(), ForgeResponses.NOTHING_OBSERVED);
            }
        }
    }

    private static boolean isRead(String method) {
        return method.equals("GET") || method.equals("HEAD");
    }

    private HttpRequest request(String method, URI uri, Object body, Optional<Secret> token,
                                Optional<EtagCache.Entry> cached) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri)
                .timeout(transport.requestTimeout())
                .header("User-Agent", USER_AGENT);
        headers.forEach(builder::header);
        token.ifPresent(t -> builder.header("Authorization", authScheme + " " + t.reveal()));
        cached.ifPresent(entry -> builder.header("If-None-Match", entry.etag()));
        if (body == null) {
            builder.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            builder.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofByteArray(Json.write(body)));
        }
        return builder.build();
    }

    private JsonNode json(String route, int status, String text) throws ForgeCallException {
        if (text == null || text.isBlank()) {
            return MissingNode.getInstance();
        }
        try {
            return Json.MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            // A 2xx that is not JSON comes from something between us and the forge (a captive
            // proxy, a maintenance page): the forge itself may answer properly later.
            throw ForgeCallException.transientFailure(status, route + ": " + status + " answer is not JSON");
        }
    }

    private static String scrub(String message, Optional<Secret> token) {
        return token.map(t -> t.scrubFrom(message)).orElse(message);
    }

    /** One path segment (owner, repository name) encoded for a URL path. */
    static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static int effectivePort(URI uri) {
        if (uri.getPort() != -1) {
            return uri.getPort();
        }
        return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }
}
