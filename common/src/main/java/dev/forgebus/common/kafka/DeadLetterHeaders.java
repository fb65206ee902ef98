package dev.forgebus.common.kafka;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;


/**
 * Suffixes of the headers SPEC 5 adds to dead letters and replays; the full name is
 * {@code <topic_prefix>.<suffix>} ({@link TopicNames#header(String)}). Values are UTF-8 text:
 * numbers in decimal, instants in ISO-8601. Written by the workers and by dedup-streams.
 */
public final class DeadLetterHeaders {
    /** {@code TRANSIENT}, {@code RATE_LIMITED}, {@code PERMANENT}, {@code UNREADABLE} or an exception's simple name. */
    public static final String ERROR_CLASS = "error.class";
    /** The forge's message (never a secret). */
    public static final String ERROR_MESSAGE = "error.message";
    /** Attempts made, the first included. */
    public static final String ERROR_ATTEMPTS = "error.attempts";
    /** When the first attempt failed. */
    public static final String ERROR_FIRST_FAILED_AT = "error.first-failed-at";
    public static final String ORIGINAL_TOPIC = "original.topic";
    public static final String ORIGINAL_PARTITION = "original.partition";
    public static final String ORIGINAL_OFFSET = "original.offset";
    /** On an item in a retry topic: attempts made so far, the first included. */
    public static final String RETRY_ATTEMPT = "retry.attempt";
    /** On an item in a retry topic: when its first attempt failed (ISO-8601). */
    public static final String RETRY_FIRST_FAILED_AT = "retry.first-failed-at";
    /** On an item in a retry topic: when it may be attempted again (ISO-8601). */
    public static final String RETRY_DUE_AT = "retry.due-at";
    /** On a replayed work item: the id ({@code module:partition:offset}) of the dead letter it replays. */
    public static final String REPLAY_OF = "replay-of";
    /** On a replayed work item: how many times this item was replayed. */
    public static final String REPLAY_COUNT = "replay-count";

    private static final String ERROR_GROUP = "error.";
    private static final String ORIGINAL_GROUP = "original.";
    private static final String RETRY_GROUP = "retry.";

    private DeadLetterHeaders() {
    }

    /**
     * True for the headers a dead letter or a retry adds about its failure ({@code error.*},
     * {@code original.*}, {@code retry.*}): what a replay strips before the item goes back to work,
     * so a replayed item starts again at attempt 1.
     */
    public static boolean isFailureHeader(TopicNames topics, String headerName) {
        return headerName.startsWith(topics.header(ERROR_GROUP)) || headerName.startsWith(topics.header(ORIGINAL_GROUP))
                || isRetryHeader(topics, headerName);
    }

    /** True for the {@code retry.*} headers, which only items in retry topics carry. */
    public static boolean isRetryHeader(TopicNames topics, String headerName) {
        return headerName.startsWith(topics.header(RETRY_GROUP));
    }

    /** The last value of header {@code <prefix>.<suffix>} as text. */
    public static Optional<String> text(Headers headers, TopicNames topics, String suffix) {
        Header header = headers.lastHeader(topics.header(suffix));
        return header == null || header.value() == null
                ? Optional.empty()
                : Optional.of(new String(header.value(), StandardCharsets.UTF_8));
    }

    /** Replaces every header {@code <prefix>.<suffix>} with one of this value. */
    public static void put(Headers headers, TopicNames topics, String suffix, String value) {
        String name = topics.header(suffix);
        headers.remove(name);
        headers.add(name, value.getBytes(StandardCharsets.UTF_8));
    }

    /** {@code replay-count} of a record, 0 when it carries none or an unreadable one. */
    public static int replayCount(Headers headers, TopicNames topics) {
        return text(headers, topics, REPLAY_COUNT).map(DeadLetterHeaders::parseCount).orElse(0);
    }

    private static int parseCount(String value) {
        try {
            return Math.max(0, Integer.parseInt(value.trim()));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
