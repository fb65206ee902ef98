package dev.forgebus.dedup;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TopologyTestDriver;

import com.fasterxml.jackson.databind.JsonNode;

import dev.forgebus.common.config.ConfigException;
import dev.forgebus.common.config.ConfigLoader;
import dev.forgebus.common.config.ForgebusConfig;
import dev.forgebus.common.event.EventEnvelope;
import dev.forgebus.common.event.Json;
import dev.forgebus.common.kafka.RawRecordHeaders;
import dev.forgebus.common.kafka.TopicNames;

/** The test config and webhook deliveries as the gateway writes them to the raw topic. */
final class Deliveries {

    private Deliveries() {
    }

    /**
     * Org MyOrg on forge {@code gh}: triage on {@code app} and disabled on {@code quiet}; auto-merge
     * on {@code app}; release, dependency triggers and a mirror (primary here) on {@code lib}; a
     * mirror whose primary is on forge {@code cb} for {@code tools}.
     */
    static ForgebusConfig config(String topicPrefix) {
        return config(topicPrefix, 26_214_400L);
    }

    /** As {@link #config(String)} with {@code server.max_body_bytes}. */
    static ForgebusConfig config(String topicPrefix, long maxBodyBytes) {
        try {
            return ConfigLoader.parse("""
                    server: { max_body_bytes: %d }
                    kafka: { topic_prefix: %s, partitions: 2 }
                    dedup: { retention: 1h }
                    forges:
                      gh: { type: github, webhook_secret: test-secret }
                      cb: { type: forgejo, api_url: "https://codeberg.example/api/v1", webhook_secret: test-secret }
                    orgs:
                      MyOrg:
                        forge: gh
                        repositories:
                          app:
                            auto_triage: { add_needs_triage_label: true }
                            auto_merge: { required_checks: [test] }
                          quiet:
                            auto_triage: { enabled: false }
                          lib:
                            release: { trigger: both }
                            dependency_triggers: { on: release, downstream: ["MyOrg/app"] }
                            mirror: { mirror: "cb:MyOrg/lib" }
                          tools:
                            mirror: { primary_forge: cb, mirror: "gh:MyOrg/tools" }
                            dependency_triggers: { on: tag_push, downstream: ["MyOrg/app"] }
                    """.formatted(maxBodyBytes, topicPrefix), "test.yml", name -> null);
        } catch (ConfigException e) {
            throw new IllegalStateException(e);
        }
    }

    static byte[] issue(String action, String owner, String repo, String title) {
        return json("""
                {"action":"%s","issue":{"number":7,"title":"%s","labels":[]},
                 "repository":{"name":"%s","full_name":"%s/%s","owner":{"login":"%s"}},
                 "sender":{"login":"octocat"}}""".formatted(action, title, repo, owner, repo, owner));
    }

    static byte[] pullRequest(String action, String owner, String repo, boolean merged) {
        return json("""
                {"action":"%s","number":3,"pull_request":{"number":3,"merged":%s,"labels":[]},
                 "repository":{"name":"%s","owner":{"login":"%s"}},"sender":{"login":"octocat"}}"""
                .formatted(action, merged, repo, owner));
    }

    static byte[] push(String ref, String owner, String repo, boolean deleted) {
        return json("""
                {"ref":"%s","before":"1111111111111111111111111111111111111111","after":"%s","deleted":%s,
                 "repository":{"name":"%s","owner":{"login":"%s","username":"%s"}},"sender":{"username":"gitea-user"}}"""
                .formatted(ref, deleted ? "0".repeat(40) : "2".repeat(40), deleted, repo, owner, owner));
    }

    /** A {@code create} event as GitHub and Gitea send it: the short ref name and its type. */
    static byte[] create(String refType, String ref, String owner, String repo) {
        return json("""
                {"ref":"%s","ref_type":"%s","master_branch":"main",
                 "repository":{"name":"%s","owner":{"login":"%s","username":"%s"}},"sender":{"login":"octocat"}}"""
                .formatted(ref, refType, repo, owner, owner));
    }

    static byte[] release(String action, String owner, String repo) {
        return json("""
                {"action":"%s","release":{"tag_name":"v1.2.0"},
                 "repository":{"name":"%s","owner":{"login":"%s"}},"sender":{"login":"octocat"}}"""
                .formatted(action, repo, owner));
    }

    /**
     * The headers the gateway writes on a raw record; the facts (owner, repo, action, sender) are
     * taken from {@code body} by the gateway's rule (repository owner, else organization).
     */
    static Headers headers(TopicNames topics, String forge, String forgeType, String deliveryId, String event, Instant receivedAt,
                           byte[] body) {
        JsonNode payload;
        try {
            payload = Json.MAPPER.readTree(body);
        } catch (java.io.IOException e) {
            payload = Json.MAPPER.createObjectNode();
        }
        JsonNode repository = payload.path("repository");
        String owner = login(repository.isObject() ? repository.path("owner") : payload.path("organization"));
        return new RawRecordHeaders.Values(forge, forgeType, deliveryId, event, payload.path("action").asText(""), owner,
                repository.path("name").asText(""), login(payload.path("sender")), receivedAt, "application/json").toHeaders(topics);
    }

    /** An envelope as dedup builds it, for router tests. */
    static EventEnvelope envelope(String forge, String event, byte[] payload) {
        try {
            var node = Json.MAPPER.readTree(payload);
            var repository = node.path("repository");
            return new EventEnvelope(forge, forge.equals("gh") ? "github" : "forgejo", "d-1", event,
                    node.path("action").asText(""), repository.path("owner").path("login").asText(""),
                    repository.path("name").asText(""), "octocat", Instant.EPOCH, null, node);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * A {@link TopologyTestDriver} over the topology in {@code builder}: the production function
     * under test, with its persistent store in {@code stateDir} and the wall clock at {@code start}.
     */
    static TopologyTestDriver driver(StreamsBuilder builder, String applicationId, java.nio.file.Path stateDir, Instant start) {
        java.util.Properties props = new java.util.Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        return new TopologyTestDriver(builder.build(), props, start);
    }

    private static String login(JsonNode user) {
        String login = user.path("login").asText("");
        return login.isEmpty() ? user.path("username").asText("") : login;
    }

    private static byte[] json(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
