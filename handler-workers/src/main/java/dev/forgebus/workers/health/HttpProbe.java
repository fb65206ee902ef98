package dev.forgebus.workers.health;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

import dev.forgebus.common.config.HealthProbe;
import dev.forgebus.common.config.HealthProbe.FollowRedirects;

/**
 * One GET of a probe's URL. Redirects are followed by hand, at most {@value #MAX_REDIRECTS} times,
 * as the probe's {@code follow_redirects} allows: by default only to the same scheme, host and port,
 * so a target that answers "go to another host" is down and a compromised or misconfigured endpoint
 * cannot point the monitor elsewhere; {@code any} follows everywhere, {@code none} nowhere. Each hop
 * is checked before its request is sent. At most
 * {@value #MAX_BODY_BYTES} bytes of the body are read (enough for a health document), so a huge or
 * endless answer costs nothing; {@code expect_body_contains} is looked for in those bytes.
 * Private addresses are allowed: the URL is the operator's config.
 */
public final class HttpProbe {
    static final int MAX_REDIRECTS = 5;
    static final int MAX_BODY_BYTES = 64 * 1024;

    private final HttpClient http;

    public HttpProbe() {
        this(HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(10)).build());
    }

    HttpProbe(HttpClient http) {
        this.http = http;
    }

    /** Probes {@code probe} once; every failure (refused, timeout, wrong status or body) is a down outcome, never thrown. */
    public ProbeOutcome probe(HealthProbe probe) throws InterruptedException {
        long deadline = System.nanoTime() + probe.timeout().toNanos();
        URI url = probe.url();
        try {
            for (int hop = 0; ; hop++) {
                Duration left = Duration.ofNanos(deadline - System.nanoTime());
                if (left.isNegative() || left.isZero()) {
                    return ProbeOutcome.down("no answer within " + probe.timeout().toMillis() + " ms");
                }
                HttpRequest request = HttpRequest.newBuilder(url).timeout(left).header("User-Agent", "forgebus-health-monitor")
                        .GET().build();
                HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
                int status = response.statusCode();
                if (status / 100 == 3 && status != probe.expectStatus()) {
                    response.body().close();
                    if (probe.followRedirects() == FollowRedirects.NONE) {
                        return ProbeOutcome.down("status " + status + " is a redirect, not followed (follow_redirects: none)");
                    }
                    Optional<URI> next = response.headers().firstValue("Location").map(url::resolve);
                    if (next.isEmpty()) {
                        return ProbeOutcome.down("status " + status + " without a Location to follow");
                    }
                    if (probe.followRedirects() == FollowRedirects.SAME_HOST && !sameOrigin(url, next.get())) {
                        return ProbeOutcome.down("status " + status + " redirects to another host, not followed");
                    }
                    if (!isHttp(next.get())) {
                        return ProbeOutcome.down("status " + status + " redirects to a URL that is not http(s), not followed");
                    }
                    if (hop >= MAX_REDIRECTS) {
                        return ProbeOutcome.down("more than " + MAX_REDIRECTS + " redirects");
                    }
                    url = next.get();
                    continue;
                }
                String body;
                try (InputStream in = response.body()) {
                    body = new String(in.readNBytes(MAX_BODY_BYTES), StandardCharsets.UTF_8);
                }
                if (status != probe.expectStatus()) {
                    return ProbeOutcome.down("status " + status + ", expected " + probe.expectStatus());
                }
                if (probe.expectBodyContains().isPresent() && !body.contains(probe.expectBodyContains().get())) {
                    return ProbeOutcome.down("status " + status + " but the body (first " + MAX_BODY_BYTES
                            + " bytes) does not contain the expected text");
                }
                return ProbeOutcome.up("status " + status);
            }
        } catch (HttpTimeoutException e) {
            return ProbeOutcome.down("no answer within " + probe.timeout().toMillis() + " ms");
        } catch (IOException e) {
            return ProbeOutcome.down("cannot connect: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + firstLine(e.getMessage())));
        } catch (IllegalArgumentException e) {
            return ProbeOutcome.down("redirect to an unusable URL");
        }
    }

    static boolean sameOrigin(URI a, URI b) {
        return a.getScheme() != null && a.getScheme().equalsIgnoreCase(String.valueOf(b.getScheme()))
                && a.getHost() != null && b.getHost() != null
                && a.getHost().toLowerCase(Locale.ROOT).equals(b.getHost().toLowerCase(Locale.ROOT))
                && port(a) == port(b);
    }

    private static boolean isHttp(URI u) {
        return ("http".equalsIgnoreCase(u.getScheme()) || "https".equalsIgnoreCase(u.getScheme())) && u.getHost() != null;
    }

    private static int port(URI u) {
        return u.getPort() != -1 ? u.getPort() : "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
    }

    private static String firstLine(String text) {
        String line = text.lines().findFirst().orElse("");
        return line.length() > 200 ? line.substring(0, 200) : line;
    }
}
