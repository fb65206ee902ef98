package dev.forgebus.app;

import dev.forgebus.common.config.ForgebusConfig;

/** Sizes and addresses derived from the config, in one place so every role agrees. */
final class Limits {
    private Limits() {
    }

    /** The external cluster, or the embedded broker of a {@code run} on this machine. */
    static String bootstrapServers(ForgebusConfig config) {
        return config.kafka().embedded() ? "127.0.0.1:" + config.kafka().embeddedPort() : config.kafka().bootstrapServers();
    }
}
