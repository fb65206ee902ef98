package dev.forgebus.broker;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * How to start an {@link EmbeddedKafkaBroker}.
 *
 * @param dataDir         the broker's log directory ({@code log.dirs}); formatted on first use, kept across restarts
 * @param port            the PLAINTEXT listener's port on 127.0.0.1; 0 picks a free port
 * @param controllerPort  the KRaft CONTROLLER listener's port on 127.0.0.1; 0 picks a free port (it may change
 *                        between restarts: the single voter is static configuration, not stored in the log)
 * @param maxMessageBytes the largest record batch the broker accepts ({@code message.max.bytes},
 *                        {@code replica.fetch.max.bytes}); pass the largest webhook body plus headroom
 * @param overrides       broker properties applied last, over every default this class sets
 * @param quorum          the KRaft quorum this node belongs to: {@link Quorum#single()} (the default), or one member
 *                        of a cluster, whose controller port is then its own voter's port
 */
public record BrokerSettings(Path dataDir, int port, int controllerPort, long maxMessageBytes, Map<String, String> overrides,
                             Quorum quorum) {

    /** 32 MiB for the record value (GitHub bodies go up to 25 MiB) plus 1 MiB for key, headers and batch framing. */
    public static final long DEFAULT_MAX_MESSAGE_BYTES = 33L * 1024 * 1024;

    public BrokerSettings {
        Objects.requireNonNull(dataDir, "dataDir");
        checkPort("port", port);
        checkPort("controllerPort", controllerPort);
        if (port != 0 && port == controllerPort) {
            throw new IllegalArgumentException("port and controllerPort must differ, both are " + port);
        }
        if (maxMessageBytes < 1024 || maxMessageBytes > Integer.MAX_VALUE - 1024 * 1024) {
            throw new IllegalArgumentException("maxMessageBytes must be between 1024 and " + (Integer.MAX_VALUE - 1024 * 1024)
                    + ", got " + maxMessageBytes);
        }
        overrides = overrides == null ? Map.of() : Map.copyOf(overrides);
        quorum = quorum == null ? Quorum.single() : quorum;
        Integer own = quorum.ownControllerPort().orElse(null);
        if (own != null && controllerPort != 0 && controllerPort != own) {
            throw new IllegalArgumentException("controllerPort " + controllerPort + " differs from node " + quorum.nodeId()
                    + "'s voter port " + own);
        }
        if (own != null) {
            controllerPort = own;
            if (port == own) {
                throw new IllegalArgumentException("port and controllerPort must differ, both are " + port);
            }
        }
    }

    /** A single node that is its own only voter. */
    public BrokerSettings(Path dataDir, int port, int controllerPort, long maxMessageBytes, Map<String, String> overrides) {
        this(dataDir, port, controllerPort, maxMessageBytes, overrides, Quorum.single());
    }

    /** Settings with a free controller port, {@link #DEFAULT_MAX_MESSAGE_BYTES} and no overrides. */
    public static BrokerSettings of(Path dataDir, int port) {
        return new BrokerSettings(dataDir, port, 0, DEFAULT_MAX_MESSAGE_BYTES, Map.of());
    }

    public BrokerSettings withPort(int newPort) {
        return new BrokerSettings(dataDir, newPort, controllerPort, maxMessageBytes, overrides, quorum);
    }

    /** The same settings as one member of {@code newQuorum} (its controller port taken from its voter). */
    public BrokerSettings withQuorum(Quorum newQuorum) {
        return new BrokerSettings(dataDir, port, 0, maxMessageBytes, overrides, newQuorum);
    }

    private static void checkPort(String name, int value) {
        if (value < 0 || value > 65535) {
            throw new IllegalArgumentException(name + " must be between 0 and 65535, got " + value);
        }
    }
}
