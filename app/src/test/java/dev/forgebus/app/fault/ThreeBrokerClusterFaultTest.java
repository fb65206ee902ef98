package dev.forgebus.app.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.forgebus.broker.EmbeddedBrokerMain;

/**
 * Issue 14, the docker-compose topology proved without Docker: a three-broker KRaft cluster, each
 * broker its own JVM ({@link EmbeddedBrokerMain}, node ids 1..3, every one a voter), and the roles
 * as separate {@code forgebus} processes against it with {@code replication_factor: 3}: gateway ×2,
 * dedup, workers ×2, scheduler. A redelivering sender spreads signed webhooks over both gateways;
 * under that load the broker leading the raw topic is killed with SIGKILL (and stays dead), then one
 * of the two workers. Every accepted delivery ends with exactly one label-changing request at the
 * fake forge, its DONE triage outcome in the trace, and no dead letter; refused sends (503 while
 * leaders move) are counted and redelivered, not expected to have an effect.
 *
 * <p>Nine JVMs: about 4 minutes on the shared 2-core machine (docs/operations.md, "Scaling out on a
 * Kafka cluster"), so it is tagged {@code cluster} and left out of {@code bin/test}; run it with
 * {@code bin/test -Pcluster} or
 * {@code mvn -Pcluster -pl app -am verify -Dtest=ThreeBrokerClusterFaultTest -Dsurefire.failIfNoSpecifiedTests=false}.
 * {@code -Dfault.events=N} and {@code -Dfault.logs=true} work as in the other fault runs.
 */
@Tag("cluster")
class ThreeBrokerClusterFaultTest {
    private static final int BROKERS = 3;
    private static final Duration BROKERS_READY_WITHIN = Duration.ofSeconds(120);
    private static final String RAW_TOPIC = "forgebus.raw";

    @TempDir
    Path dir;

    private FaultRun run;

    @AfterEach
    void stop() throws InterruptedException {
        if (run != null) {
            run.close();
        }
    }

    @Test
    void killing_a_broker_and_a_worker_of_a_three_broker_cluster_under_load_loses_and_doubles_nothing() throws Exception {
        // Nine JVMs share two cores: C1 only and the serial collector keep their start-up from starving one another.
        run = new FaultRun(dir).jvmOptions("-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");
        run.execute("ThreeBrokerClusterFaultTest", this::clusterUnderLoad);
    }

