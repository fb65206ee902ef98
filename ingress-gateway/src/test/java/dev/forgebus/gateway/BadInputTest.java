package dev.forgebus.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.LoggerFactory;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.forgebus.broker.SharedTestBroker;

/**
 * Every kind of bad delivery gets its own clear answer, nothing unauthenticated reaches Kafka,
 * and no secret shows up in logs or metrics.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadInputTest {
    static final String OLD_GH = "old-gh-secret-0001";
    static final String NEW_GH = "new-gh-secret-0002";
    static final String FJ = "fj-secret-0003";
    static final String GT = "gt-secret-0004";
    static final String ORG = "org-secret-0005";
    static final List<String> ALL_SECRETS = List.of(OLD_GH, NEW_GH, FJ, GT, ORG);
    static final long MAX_BODY = 256 * 1024;

    private TestGateway gateway;
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();

    @BeforeAll
    void start() {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(ch.qos.logback.classic.Level.DEBUG);
        logs.start();
        root.addAppender(logs);
        gateway = new TestGateway(SharedTestBroker.bootstrapServers(), """
                forges:
                  gh: { type: github, api_url: "http://127.0.0.1:1", webhook_secret: [old-gh-secret-0001, new-gh-secret-0002] }
                  fj: { type: forgejo, api_url: "http://127.0.0.1:1/api/v1", webhook_secret: fj-secret-0003 }
                  gt: { type: gitea, api_url: "http://127.0.0.1:1/api/v1", webhook_secret: gt-secret-0004 }
                  nosecret: { type: github, api_url: "http://127.0.0.1:1" }
                  open: { type: gitea, api_url: "http://127.0.0.1:1/api/v1", insecure_no_signature: true }
                orgs:
                  SecureOrg: { forge: gh, webhook_secret: org-secret-0005 }
                """, MAX_BODY, Duration.ofSeconds(5));
    }

    @AfterAll
    void stop() {
        gateway.close();
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
    }

    static byte[] payload(String owner) {
        return ("{\"action\":\"opened\",\"issue\":{\"number\":1,\"title\":\"crash on start\"},"
                + "\"repository\":{\"name\":\"repo\",\"owner\":{\"login\":\"" + owner + "\"}}}").getBytes(StandardCharsets.UTF_8);
    }

    private HttpResponse<String> postGithub(String path, byte[] body, String signature) {
        return gateway.post(path, TestGateway.githubHeaders("issues", signature), body);
    }

    private static Map<String, String> forgejoHeaders(String signature) {
        Map<String, String> h = new HashMap<>();
        h.put("Content-Type", "application/json");
        h.put("X-Forgejo-Event", "issues");
        h.put("X-Forgejo-Delivery", UUID.randomUUID().toString());
        h.put("X-Forgejo-Signature", signature);
        return h;
    }

    @Nested
    class Signatures {
        @Test
        void POST_with_wrong_signature_gives_401() {
            var r = postGithub("/webhooks/gh", payload("SomeOrg"), Signing.github("not-the-secret", payload("SomeOrg")));
            assertThat(r.statusCode()).isEqualTo(401);
            assertThat(r.body()).contains("\"reason\":\"bad_signature\"");
        }

        @Test
        void POST_without_signature_gives_401() {
            var r = postGithub("/webhooks/gh", payload("SomeOrg"), null);
            assertThat(r.statusCode()).isEqualTo(401);
            assertThat(r.body()).contains("missing_signature");
        }

        @Test
        void POST_with_empty_signature_gives_401() {
            var r = postGithub("/webhooks/gh", payload("SomeOrg"), "");
            assertThat(r.statusCode()).isEqualTo(401);
            assertThat(r.body()).contains("missing_signature");
        }

        @Test
        void a_prefix_on_a_header_that_carries_bare_hex_gives_401() {
            byte[] body = payload("SomeOrg");
            var r = gateway.post("/webhooks/fj", forgejoHeaders("sha256=" + Signing.gitea(FJ, body)), body);
            assertThat(r.statusCode()).isEqualTo(401);
            assertThat(r.body()).contains("malformed_signature");
        }

        @Test
        void a_github_signature_without_its_prefix_gives_401() {
            byte[] body = payload("SomeOrg");
            var r = postGithub("/webhooks/gh", body, Signing.gitea(NEW_GH, body));
            assertThat(r.statusCode()).isEqualTo(401);
            assertThat(r.body()).contains("malformed_signature");
        }

        @Test
        void a_body_changed_after_signing_gives_401() {
            byte[] signed = payload("SomeOrg");
            byte[] changed = payload("EvilOrg");
            var r = postGithub("/webhooks/gh", changed, Signing.github(NEW_GH, signed));
            assertThat(r.statusCode()).isEqualTo(401);
        }

        @Test
        void both_secrets_of_a_rotation_verify() {
            byte[] body = payload("SomeOrg");
            assertThat(postGithub("/webhooks/gh", body, Signing.github(OLD_GH, body)).statusCode()).isEqualTo(202);
            assertThat(postGithub("/webhooks/gh", body, Signing.github(NEW_GH, body)).statusCode()).isEqualTo(202);
        }

        @Test
        void a_forge_without_secret_refuses_every_delivery() {
            byte[] body = payload("SomeOrg");
            var r = postGithub("/webhooks/nosecret", body, Signing.github("guess", body));
            assertThat(r.statusCode()).isEqualTo(401);
            assertThat(r.body()).contains("no_secret");
        }

        @Test
        void an_insecure_forge_accepts_unsigned_deliveries() {
            byte[] body = payload("SomeOrg");
            Map<String, String> h = new HashMap<>();
            h.put("Content-Type", "application/json");
            h.put("X-Gitea-Event", "issues");
            h.put("X-Gitea-Delivery", UUID.randomUUID().toString());
            h.put("X-Gitea-Signature", "");
            assertThat(gateway.post("/webhooks/open", h, body).statusCode()).isEqualTo(202);
        }
    }

    @Nested
    class OrgSecrets {
        @Test
        void an_org_with_its_own_secret_is_not_verified_by_the_forge_secret() {
            byte[] body = payload("SecureOrg");
            assertThat(postGithub("/webhooks/gh", body, Signing.github(NEW_GH, body)).statusCode()).isEqualTo(401);
        }

        @Test
        void an_org_secret_verifies_that_orgs_deliveries_case_insensitively() {
            byte[] body = payload("secureorg");
            assertThat(postGithub("/webhooks/gh", body, Signing.github(ORG, body)).statusCode()).isEqualTo(202);
            assertThat(postGithub("/webhooks/gh/SecureOrg", body, Signing.github(ORG, body)).statusCode()).isEqualTo(202);
        }

        @Test
        void an_org_secret_does_not_verify_another_orgs_deliveries() {
            byte[] body = payload("SomeOrg");
            assertThat(postGithub("/webhooks/gh", body, Signing.github(ORG, body)).statusCode()).isEqualTo(401);
        }

        @Test
        void a_url_org_that_differs_from_the_payload_owner_is_refused() {
            byte[] body = payload("SomeOrg");
            assertThat(postGithub("/webhooks/gh/SecureOrg", body, Signing.github(ORG, body)).statusCode()).isEqualTo(401);
        }
    }

    @Nested
    class Bodies {
        @Test
        void malformed_json_with_a_valid_signature_gives_400() {
            byte[] body = "{\"action\": \"opened\", ".getBytes(StandardCharsets.UTF_8);
            var r = postGithub("/webhooks/gh", body, Signing.github(NEW_GH, body));
            assertThat(r.statusCode()).isEqualTo(400);
            assertThat(r.body()).contains("malformed_body");
        }

        @Test
        void malformed_json_with_a_bad_signature_gives_401_and_says_nothing_of_the_body() {
            byte[] body = "{\"action\": ".getBytes(StandardCharsets.UTF_8);
            var r = postGithub("/webhooks/gh", body, Signing.github("wrong", body));
            assertThat(r.statusCode()).isEqualTo(401);
        }

        @Test
        void an_unknown_forge_gives_404() {
            byte[] body = payload("SomeOrg");
            assertThat(postGithub("/webhooks/nope", body, Signing.github(NEW_GH, body)).statusCode()).isEqualTo(404);
        }

        @Test
        void a_missing_event_header_gives_400() {
            byte[] body = payload("SomeOrg");
            Map<String, String> h = TestGateway.githubHeaders("issues", Signing.github(NEW_GH, body));
            h.remove("X-GitHub-Event");
            var r = gateway.post("/webhooks/gh", h, body);
            assertThat(r.statusCode()).isEqualTo(400);
            assertThat(r.body()).contains("missing_event");
        }

        @Test
        void a_body_declared_larger_than_the_limit_gives_413() {
            byte[] body = new byte[(int) MAX_BODY + 1];
            var r = postGithub("/webhooks/gh", body, Signing.github(NEW_GH, body));
            assertThat(r.statusCode()).isEqualTo(413);
            assertThat(r.body()).contains("too_large");
        }

        @Test
        void a_streamed_body_is_cut_off_at_the_limit_with_413() {
            // Chunked, with no Content-Length: the gateway must count while reading. The stream
            // would go on for 64 MiB; the answer comes after the limit (256 KiB) is passed.
            long endless = 64L * 1024 * 1024;
            InputStream stream = new InputStream() {
                long sent;

                @Override
                public int read() {
                    return sent++ < endless ? ' ' : -1;
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    if (sent >= endless) {
                        return -1;
                    }
                    int n = (int) Math.min(len, endless - sent);
                    java.util.Arrays.fill(b, off, off + n, (byte) ' ');
                    sent += n;
                    return n;
                }
            };
            HttpResponse<String> r;
            try {
                r = gateway.send("/webhooks/gh", TestGateway.githubHeaders("issues", "sha256=00"),
                        HttpRequest.BodyPublishers.ofInputStream(() -> stream));
            } catch (IllegalStateException e) {
                // The server may close the connection before the client finished sending.
                assertThat(e.getMessage()).containsAnyOf("closed", "reset", "Broken pipe", "EOF", "received no bytes");
                System.out.println("streamed body: connection closed by the server: " + e.getMessage());
                return;
            }
            assertThat(r.statusCode()).isEqualTo(413);
            assertThat(r.body()).contains("too_large");
        }

        @Test
        void a_gitea_form_delivery_is_verified_over_its_payload_field_and_stored_as_that_json() {
            byte[] json = payload("SomeOrg");
            byte[] form = ("payload=" + URLEncoder.encode(new String(json, StandardCharsets.UTF_8), StandardCharsets.UTF_8))
                    .getBytes(StandardCharsets.US_ASCII);
            String delivery = UUID.randomUUID().toString();
            Map<String, String> h = new HashMap<>();
            h.put("Content-Type", "application/x-www-form-urlencoded");
            h.put("X-Gitea-Event", "issues");
            h.put("X-Gitea-Delivery", delivery);
            h.put("X-Gitea-Signature", Signing.gitea(GT, json));

            assertThat(gateway.post("/webhooks/gt", h, form).statusCode()).isEqualTo(202);
            ConsumerRecord<String, byte[]> record = gateway.awaitRaw(delivery, Duration.ofSeconds(20));
            assertThat(record.value()).isEqualTo(json);
        }

        @Test
        void a_github_form_delivery_is_verified_over_the_body_as_sent() {
            byte[] json = payload("SomeOrg");
            byte[] form = ("payload=" + URLEncoder.encode(new String(json, StandardCharsets.UTF_8), StandardCharsets.UTF_8))
                    .getBytes(StandardCharsets.US_ASCII);
            Map<String, String> h = TestGateway.githubHeaders("issues", Signing.github(NEW_GH, form));
            h.put("Content-Type", "application/x-www-form-urlencoded");
            String delivery = h.get("X-GitHub-Delivery");

            assertThat(gateway.post("/webhooks/gh", h, form).statusCode()).isEqualTo(202);
            assertThat(gateway.awaitRaw(delivery, Duration.ofSeconds(20)).value()).isEqualTo(json);
        }

        @Test
        void a_delivery_without_id_gets_the_sha256_of_its_body() {
            byte[] body = payload("NoIdOrg");
            Map<String, String> h = TestGateway.githubHeaders("issues", Signing.github(NEW_GH, body));
            h.remove("X-GitHub-Delivery");
            var r = gateway.post("/webhooks/gh", h, body);
            assertThat(r.statusCode()).isEqualTo(202);
            String expected = "sha256:" + java.util.HexFormat.of().formatHex(sha256(body));
            assertThat(r.body()).contains(expected);
            assertThat(gateway.awaitRaw(expected, Duration.ofSeconds(20))).isNotNull();
        }
    }

    @Nested
    class Observability {
        @Test
        void metrics_count_by_forge_event_and_reason_and_never_show_a_secret() {
            byte[] body = payload("SomeOrg");
            postGithub("/webhooks/gh", body, Signing.github(NEW_GH, body));
            postGithub("/webhooks/gh", body, Signing.github("wrong", body));

            String metrics = gateway.get("/metrics").body();

            assertThat(metrics).containsPattern("forgebus_webhooks_accepted_total\\{[^}]*event=\"issues\"[^}]*forge=\"gh\"");
            assertThat(metrics).containsPattern("forgebus_webhooks_rejected_total\\{[^}]*forge=\"gh\"[^}]*reason=\"bad_signature\"");
            assertThat(metrics).contains("forgebus_gateway_produce_latency");
            ALL_SECRETS.forEach(s -> assertThat(metrics).doesNotContain(s));
        }

        @Test
        void no_secret_ever_reaches_the_logs() {
            // Drive every path once more, then read everything that was logged since start.
            byte[] body = payload("SecureOrg");
            postGithub("/webhooks/gh", body, Signing.github(ORG, body));
            postGithub("/webhooks/gh", body, Signing.github(NEW_GH, body));
            postGithub("/webhooks/nosecret", body, "sha256=00");

            assertThat(logs.list).isNotEmpty();
            for (ILoggingEvent event : List.copyOf(logs.list)) {
                String text = event.getFormattedMessage() + (event.getThrowableProxy() == null ? "" : event.getThrowableProxy().getMessage());
                ALL_SECRETS.forEach(s -> assertThat(text).doesNotContain(s));
            }
        }
    }

    private static byte[] sha256(byte[] body) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(body);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
