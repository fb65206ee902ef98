package dev.forgebus.app;

import dev.forgebus.common.config.ForgebusConfig;

/** Sizes and addresses derived from the config, in one place so every role agrees. */
final class Limits {
    private Limits() {
    }

    /**
     * The largest record any topic, producer or the embedded broker must accept: a whole body
     * plus room for headers and, later, the envelope that wraps the payload.
     */
    static long maxRecordBytes(long maxBodyBytes) {
        return maxBodyBytes + maxBodyBytes / 4 + 2L * 1024 * 1024;
    }

    /** The external cluster, or the embedded broker of a {@code run} on this machine. */
    static String bootstrapServers(ForgebusConfig config) {
        return config.kafka().embedded() ? "127.0.0.1:" + config.kafka().embeddedPort() : config.kafka().bootstrapServers();
    }
}
