package dev.forgebus.common.kafka;

/**
 * Suffixes of the headers every raw record carries (SPEC 5); the full name is
 * {@code <topic_prefix>.<suffix>}, see {@link TopicNames#header(String)}. {@code content-type}
 * is the one header without the prefix.
 */
public final class RawRecordHeaders {
    public static final String FORGE = "forge";
    public static final String FORGE_TYPE = "forge-type";
    public static final String DELIVERY_ID = "delivery-id";
    public static final String EVENT = "event";
    public static final String RECEIVED_AT = "received-at";
    public static final String CONTENT_TYPE = "content-type";

    private RawRecordHeaders() {
    }
}
