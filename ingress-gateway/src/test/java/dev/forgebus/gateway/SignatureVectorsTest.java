package dev.forgebus.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import dev.forgebus.broker.SharedTestBroker;

/**
 * Every published signature vector (GitHub docs, octokit, go-scm) through the HTTP endpoint:
 * the untouched body is accepted, the same body with one byte changed is refused.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SignatureVectorsTest {

    record Vector(int index, byte[] body, String secret, String header, String signature, String source) {
        String forgeId() {
            return "v" + index;
        }

        String forgeType() {
            return header.startsWith("X-Hub-Signature") ? "github" : "gitea";
        }

        boolean isJson() {
            return body.length > 0 && body[0] == '{';
        }

        @Override
        public String toString() {
            return header + " from " + source;
        }
    }

    private TestGateway gateway;

    static List<Vector> vectors() {
        List<Vector> out = new ArrayList<>();
        String index = resource("signature-vectors/vectors.tsv");
        int i = 0;
        for (String line : index.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] f = line.split("\t");
            out.add(new Vector(i++, bytes("signature-vectors/" + f[0]), f[1], f[2], f[3], f[4]));
        }
        return out;
    }

    @BeforeAll
    void startGateway() {
        StringBuilder yaml = new StringBuilder("forges:\n");
        for (Vector v : vectors()) {
            yaml.append("  ").append(v.forgeId()).append(": { type: ").append(v.forgeType())
                    .append(", api_url: \"http://127.0.0.1:1\", webhook_secret: \"").append(v.secret()).append("\" }\n");
        }
        gateway = new TestGateway(SharedTestBroker.bootstrapServers(), yaml.toString(), 1024 * 1024, Duration.ofSeconds(5));
    }

    @AfterAll
    void stopGateway() {
        gateway.close();
    }

    static Stream<Vector> allVectors() {
        return vectors().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("allVectors")
    void the_published_signature_verifies_through_the_endpoint(Vector v) {
        String delivery = UUID.randomUUID().toString();
        var response = gateway.post("/webhooks/" + v.forgeId(), headers(v, delivery), v.body());

        if (v.isJson()) {
            assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
            ConsumerRecord<String, byte[]> record = gateway.awaitRaw(delivery, Duration.ofSeconds(20));
            assertThat(record).isNotNull();
            assertThat(record.value()).isEqualTo(v.body());
        } else {
            // "Hello, World!" is signed correctly but is no JSON: authenticated, then refused as a bad body.
            assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
            assertThat(response.body()).contains("malformed_body");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("allVectors")
    void the_same_signature_over_a_changed_body_is_refused(Vector v) {
        byte[] changed = v.body().clone();
        changed[changed.length / 2] ^= 0x01;

        var response = gateway.post("/webhooks/" + v.forgeId(), headers(v, UUID.randomUUID().toString()), changed);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(401);
        assertThat(response.body()).contains("bad_signature");
    }

    private static Map<String, String> headers(Vector v, String delivery) {
        Map<String, String> h = new HashMap<>();
        h.put("Content-Type", "application/json");
        h.put(v.header(), v.signature());
        if (v.forgeType().equals("github")) {
            h.put("X-GitHub-Event", "push");
            h.put("X-GitHub-Delivery", delivery);
        } else {
            h.put("X-Gitea-Event", "pull_request");
            h.put("X-Gitea-Delivery", delivery);
        }
        return h;
    }

    static byte[] bytes(String path) {
        try (InputStream in = SignatureVectorsTest.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + path);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String resource(String path) {
        return new String(bytes(path), StandardCharsets.UTF_8);
    }
}
