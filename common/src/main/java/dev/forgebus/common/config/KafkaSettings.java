package dev.forgebus.common.config;

import java.util.Objects;

/**
 * Where the Kafka log is and how Forgebus topics are shaped.
 *
 * @param bootstrapServers  an external cluster; "" means the embedded single-node broker that
 *                          {@code forgebus run} starts, so a first run needs no Kafka install
 * @param embeddedPort      the embedded broker's port on 127.0.0.1 (other commands given the same
 *                          file find it there)
 * @param topicPrefix       prefix of every topic and record header, so two installations can
 *                          share a cluster
 * @param partitions        partitions of topics created at start: the upper bound on workers of
 *                          one module working in parallel
 * @param replicationFactor replication of topics created at start
 */
public record KafkaSettings(String bootstrapServers, int embeddedPort, String topicPrefix, int partitions,
                            short replicationFactor) {

    public static final int DEFAULT_EMBEDDED_PORT = 9092;
    public static final String DEFAULT_TOPIC_PREFIX = "forgebus";
    public static final int DEFAULT_PARTITIONS = 12;
    public static final short DEFAULT_REPLICATION_FACTOR = 1;

    public KafkaSettings {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        Objects.requireNonNull(topicPrefix, "topicPrefix");
    }

    public static KafkaSettings defaults() {
        return new KafkaSettings("", DEFAULT_EMBEDDED_PORT, DEFAULT_TOPIC_PREFIX, DEFAULT_PARTITIONS,
                DEFAULT_REPLICATION_FACTOR);
    }

    /** True when no external cluster is configured and the embedded broker is to be used. */
    public boolean embedded() {
        return bootstrapServers.isBlank();
    }
}
