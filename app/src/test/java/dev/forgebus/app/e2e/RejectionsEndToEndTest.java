package dev.forgebus.app.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.CopyOnWriteArrayList;

import com.fasterxml.jackson.databind.JsonNode;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import dev.forgebus.common.event.Json;
import dev.forgebus.fakeforge.FakeForge;

/**
 * Issue 14 item 6: a delivery the gateway refuses is kept on {@code forgebus.rejections} (reason,
 * forge, source address, time; never the body or the signature) and shown by {@code /admin/rejections}
 * and {@code /admin/deliveries/{id}}; a flood of refusals does not hold back accepted deliveries.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RejectionsEndToEndTest {
    private static final Duration WITHIN = Duration.ofSeconds(60);

    @TempDir
    static Path dir;
    private FakeForge github;
    private RunningForgebus forgebus;
    private int kafkaPort;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    void start() throws Exception {
        github = FakeForge.start(FakeForge.Flavor.GITHUB);
        kafkaPort = TriageEndToEndTest.freePort();
        forgebus = new RunningForgebus(RunningForgebus.config(github.apiUrl().toString(), kafkaPort, ""), dir.resolve("data"));
    }

    @AfterAll
    void stop() throws Exception {
        forgebus.close();
        github.close();
    }

    @Test
    void a_delivery_with_a_bad_signature_is_recorded_on_the_topic_and_shown_by_the_admin_api_without_body_or_signature()
            throws Exception {
        // Given a delivery signed with the wrong secret
        String delivery = RunningForgebus.newDelivery();
        byte[] body = RunningForgebus.issueOpened("app", 41, "SECRET-BODY-MARKER crash");

        // When it is posted
        HttpResponse<String> answer = forgebus.postGithub("issues", delivery, body, "not-the-secret");

        // Then it is refused, and the refusal is on the rejections topic
        assertThat(answer.statusCode()).isEqualTo(401);
        JsonNode onTopic = await().atMost(WITHIN).until(() -> rejectionOnTopic(delivery), r -> r != null);
        assertThat(onTopic.path("forge").asText()).isEqualTo("github");
        assertThat(onTopic.path("reason").asText()).isEqualTo("bad_signature");
        assertThat(onTopic.path("status").asInt()).isEqualTo(401);
        assertThat(onTopic.path("source").asText()).isEqualTo("127.0.0.1");
        assertThat(onTopic.path("event").asText()).isEqualTo("issues");
        assertThat(onTopic.path("time").asText()).isNotEmpty();
        assertThat(onTopic.toString()).doesNotContain("SECRET-BODY-MARKER").doesNotContain("sha256=");
        assertThat(fieldNames(onTopic)).containsExactlyInAnyOrder("time", "forge", "reason", "status", "source", "delivery", "event");

        // And in the admin API: the list, newest first, and the delivery's lookup
        await().atMost(WITHIN).until(() -> forgebus.adminJson("GET", "/admin/rejections?forge=github&limit=50", null)
                .path("rejections").toString().contains(delivery));
        JsonNode listed = forgebus.adminJson("GET", "/admin/rejections?forge=github&limit=50", null).path("rejections");
        assertThat(listed.get(0).path("delivery").asText()).isEqualTo(delivery);
        JsonNode lookup = forgebus.adminJson("GET", "/admin/deliveries/" + delivery, null);
        assertThat(lookup.path("rejections").get(0).path("reason").asText()).isEqualTo("bad_signature");
        assertThat(lookup.toString()).doesNotContain("SECRET-BODY-MARKER");
    }

    @Test
    void the_rejections_list_refuses_a_bad_limit_and_filters_by_forge() throws Exception {
        assertThat(forgebus.admin("GET", "/admin/rejections?limit=100000", null, RunningForgebus.ADMIN_TOKEN).statusCode())
                .isEqualTo(400);
        assertThat(forgebus.admin("GET", "/admin/rejections?since=yesterday", null, RunningForgebus.ADMIN_TOKEN).statusCode())
                .isEqualTo(400);
        assertThat(forgebus.admin("GET", "/admin/rejections", null, null).statusCode()).isEqualTo(401);
        assertThat(forgebus.adminJson("GET", "/admin/rejections?forge=nosuchforge", null).path("rejections").size()).isZero();
    }

    @Test
    void a_flood_of_refused_deliveries_does_not_hold_back_an_accepted_one() throws Exception {
        // Given 2,000 deliveries to an unknown forge and with bad signatures, sent as fast as the gateway
        // answers them, at most 100 at a time: under its max_in_flight (200), so that what is measured is
        // the rejection log, not the gateway's 503 for too many requests in flight
        Semaphore inFlight = new Semaphore(100);
        CountDownLatch halfway = new CountDownLatch(1);
        List<CompletableFuture<HttpResponse<Void>>> flood = new CopyOnWriteArrayList<>();
        Thread sender = Thread.ofVirtual().start(() -> {
            for (int i = 0; i < 2000; i++) {
                inFlight.acquireUninterruptibly();
                String forgeId = i % 2 == 0 ? "nosuchforge" : "github";
                CompletableFuture<HttpResponse<Void>> sent = http.sendAsync(HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + forgebus.port + "/webhooks/" + forgeId))
                        .header("Content-Type", "application/json").header("X-GitHub-Event", "issues")
                        .header("X-GitHub-Delivery", "flood-" + i).header("X-Hub-Signature-256", "sha256=" + "0".repeat(64))
                        .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.discarding());
                sent.whenComplete((answer, failure) -> inFlight.release());
                flood.add(sent);
                if (i == 1000) {
                    halfway.countDown();
                }
            }
        });
        assertThat(halfway.await(WITHIN.toSeconds(), TimeUnit.SECONDS)).isTrue();

        // When a correctly signed delivery arrives in the middle of it
        HttpResponse<String> accepted = forgebus.postGithub("issues", RunningForgebus.newDelivery(),
                RunningForgebus.issueOpened("app", 42, "flood"));

        // Then it is accepted (a gateway held back by the rejection log would answer 408 or 503 at its
        // request deadline), and every refusal was answered
        assertThat(accepted.statusCode()).isEqualTo(202);
        sender.join();
        List<Integer> statuses = new CopyOnWriteArrayList<>();
        for (CompletableFuture<HttpResponse<Void>> f : flood) {
            statuses.add(f.get().statusCode());
        }
        assertThat(statuses).allMatch(s -> s == 404 || s == 401 || s == 503);
        // The dropped-records counter is there to say how much of a flood the log sampled
        assertThat(forgebus.metrics()).contains("forgebus_rejections_dropped_total");
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** The record of {@code delivery} on forgebus.rejections, read from the beginning; null when not there (yet). */
    private JsonNode rejectionOnTopic(String delivery) {
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + kafkaPort), new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor("forgebus.rejections").stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    JsonNode json = Json.MAPPER.readTree(new String(r.value(), StandardCharsets.UTF_8));
                    if (json.path("delivery").asText().equals(delivery)) {
                        return json;
                    }
                }
            }
            return null;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
