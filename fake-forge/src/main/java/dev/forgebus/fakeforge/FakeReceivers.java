package dev.forgebus.fakeforge;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * Fake Slack, Discord and plain webhook receivers for notification tests: one HTTP server on
 * 127.0.0.1 that records every POST by path and answers from a script per path ({@link #script}):
 * 200 by default, or the statuses given, in order, the last one repeated. A 429 carries what Slack
 * and Discord send (a {@code Retry-After} header and Discord's {@code {"retry_after": ...}} body);
 * {@link Reply#HUGE} answers 200 with a body of {@link #HUGE_BODY_BYTES} to check that a sender
 * reads a bounded part of it.
 */
public final class FakeReceivers implements AutoCloseable {

    /** Size of a {@link Reply#HUGE} answer's body. */
    public static final int HUGE_BODY_BYTES = 20 * 1024 * 1024;

    /** One scripted answer. */
    public enum Reply {
        OK(200), NO_CONTENT(204), RATE_LIMITED(429), SERVER_ERROR(500), NOT_FOUND(404), HUGE(200);

        final int status;

        Reply(int status) {
            this.status = status;
        }
    }

    /** One POST as received, and the status it was answered with. */
    public record Received(String path, Map<String, String> headers, String body, int answeredWith) {
        public boolean accepted() {
            return answeredWith >= 200 && answeredWith < 300;
        }

        /** A header by name, any letter case. */
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(4);
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Map<String, Deque<Reply>> scripts = new ConcurrentHashMap<>();
    private volatile String retryAfterSeconds = "1";

    private FakeReceivers(HttpServer server) {
        this.server = server;
    }

    public static FakeReceivers start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        FakeReceivers receivers = new FakeReceivers(server);
        server.createContext("/", receivers::handle);
        server.setExecutor(receivers.executor);
        server.start();
        return receivers;
    }

    /** {@code http://127.0.0.1:<port>/<path>}. */
    public URI url(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/" + path);
    }

    /** {@code path} answers {@code replies} in order, then the last one for ever. */
    public void script(String path, Reply... replies) {
        scripts.put("/" + path, new ArrayDeque<>(List.of(replies)));
    }

    /** The {@code Retry-After} (and Discord {@code retry_after}) a 429 carries, in seconds. */
    public void retryAfter(String seconds) {
        this.retryAfterSeconds = seconds;
    }

    /** Every POST to {@code path}, in arrival order. */
    public List<Received> received(String path) {
        return received.stream().filter(r -> r.path().equals("/" + path)).toList();
    }

    /** Every POST, to any path. */
    public List<Received> all() {
        return List.copyOf(received);
    }

    /** The POSTs to {@code path} answered with a 2xx: the messages the receiver took. */
    public List<Received> accepted(String path) {
        return received(path).stream().filter(Received::accepted).toList();
    }

    private Reply next(String path) {
        Deque<Reply> script = scripts.get(path);
        if (script == null) {
            return Reply.OK;
        }
        synchronized (script) {
            return script.size() > 1 ? script.pollFirst() : script.peekFirst();
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange; InputStream in = exchange.getRequestBody()) {
            String body = new String(in.readNBytes(1024 * 1024), StandardCharsets.UTF_8);
            Map<String, String> headers = new TreeMap<>();
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), String.join(",", v)));
            String path = exchange.getRequestURI().getPath();
            Reply reply = next(path);
            received.add(new Received(path, Map.copyOf(headers), body, reply.status));
            byte[] answer = switch (reply) {
                case RATE_LIMITED -> {
                    exchange.getResponseHeaders().add("Retry-After", retryAfterSeconds);
                    yield ("{\"message\":\"You are being rate limited.\",\"retry_after\":" + retryAfterSeconds
                            + ",\"global\":false}").getBytes(StandardCharsets.UTF_8);
                }
                case SERVER_ERROR -> "internal error".getBytes(StandardCharsets.UTF_8);
                case NOT_FOUND -> ("no_service: no webhook at " + path).getBytes(StandardCharsets.UTF_8);
                case NO_CONTENT -> new byte[0];
                case OK -> "ok".getBytes(StandardCharsets.UTF_8);
                case HUGE -> null;
            };
            if (reply == Reply.HUGE) {
                exchange.sendResponseHeaders(200, HUGE_BODY_BYTES);
                byte[] chunk = new byte[64 * 1024];
                java.util.Arrays.fill(chunk, (byte) 'x');
                try (OutputStream out = exchange.getResponseBody()) {
                    for (int sent = 0; sent < HUGE_BODY_BYTES; sent += chunk.length) {
                        out.write(chunk, 0, Math.min(chunk.length, HUGE_BODY_BYTES - sent));
                    }
                } catch (IOException closedByTheClient) {
                    // What a bounded reader does: it hangs up after what it wanted.
                }
                return;
            }
            exchange.sendResponseHeaders(reply.status, answer.length == 0 ? -1 : answer.length);
            if (answer.length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(answer);
                }
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
