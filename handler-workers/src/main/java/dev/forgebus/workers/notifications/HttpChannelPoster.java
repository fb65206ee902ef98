package dev.forgebus.workers.notifications;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@link ChannelPoster} over {@code java.net.http}: a connect timeout, a request timeout, no
 * redirects (a receiver that moves is told to us as a 3xx, not followed to wherever it points) and
 * at most {@link #MAX_BODY_BYTES} of an answer read, the rest dropped with the connection: a
 * receiver answering a gigabyte costs us 64 KiB.
 */
final class HttpChannelPoster implements ChannelPoster {

    static final int MAX_BODY_BYTES = 64 * 1024;
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    private static final List<String> KEPT_HEADERS = List.of("retry-after", "x-ratelimit-remaining", "x-ratelimit-reset-after",
            "x-ratelimit-global", "x-ratelimit-scope");

    private final HttpClient http;

    HttpChannelPoster() {
        this.http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    @Override
    public ReceiverAnswer post(URI url, Map<String, String> headers, byte[] body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(url).timeout(REQUEST_TIMEOUT)
                .header("Content-Type", "application/json").header("User-Agent", "Forgebus-Notifications");
        headers.forEach(request::header);
        HttpResponse<InputStream> response = http.send(request.POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        byte[] start;
        try (InputStream in = response.body()) {
            // Closing after the first bytes drops the rest of the answer without reading it.
            start = in.readNBytes(MAX_BODY_BYTES);
        }
        Map<String, String> kept = new HashMap<>();
        for (String name : KEPT_HEADERS) {
            response.headers().firstValue(name).ifPresent(v -> kept.put(name.toLowerCase(Locale.ROOT), v));
        }
        return new ReceiverAnswer(response.statusCode(), kept, start);
    }
}
