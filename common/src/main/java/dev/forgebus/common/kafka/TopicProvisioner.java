package dev.forgebus.common.kafka;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.forgebus.common.config.WorkersConfig;

/**
 * Creates the topics of SPEC 5 when they are missing. Existing topics are left as they are:
 * an operator may have tuned them, and changing partition counts would reorder keys.
 */
public final class TopicProvisioner {
    private static final Logger LOG = LoggerFactory.getLogger(TopicProvisioner.class);

    private final Admin admin;
    private final int partitions;
    private final short replicationFactor;
    private final long maxMessageBytes;

    /**
     * @param maxMessageBytes the largest record a topic accepts; webhook bodies reach 25 MiB,
     *                        far over Kafka's 1 MB default, and envelopes embed them.
     */
    public TopicProvisioner(Admin admin, int partitions, short replicationFactor, long maxMessageBytes) {
        this.admin = admin;
        this.partitions = partitions;
        this.replicationFactor = replicationFactor;
        this.maxMessageBytes = maxMessageBytes;
    }

    /**
     * Every topic name of SPEC 5 for the given module ids, with as many retry tiers per module as
     * the default {@code workers.backoff} has entries.
     */
    public static List<String> allTopics(TopicNames names, List<String> moduleIds) {
        return allTopics(names, moduleIds, WorkersConfig.DEFAULT_BACKOFF.size());
    }

    /**
     * Every topic name of SPEC 5 for the given module ids, with {@code retryTiers} retry topics per
     * module (one per entry of {@code workers.backoff}, at least one).
     */
    public static List<String> allTopics(TopicNames names, List<String> moduleIds, int retryTiers) {
        List<String> topics = new ArrayList<>();
        topics.add(names.raw());
        topics.add(names.events());
        topics.add(names.outcomes());
        topics.add(names.trace());
        topics.add(names.dedupDeadLetters());
        topics.add(names.replayedDeadLetters());
        topics.add(names.rejections());
        for (String module : moduleIds) {
            topics.add(names.work(module));
            topics.add(names.deadLetters(module));
            topics.add(names.progress(module));
            for (int tier = 0; tier < Math.max(1, retryTiers); tier++) {
                topics.add(names.retry(module, tier));
            }
        }
        return topics;
    }

    /** Creates the missing topics; returns the names it created. */
    public List<String> ensure(List<String> topics, long timeoutMillis) {
        try {
            Set<String> existing = admin.listTopics().names().get(timeoutMillis, TimeUnit.MILLISECONDS);
            List<NewTopic> missing = topics.stream()
                    .filter(t -> !existing.contains(t))
                    .map(this::newTopic)
                    .toList();
            if (missing.isEmpty()) {
                return List.of();
            }
            List<String> created = new ArrayList<>();
            var result = admin.createTopics(missing);
            for (var entry : result.values().entrySet()) {
                try {
                    entry.getValue().get(timeoutMillis, TimeUnit.MILLISECONDS);
                    created.add(entry.getKey());
                } catch (ExecutionException e) {
                    // Another replica of a role may have created it a moment ago: that is fine.
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("cannot create topic " + entry.getKey() + ": " + e.getCause().getMessage(), e.getCause());
                    }
                }
            }
            awaitLeaders(created, timeoutMillis);
            LOG.info("created topics {}", created);
            return created;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot list or create topics: " + e.getMessage(), e);
        }
    }

    /**
     * Waits until every partition of the new topics has a leader. Writing to a partition in the
     * moment before its leader is elected makes idempotent producers retry through
     * out-of-order-sequence errors; better to be ready a few milliseconds later.
     */
    private void awaitLeaders(List<String> topics, long timeoutMillis) throws InterruptedException, ExecutionException, TimeoutException {
        if (topics.isEmpty()) {
            return;
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (true) {
            boolean allLed;
            try {
                var descriptions = admin.describeTopics(topics).allTopicNames().get(timeoutMillis, TimeUnit.MILLISECONDS);
                allLed = descriptions.values().stream()
                        .flatMap(d -> d.partitions().stream())
                        .allMatch(p -> p.leader() != null && !p.leader().isEmpty());
            } catch (ExecutionException e) {
                // Just created: the broker's metadata may not know the topic for a moment yet.
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw e;
                }
                allLed = false;
            }
            if (allLed) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("partitions of " + topics + " have no leader after " + timeoutMillis + " ms");
            }
            TimeUnit.MILLISECONDS.sleep(50); // poll interval while the controller elects leaders
        }
    }

    private NewTopic newTopic(String name) {
        if (TopicNames.isRejections(name)) {
            return new NewTopic(name, partitions, replicationFactor).configs(Map.of(
                    TopicConfig.RETENTION_MS_CONFIG, Long.toString(TopicNames.REJECTIONS_RETENTION.toMillis()),
                    TopicConfig.RETENTION_BYTES_CONFIG, Long.toString(TopicNames.REJECTIONS_RETENTION_BYTES)));
        }
        Map<String, String> configs = TopicNames.isCompacted(name)
                ? Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Long.toString(maxMessageBytes),
                        TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)
                : Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Long.toString(maxMessageBytes));
        return new NewTopic(name, partitions, replicationFactor).configs(configs);
    }
}
