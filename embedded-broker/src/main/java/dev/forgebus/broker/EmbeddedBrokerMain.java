package dev.forgebus.broker;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/**
 * One node of a KRaft cluster of embedded brokers, as its own JVM: what the three {@code kafka}
 * services of docker-compose.yml are, without Docker (the multi-process cluster test starts three).
 *
 * <pre>
 * java -cp ... dev.forgebus.broker.EmbeddedBrokerMain --node-id 1 --port 19092 --data-dir /tmp/k1 \
 *     --voters 1@127.0.0.1:19093,2@127.0.0.1:19094,3@127.0.0.1:19095 --cluster-id 4L6g3nShT-eMCtK--X86sw
 * </pre>
 *
 * <p>Prints {@code READY <bootstrap> node <id> cluster <id>} on stdout once the broker serves
 * requests, then runs until SIGTERM (a clean shutdown) or SIGKILL. Exit 2 on a usage error, 1 when
 * the broker cannot start.
 */
public final class EmbeddedBrokerMain {
    private EmbeddedBrokerMain() {
    }

    /** The parsed command line. */
    record Arguments(int nodeId, int port, Path dataDir, List<Quorum.Voter> voters, Optional<String> clusterId) {
        static Arguments parse(String... args) {
            Map<String, String> given = new LinkedHashMap<>();
            for (int i = 0; i < args.length; i += 2) {
                if (!args[i].startsWith("--") || i + 1 >= args.length) {
                    throw new IllegalArgumentException("expected --NAME VALUE pairs, got '" + args[i] + "'");
                }
                given.put(args[i].substring(2), args[i + 1]);
            }
            List<String> unknown = given.keySet().stream()
                    .filter(k -> !List.of("node-id", "port", "data-dir", "voters", "cluster-id").contains(k)).toList();
            if (!unknown.isEmpty()) {
                throw new IllegalArgumentException("unknown options " + unknown);
            }
            for (String required : List.of("node-id", "port", "data-dir")) {
                if (!given.containsKey(required)) {
                    throw new IllegalArgumentException("--" + required + " is required");
                }
            }
            return new Arguments(number(given, "node-id"), number(given, "port"), Path.of(given.get("data-dir")),
                    given.containsKey("voters") ? Quorum.parseVoters(given.get("voters")) : List.of(),
                    Optional.ofNullable(given.get("cluster-id")));
        }

        private static int number(Map<String, String> given, String name) {
            try {
                return Integer.parseInt(given.get(name));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--" + name + " must be a number, got '" + given.get(name) + "'", e);
            }
        }

        BrokerSettings settings() {
            return BrokerSettings.of(dataDir, port).withQuorum(new Quorum(nodeId, voters, clusterId));
        }
    }

    public static void main(String[] args) throws InterruptedException {
        BrokerSettings settings;
        try {
            settings = Arguments.parse(args).settings();
        } catch (IllegalArgumentException e) {
            System.err.println("embedded-broker: " + e.getMessage());
            System.err.println("usage: EmbeddedBrokerMain --node-id N --port P --data-dir DIR"
                    + " [--voters ID@127.0.0.1:PORT,...] [--cluster-id ID]");
            System.exit(2);
            return;
        }
        EmbeddedKafkaBroker broker;
        try {
            broker = EmbeddedKafkaBroker.start(settings);
        } catch (EmbeddedBrokerException e) {
            System.err.println("embedded-broker: cannot start: " + e.getMessage());
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            broker.close();
            stopped.countDown();
        }, "forgebus-broker-shutdown"));
        System.out.println("READY " + broker.bootstrapServers() + " node " + settings.quorum().nodeId() + " cluster " + broker.clusterId());
        System.out.flush();
        stopped.await();
    }
}
