package dev.forgebus.common.kafka;

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
}
