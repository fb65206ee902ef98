package dev.forgebus.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import dev.forgebus.broker.EmbeddedKafkaBroker;
import dev.forgebus.broker.SharedTestBroker;

/**
 * Slow, many and wrong-method senders against the real server over loopback: raw sockets play
 * the slow clients, so the bytes arrive exactly as slowly as the test says.
 */
class HttpLimitsTest {
    private static final String SECRET = "limits-secret";
    private static final String FORGES = """
            forges:
              gh: { type: github, api_url: "http://127.0.0.1:1", webhook_secret: limits-secret }
            """;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;

    @Test
    @Timeout(60)
    void three_hundred_trickling_bodies_delay_neither_a_signed_delivery_nor_ready_by_a_second() throws Exception {
        // Given a gateway that has delivered once (the producer knows its topic), whose limits
        // let the slow bodies below live for the whole test, and 300 connections that sent their
        // headers and now trickle their bodies a byte at a time
        try (TestGateway gateway = new TestGateway(SharedTestBroker.bootstrapServers(), FORGES,
                "port: 0, request_timeout: 30s, min_data_rate: 0", Duration.ofSeconds(5), List.of())) {
            byte[] body = BadInputTest.payload("SlowOrg");
            assertThat(gateway.post("/webhooks/gh", TestGateway.githubHeaders("issues", Signing.github(SECRET, body)), body)
                    .statusCode()).isEqualTo(202);
            Tricklers slow = Tricklers.open(gateway.port(), 300, "/webhooks/gh", 100);
            slow.startTrickling(Duration.ofMillis(200), 50);

            // When legitimate signed deliveries and readiness probes arrive, one after the other
            List<Duration> deliveries = new ArrayList<>();
            List<Duration> readies = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                long start = System.nanoTime();
                HttpResponse<String> delivery = gateway.post("/webhooks/gh", TestGateway.githubHeaders("issues", Signing.github(SECRET, body)), body);
                deliveries.add(Duration.ofNanos(System.nanoTime() - start));
                assertThat(delivery.statusCode()).as(delivery.body()).isEqualTo(202);
                start = System.nanoTime();
                HttpResponse<String> ready = gateway.get("/ready");
                readies.add(Duration.ofNanos(System.nanoTime() - start));
                assertThat(ready.statusCode()).isEqualTo(200);
            }

            // Then each is answered within a second, while the slow bodies are still arriving
            assertThat(deliveries).allSatisfy(d -> assertThat(d).isLessThan(Duration.ofSeconds(1)));
            assertThat(readies).allSatisfy(d -> assertThat(d).isLessThan(Duration.ofSeconds(1)));
            assertThat(slow.stillOpen()).as("the slow bodies were not simply cut off first").isEqualTo(300);
            slow.close();
        }
    }

    @Test
    @Timeout(60)
    void a_trickling_body_is_cut_off_with_408_at_the_request_deadline_and_counted() throws Exception {
        // Given a 2 s request deadline and no minimum data rate
        try (TestGateway gateway = new TestGateway(SharedTestBroker.bootstrapServers(), FORGES,
                "port: 0, request_timeout: 2s, min_data_rate: 0", Duration.ofSeconds(5), List.of());
             Tricklers slow = Tricklers.open(gateway.port(), 1, "/webhooks/gh", 1000)) {
            long start = System.nanoTime();

            // When its body trickles a byte every 200 ms (it would take 200 s)
            slow.startTrickling(Duration.ofMillis(200), 1000);

            // Then the answer is 408 at the deadline and the connection is closed
            String answer = slow.readAnswer(0, Duration.ofSeconds(10));
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertThat(answer).startsWith("HTTP/1.1 408").contains("\"reason\":\"timeout\"");
            assertThat(took).isBetween(Duration.ofMillis(1800), Duration.ofMillis(4000));
            assertThat(gateway.get("/metrics").body()).contains("forgebus_webhooks_rejected_total{forge=\"gh\",reason=\"timeout\"} 1.0");
        }
    }

    @Test
    @Timeout(60)
    void a_body_slower_than_the_minimum_data_rate_is_cut_off_after_the_grace_period() throws Exception {
        // Given a generous deadline but a minimum of 1 KiB/s
        try (TestGateway gateway = new TestGateway(SharedTestBroker.bootstrapServers(), FORGES,
                "port: 0, request_timeout: 30s, min_data_rate: 1024", Duration.ofSeconds(5), List.of());
             Tricklers slow = Tricklers.open(gateway.port(), 1, "/webhooks/gh", 100_000)) {
            long start = System.nanoTime();

            // When its body arrives at about 50 bytes/s
            slow.startTrickling(Duration.ofMillis(20), 10_000);

            // Then it is cut off soon after the 2 s grace period, long before the deadline
            String answer = slow.readAnswer(0, Duration.ofSeconds(10));
            assertThat(answer).startsWith("HTTP/1.1 408").contains("\"reason\":\"too_slow\"");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        }
    }

    @Test
    @Timeout(90)
    void beyond_max_in_flight_a_delivery_is_refused_503_overloaded_at_once() throws Exception {
        // Given a gateway allowing one delivery in flight, whose broker is down so that a delivery waits 4 s
        EmbeddedKafkaBroker broker = SharedTestBroker.startPrivate(dir.resolve("kafka"));
        try (TestGateway gateway = new TestGateway(broker.bootstrapServers(), FORGES, "port: 0, max_in_flight: 1",
                Duration.ofSeconds(4), List.of())) {
            broker.close();
            byte[] body = BadInputTest.payload("BusyOrg");
            CompletableFuture<HttpResponse<String>> waiting = CompletableFuture.supplyAsync(() ->
                    gateway.post("/webhooks/gh", TestGateway.githubHeaders("issues", Signing.github(SECRET, body)), body));

            // When more deliveries arrive while it waits
            List<HttpResponse<String>> refused = new ArrayList<>();
            await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(50)).until(() -> {
                long start = System.nanoTime();
                HttpResponse<String> r = gateway.post("/webhooks/gh", TestGateway.githubHeaders("issues", Signing.github(SECRET, body)), body);
                if (r.statusCode() == 503 && r.body().contains("overloaded")) {
                    assertThat(Duration.ofNanos(System.nanoTime() - start)).as("answered at once").isLessThan(Duration.ofMillis(500));
                    refused.add(r);
                }
                return !refused.isEmpty();
            });

            // Then they are refused at once with Retry-After, and counted
            assertThat(refused.get(0).headers().firstValue("Retry-After")).contains("1");
            assertThat(waiting.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(503);
            assertThat(gateway.get("/metrics").body()).contains("forgebus_webhooks_rejected_total{forge=\"gh\",reason=\"overloaded\"}");
        } finally {
            broker.close();
        }
    }

    @Test
    void other_methods_on_the_webhook_url_get_405_with_allow_post() throws Exception {
        try (TestGateway gateway = new TestGateway(SharedTestBroker.bootstrapServers(), FORGES, "port: 0", Duration.ofSeconds(5), List.of())) {
            for (String method : List.of("GET", "PUT", "PATCH", "DELETE")) {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.port() + "/webhooks/gh/SomeOrg"))
                        .method(method, HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());

                assertThat(r.statusCode()).as(method).isEqualTo(405);
                assertThat(r.headers().firstValue("Allow")).contains("POST");
                assertThat(r.body()).contains("\"reason\":\"method_not_allowed\"");
            }
        }
    }

    /** Raw sockets that sent the headers of a POST and trickle its body, one byte per tick, for a bounded number of ticks. */
    private static final class Tricklers implements AutoCloseable {
        private final List<Socket> sockets;
        private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
        private final AtomicInteger open = new AtomicInteger();

        private Tricklers(List<Socket> sockets) {
            this.sockets = sockets;
            open.set(sockets.size());
        }

        static Tricklers open(int port, int count, String path, int contentLength) throws IOException {
            List<Socket> sockets = new ArrayList<>();
            String head = "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "X-GitHub-Event: issues\r\nX-GitHub-Delivery: slow\r\nContent-Length: " + contentLength + "\r\n\r\n{";
            for (int i = 0; i < count; i++) {
                Socket s = new Socket("127.0.0.1", port);
                s.setSoTimeout(10_000);
                s.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().flush();
                sockets.add(s);
            }
            return new Tricklers(sockets);
        }

        /** Sends one more body byte on every open socket each {@code every}, at most {@code ticks} times. */
        void startTrickling(Duration every, int ticks) {
            AtomicInteger left = new AtomicInteger(ticks);
            ticker.scheduleAtFixedRate(() -> {
                if (left.decrementAndGet() < 0) {
                    ticker.shutdown();
                    return;
                }
                int stillOpen = 0;
                for (Socket s : sockets) {
                    try {
                        OutputStream out = s.getOutputStream();
                        out.write(' ');
                        out.flush();
                        stillOpen++;
                    } catch (IOException e) {
                        // cut off by the server
                    }
                }
                open.set(stillOpen);
            }, 0, every.toMillis(), TimeUnit.MILLISECONDS);
        }

        int openCount() {
            return sockets.size();
        }

        int stillOpen() {
            return open.get();
        }

        /** Everything the server wrote on socket {@code i} until it closed the connection. */
        String readAnswer(int i, Duration within) throws IOException {
            Socket s = sockets.get(i);
            s.setSoTimeout((int) within.toMillis());
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }

        @Override
        public void close() {
            ticker.shutdownNow();
            for (Socket s : sockets) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // closing
                }
            }
        }
    }
}
