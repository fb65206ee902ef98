package dev.forgebus.broker;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which KRaft quorum an {@link EmbeddedKafkaBroker} belongs to: its own {@code node.id}, the static
 * voters ({@code controller.quorum.voters}) and the cluster id every member's log directory is
 * formatted with. Every node runs both roles ({@code broker,controller}), so the voters are also the
 * brokers, and their count sets the replication of Kafka's internal topics.
 *
 * @param nodeId    this node's id, one of the voters' ids (or any id ≥ 0 for {@link #single()})
 * @param voters    the quorum's members; empty for a single node that is its own only voter, at the
 *                  controller port the broker picks
 * @param clusterId the id to format a new log directory with; empty for a fresh random one (only a
 *                  single node may do that: the members of a cluster must share one id)
 */
public record Quorum(int nodeId, List<Voter> voters, Optional<String> clusterId) {

    /** The replication of the internal topics on a cluster of three or more (Kafka's own production default). */
    static final int CLUSTER_REPLICATION_FACTOR = 3;
    /** In-sync replicas an acks=all write needs on a cluster: one broker may be down and writes go on. */
    static final int CLUSTER_MIN_INSYNC_REPLICAS = 2;

    /** One member of the quorum: node id and its CONTROLLER listener on 127.0.0.1. */
    public record Voter(int id, int controllerPort) {
        public Voter {
            if (id < 0) {
                throw new IllegalArgumentException("voter id must be ≥ 0, got " + id);
            }
            if (controllerPort < 1 || controllerPort > 65535) {
                throw new IllegalArgumentException("voter " + id + ": controller port must be between 1 and 65535, got " + controllerPort);
            }
        }

        @Override
        public String toString() {
            return id + "@" + EmbeddedKafkaBroker.HOST + ":" + controllerPort;
        }
    }

    public Quorum {
        voters = voters == null ? List.of() : List.copyOf(voters);
        clusterId = clusterId == null ? Optional.empty() : clusterId;
        if (nodeId < 0) {
            throw new IllegalArgumentException("node id must be ≥ 0, got " + nodeId);
        }
        Set<Integer> ids = new LinkedHashSet<>();
        Set<Integer> ports = new LinkedHashSet<>();
        for (Voter voter : voters) {
            if (!ids.add(voter.id())) {
                throw new IllegalArgumentException("voter id " + voter.id() + " appears twice in " + voters);
            }
            if (!ports.add(voter.controllerPort())) {
                throw new IllegalArgumentException("controller port " + voter.controllerPort() + " appears twice in " + voters);
            }
        }
        if (!voters.isEmpty() && !ids.contains(nodeId)) {
            throw new IllegalArgumentException("node id " + nodeId + " is not one of the voters " + voters);
        }
        if (voters.size() > 1 && clusterId.isEmpty()) {
            throw new IllegalArgumentException("a quorum of " + voters.size() + " needs a cluster id shared by its members");
        }
        clusterId.ifPresent(id -> {
            if (id.isBlank()) {
                throw new IllegalArgumentException("cluster id must not be blank");
            }
        });
    }

    /** A single node, node id 1, its own only voter, formatted with a random cluster id (the default). */
    public static Quorum single() {
        return new Quorum(1, List.of(), Optional.empty());
    }

    /**
     * Parses {@code controller.quorum.voters} in Kafka's own form, host 127.0.0.1 only:
     * {@code 1@127.0.0.1:9093,2@127.0.0.1:9094,3@127.0.0.1:9095}.
     */
    public static List<Voter> parseVoters(String text) {
        Objects.requireNonNull(text, "voters");
        List<Voter> voters = new ArrayList<>();
        for (String entry : text.split(",")) {
            String e = entry.strip();
            int at = e.indexOf('@');
            int colon = e.lastIndexOf(':');
            if (at < 1 || colon < at) {
                throw new IllegalArgumentException("voter '" + e + "' is not ID@HOST:PORT");
            }
            String host = e.substring(at + 1, colon);
            if (!host.equals(EmbeddedKafkaBroker.HOST)) {
                throw new IllegalArgumentException("voter '" + e + "': the embedded broker listens on "
                        + EmbeddedKafkaBroker.HOST + " only");
            }
            try {
                voters.add(new Voter(Integer.parseInt(e.substring(0, at)), Integer.parseInt(e.substring(colon + 1))));
            } catch (NumberFormatException notANumber) {
                throw new IllegalArgumentException("voter '" + e + "' is not ID@HOST:PORT", notANumber);
            }
        }
        return voters;
    }

    /** True when this node is one of several voters. */
    public boolean isCluster() {
        return voters.size() > 1;
    }

    /** This node's own CONTROLLER port among the voters; empty for {@link #single()}. */
    Optional<Integer> ownControllerPort() {
        return voters.stream().filter(v -> v.id() == nodeId).map(Voter::controllerPort).findFirst();
    }

    /** {@code controller.quorum.voters}; for a single node, itself at {@code controllerPort}. */
    String votersProperty(int controllerPort) {
        if (voters.isEmpty()) {
            return nodeId + "@" + EmbeddedKafkaBroker.HOST + ":" + controllerPort;
        }
        return voters.stream().map(Voter::toString).collect(Collectors.joining(","));
    }

    /** Replication of the internal topics and the default for new topics: 1 alone, 3 (or all nodes, if fewer) on a cluster. */
    int replicationFactor() {
        return Math.max(1, Math.min(CLUSTER_REPLICATION_FACTOR, voters.size()));
    }

    /** {@code min.insync.replicas}: 1 alone, 2 on a cluster. */
    int minInsyncReplicas() {
        return Math.max(1, Math.min(CLUSTER_MIN_INSYNC_REPLICAS, voters.size()));
    }
}
