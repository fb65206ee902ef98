package dev.forgebus.common.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Suffixes of the headers every raw record carries (SPEC 5); the full name is
 * {@code <topic_prefix>.<suffix>}, see {@link TopicNames#header(String)}. {@code content-type}
 * is the one header without the prefix.
 *
 * <p>The gateway derives the facts that choose a secret or a credential (forge, delivery id, event,
 * action, owner, repository) once, from the verified bytes, and writes them here; later stages
 * read these headers and never derive them again from the payload, so every stage acts for the
 * owner whose secret verified the delivery.
 */
public final class RawRecordHeaders {
    public static final String FORGE = "forge";
    public static final String FORGE_TYPE = "forge-type";
    public static final String DELIVERY_ID = "delivery-id";
    public static final String EVENT = "event";
    public static final String RECEIVED_AT = "received-at";
    /** The payload's {@code action}, "" when it has none (push). */
    public static final String ACTION = "action";
    /** The repository owner (or the org of an org-level event), "" when the payload names none. */
    public static final String OWNER = "owner";
    /** The repository name, "" for org-level events. */
    public static final String REPO = "repo";
    /** The sender's login, "" when the payload names none. */
    public static final String SENDER = "sender";
    public static final String CONTENT_TYPE = "content-type";

    private RawRecordHeaders() {
    }

    /**
     * The headers of one raw record: what every writer of {@code raw} (the gateway, the scheduler)
     * puts there, written in one place so that dedup's reader never meets a writer's variant.
     * Facts a record does not have are "" (never absent).
     */
    public record Values(String forge, String forgeType, String deliveryId, String event, String action, String owner,
                         String repo, String sender, Instant receivedAt, String contentType) {

        public Headers toHeaders(TopicNames topics) {
            RecordHeaders h = new RecordHeaders();
            h.add(topics.header(FORGE), utf8(forge));
            h.add(topics.header(FORGE_TYPE), utf8(forgeType));
            h.add(topics.header(DELIVERY_ID), utf8(deliveryId));
            h.add(topics.header(EVENT), utf8(event));
            h.add(topics.header(ACTION), utf8(action));
            h.add(topics.header(OWNER), utf8(owner));
            h.add(topics.header(REPO), utf8(repo));
            h.add(topics.header(SENDER), utf8(sender));
            h.add(topics.header(RECEIVED_AT), utf8(receivedAt.toString()));
            h.add(CONTENT_TYPE, utf8(contentType));
            return h;
        }

        private static byte[] utf8(String s) {
            return s.getBytes(StandardCharsets.UTF_8);
        }
    }
}