    private void clusterUnderLoad() throws Exception {
        long began = System.nanoTime();
        // Given three broker JVMs forming one KRaft quorum
        List<Integer> ports = new ArrayList<>();
        List<String> voters = new ArrayList<>();
        for (int node = 1; node <= BROKERS; node++) {
            ports.add(FaultRun.freePort());
            voters.add(node + "@127.0.0.1:" + FaultRun.freePort());
        }
        String clusterId = Uuid.randomUuid().toString();
        List<Process> brokers = new ArrayList<>();
        for (int node = 1; node <= BROKERS; node++) {
            brokers.add(run.startJava("broker-" + node, EmbeddedBrokerMain.class.getName(),
                    "--node-id", Integer.toString(node), "--port", Integer.toString(ports.get(node - 1)),
                    "--data-dir", dir.resolve("kafka-" + node).toString(),
                    "--voters", String.join(",", voters), "--cluster-id", clusterId));
        }
        for (Process broker : brokers) {
            awaitBrokerReady(broker);
        }
        String bootstrap = ports.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
        try (Admin admin = admin(bootstrap)) {
            await("three brokers in the cluster").atMost(BROKERS_READY_WITHIN).pollInterval(Duration.ofMillis(200))
                    .until(() -> admin.describeCluster().nodes().get(10, TimeUnit.SECONDS).size() == BROKERS);
            System.out.printf("ThreeBrokerClusterFaultTest: quorum of %d ready after %.1f s%n", BROKERS, seconds(began));

            // And the roles, each its own process, bootstrapping through all three brokers
            String kafka = "{ bootstrap_servers: \"" + bootstrap + "\", partitions: 3, replication_factor: 3 }";
            Map<String, Integer> httpPorts = new TreeMap<>();
            for (String role : List.of("gateway-1", "gateway-2", "dedup", "workers-1", "workers-2", "scheduler")) {
                httpPorts.put(role, FaultRun.freePort());
            }
            Map<String, Process> roles = new TreeMap<>();
            // dedup first: it creates the topics (with three replicas) while nothing else loads the brokers
            startRole("dedup", httpPorts, kafka, roles);
            run.awaitReady(httpPorts.get("dedup"), roles.get("dedup"));
            for (String role : httpPorts.keySet()) {
                if (!role.equals("dedup")) {
                    startRole(role, httpPorts, kafka, roles);
                }
            }
            for (var role : roles.entrySet()) {
                run.awaitReady(httpPorts.get(role.getKey()), role.getValue());
            }
            System.out.printf("ThreeBrokerClusterFaultTest: six roles ready after %.1f s%n", seconds(began));
            assertThat(replicaCounts(admin)).as("replicas of every partition of the raw topic").containsOnly(BROKERS);

            // When signed webhooks arrive at both gateways
            long sendingFrom = System.nanoTime();
            run.startSenders(httpPorts.get("gateway-1"), httpPorts.get("gateway-2"));

            // And the broker leading the raw topic's first partition dies while deliveries arrive and labels are written
            awaitPoint("broker kill", () -> run.accepted.get() >= run.events / 3 && run.labelWrites() >= 10);
            int victimNode = leaderOfFirstRawPartition(admin);
            FaultRun.kill(brokers.get(victimNode - 1));
            System.out.printf("ThreeBrokerClusterFaultTest: broker %d killed at %d accepted, %d label writes%n",
                    victimNode, run.accepted.get(), run.labelWrites());

            // And one of the two workers dies while labelling
            long writesBefore = run.labelWrites();
            awaitPoint("worker kill", () -> run.labelWrites() >= writesBefore + Math.max(5, run.events / 20));
            FaultRun.kill(roles.get("workers-1"));
            System.out.printf("ThreeBrokerClusterFaultTest: workers-1 killed at %d accepted, %d label writes%n",
                    run.accepted.get(), run.labelWrites());

            // Then every delivery is accepted in the end, and each accepted one has exactly one effect
            run.awaitSendersDoneAndBalanced();
            List<Process> alive = new ArrayList<>(roles.values());
            alive.remove(roles.get("workers-1"));
            for (int node = 1; node <= BROKERS; node++) {
                if (node != victimNode) {
                    alive.add(brokers.get(node - 1));
                }
            }
            run.assertExactlyOneEffectEach(httpPorts.get("workers-2"), alive);
            System.out.printf("ThreeBrokerClusterFaultTest: %d events handled once each, %.1f s from first send;"
                    + " %.1f s in all%n", run.events, seconds(sendingFrom), seconds(began));
            // And the surviving two replicas stay in sync: acks=all writes went on with min.insync.replicas=2
            assertThat(inSyncCounts(admin)).as("in-sync replicas of the raw topic's partitions").containsOnly(BROKERS - 1);
        }
    }

    private void startRole(String role, Map<String, Integer> httpPorts, String kafka, Map<String, Process> roles) throws Exception {
        Path config = run.writeConfig(role + ".yml", run.config(httpPorts.get(role), kafka));
        String command = role.replaceAll("-\\d$", "");
        roles.put(role, command.equals("dedup")
                ? run.start(role, command, "--config", config.toString(), "--data-dir", dir.resolve("dedup-data").toString())
                : run.start(role, command, "--config", config.toString()));
    }

    private void awaitBrokerReady(Process broker) {
        Path log = run.logOf(broker);
        await("broker ready: " + log).atMost(BROKERS_READY_WITHIN).pollInterval(Duration.ofMillis(200)).until(() -> {
            assertThat(broker.isAlive()).as("broker JVM alive (%s)", log).isTrue();
            return Files.exists(log) && Files.readString(log).contains("READY ");
        });
    }

    private void awaitPoint(String name, BooleanSupplier reached) {
        await(name).atMost(Duration.ofSeconds(120 + run.events / 50)).pollInterval(Duration.ofMillis(10))
                .until(reached::getAsBoolean);
    }

    private static Admin admin(String bootstrap) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000));
    }

    private static TopicDescription raw(Admin admin) throws Exception {
        return admin.describeTopics(List.of(RAW_TOPIC)).allTopicNames().get(15, TimeUnit.SECONDS).get(RAW_TOPIC);
    }

    private static List<Integer> replicaCounts(Admin admin) throws Exception {
        return raw(admin).partitions().stream().map(p -> p.replicas().size()).toList();
    }

    private static List<Integer> inSyncCounts(Admin admin) throws Exception {
        return raw(admin).partitions().stream().map(TopicPartitionInfo::isr).map(List::size).toList();
    }

    private static int leaderOfFirstRawPartition(Admin admin) throws Exception {
        return raw(admin).partitions().get(0).leader().id();
    }

    private static double seconds(long sinceNanos) {
        return (System.nanoTime() - sinceNanos) / 1e9;
    }
}
