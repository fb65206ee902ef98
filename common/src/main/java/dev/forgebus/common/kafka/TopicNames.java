package dev.forgebus.common.kafka;

import java.util.Objects;

/**
 * The names of Forgebus topics (SPEC 5), derived from one configurable prefix so that two
 * installations can share a cluster.
 */
public record TopicNames(String prefix) {

    public TopicNames {
        Objects.requireNonNull(prefix, "prefix");
        if (prefix.isBlank() || !prefix.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("topic prefix must be letters, digits, '.', '_' or '-': '" + prefix + "'");
        }
    }

    /** Verified webhook bodies, byte for byte as received. */
    public String raw() {
        return prefix + ".raw";
    }

    /** Every unique event as a JSON envelope with its routing decision. */
    public String events() {
        return prefix + ".events";
    }

    /** Final outcomes of work items, published by the workers, read by dedup and the trace. */
    public String outcomes() {
        return prefix + ".outcomes";
    }

    /** Dedup decisions (routed, duplicate), for the delivery trace. */
    public String trace() {
        return prefix + ".trace";
    }

    /**
     * Deliveries the gateway refused (bad signature, too large, unknown forge, overloaded, ...): one
     * small {@link dev.forgebus.common.event.Rejection} each, never the body or the signature.
     * Retention-bounded ({@link #REJECTIONS_RETENTION}), not compacted.
     */
    public String rejections() {
        return prefix + REJECTIONS_SUFFIX;
    }

    /** How long rejections are kept: longer than GitHub's three days of recent deliveries, so either side can be checked. */
    public static final java.time.Duration REJECTIONS_RETENTION = java.time.Duration.ofDays(7);
    /** And at most this many bytes per partition, so a rejection flood cannot fill the brokers' disks. */
    public static final long REJECTIONS_RETENTION_BYTES = 256L * 1024 * 1024;
    private static final String REJECTIONS_SUFFIX = ".rejections";

    /** Whether {@code topic} is a rejections topic (its retention is bounded by time and size). */
    public static boolean isRejections(String topic) {
        return topic.endsWith(REJECTIONS_SUFFIX);
    }

    /** Work items of one module. */
    public String work(String moduleId) {
        return prefix + ".work." + moduleId;
    }

    /**
     * Retry tier {@code tier} (0-based) of one module: items whose attempt failed and may be
     * retried wait here until their {@code retry.due-at} ({@link DeadLetterHeaders#RETRY_DUE_AT}).
     * Tier {@code n} holds the items waiting {@code workers.backoff[n]}, so within one tier FIFO
     * order is due order; the last tier takes every later retry.
     */
    public String retry(String moduleId, int tier) {
        if (tier < 0) {
            throw new IllegalArgumentException("tier must not be negative, got " + tier);
        }
        return prefix + ".retry." + moduleId + "." + tier;
    }

    /** Dead letters of one module. */
    public String deadLetters(String moduleId) {
        return prefix + ".dlq." + moduleId;
    }

    /** The source name of dedup's own dead letters: {@code <prefix>.dlq.dedup} (SPEC 5). */
    public static final String DEDUP = "dedup";

    /**
     * Raw records dedup-streams could not process or write (an envelope over the size limit, ...):
     * value, key and headers of the raw record as read, plus the dead-letter headers; replayed to
     * {@link #raw()}.
     */
    public String dedupDeadLetters() {
        return deadLetters(DEDUP);
    }

    /**
     * Which dead letters were replayed, when and how often: a compacted topic keyed by dead-letter
     * id ({@code <source>:<partition>:<offset>}), so a second replay of the same selection can skip
     * them. Small: one record per replayed dead letter, the latest kept.
     */
    public String replayedDeadLetters() {
        return prefix + REPLAYED_SUFFIX;
    }

    private static final String REPLAYED_SUFFIX = ".dlq-replayed";

    /**
     * One module's progress store ({@code HandlerContext.progress()} of handler-workers): a compacted
     * topic keyed by the module's own keys (a sweep's cursor, ...), the latest value kept, so a
     * restarted or second worker of the module resumes where the last one was.
     */
    public String progress(String moduleId) {
        return prefix + PROGRESS_INFIX + moduleId;
    }

    private static final String PROGRESS_INFIX = ".progress.";

    /** True for the topics whose records are states by key (compacted), not events. */
    public static boolean isCompacted(String topic) {
        // By suffix, never by "contains": a prefix may itself contain ".progress.". Any module id
        // (the catalog is open), but never a topic of no module whose prefix ends in ".progress".
        java.util.regex.Matcher m = PROGRESS_TOPIC.matcher(topic);
        return topic.endsWith(REPLAYED_SUFFIX) || m.matches() && !NOT_MODULES.contains(m.group(1));
    }

    private static final java.util.regex.Pattern PROGRESS_TOPIC =
            java.util.regex.Pattern.compile(".+\\.progress\\.([a-z][a-z0-9]*(?:-[a-z0-9]+)*)");
    /** The last names of the topics that belong to no module. */
    private static final java.util.Set<String> NOT_MODULES = java.util.Set.of("raw", "trace", "outcomes", "events");

    /** The record-header name for a Forgebus header suffix such as {@code delivery-id}. */
    public String header(String suffix) {
        return prefix + "." + suffix;
    }
}
