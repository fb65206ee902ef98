package dev.forgebus.app.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.forgebus.broker.BrokerSettings;
import dev.forgebus.broker.EmbeddedKafkaBroker;

/**
 * Issue 4, fault run in separate-role mode: the gateway, dedup-streams and the workers each run
 * as their own {@code forgebus} process against a Kafka broker started in this JVM. While a
 * redelivering sender posts one signed webhook per issue, the broker is stopped and started again
 * on the same log, then the dedup process is killed with SIGKILL and restarted, then the workers
 * process. Every accepted delivery must end with exactly one label-changing request
 * at the fake forge and no dead letter.
 *
 * <p>CI runs the small form (300 events); {@code -Dfault.events=10000} is the large form of
 * docs/benchmarks.md.
 */
class SeparateRolesFaultTest {

    @TempDir
    Path dir;

    private FaultRun run;
    private EmbeddedKafkaBroker broker;

    @AfterEach
    void stop() throws InterruptedException {
        if (run != null) {
            run.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void kill_nine_of_dedup_and_workers_and_a_broker_restart_lose_and_double_nothing() throws Exception {
        run = new FaultRun(dir);
        run.execute("SeparateRolesFaultTest", this::faultsDuringLoad);
    }

    private void faultsDuringLoad() throws Exception {
        BrokerSettings brokerSettings = new BrokerSettings(dir.resolve("kafka"), FaultRun.freePort(), 0,
                BrokerSettings.DEFAULT_MAX_MESSAGE_BYTES, Map.of());
        broker = EmbeddedKafkaBroker.start(brokerSettings);
        String kafka = "{ bootstrap_servers: \"" + broker.bootstrapServers() + "\", partitions: 3 }";
        int gatewayPort = FaultRun.freePort();
        int dedupPort = FaultRun.freePort();
        int workersPort = FaultRun.freePort();
        Path gatewayConfig = run.writeConfig("gateway.yml", run.config(gatewayPort, kafka));
        Path dedupConfig = run.writeConfig("dedup.yml", run.config(dedupPort, kafka));
        Path workersConfig = run.writeConfig("workers.yml", run.config(workersPort, kafka));
        String dedupData = dir.resolve("dedup-data").toString();

        Process gateway = run.start("gateway-0", "gateway", "--config", gatewayConfig.toString());
        Process dedup = run.start("dedup-0", "dedup", "--config", dedupConfig.toString(), "--data-dir", dedupData);
        Process workers = run.start("workers-0", "workers", "--config", workersConfig.toString());
        run.awaitReady(gatewayPort, gateway);
        run.awaitReady(dedupPort, dedup);
        run.awaitReady(workersPort, workers);
        run.startSenders(gatewayPort);

        // 1. The broker stops and starts again on the same log while deliveries arrive: the
        // gateway answers 503 meanwhile and the sender redelivers; every role reconnects.
        awaitPoint("broker restart", () -> run.accepted.get() >= run.events / 5);
        broker.close();
        System.out.printf("SeparateRolesFaultTest: broker stopped at %d accepted%n", run.accepted.get());
        // The broker stays down until the gateway has refused deliveries (a short blip is ridden
        // out inside the gateway's 5 s acknowledgement timeout and refuses nothing).
        long refusedBefore = run.refused.get();
        awaitPoint("gateway refuses while the broker is down", () -> run.refused.get() >= refusedBefore + 5);
        broker = EmbeddedKafkaBroker.start(brokerSettings);
        System.out.printf("SeparateRolesFaultTest: broker started again at %d accepted, %d refused%n",
                run.accepted.get(), run.refused.get());

        // 2. dedup-streams dies mid-transaction while deliveries keep arriving.
        awaitPoint("dedup kill", () -> run.accepted.get() >= run.events / 2);
        FaultRun.kill(dedup);
        System.out.printf("SeparateRolesFaultTest: dedup killed at %d accepted%n", run.accepted.get());
        dedup = run.start("dedup-1", "dedup", "--config", dedupConfig.toString(), "--data-dir", dedupData);
        run.awaitReady(dedupPort, dedup);

        // 3. The workers die while labelling.
        long writesBefore = run.labelWrites();
        awaitPoint("workers kill", () -> run.labelWrites() >= writesBefore + Math.max(5, run.events / 20));
        FaultRun.kill(workers);
        System.out.printf("SeparateRolesFaultTest: workers killed at %d label writes%n", run.labelWrites());
        workers = run.start("workers-1", "workers", "--config", workersConfig.toString());
        run.awaitReady(workersPort, workers);

        run.awaitSendersDoneAndBalanced();
        assertThat(run.refused.get()).as("the faults made some sends fail and be redelivered").isPositive();
        run.assertExactlyOneEffectEach(workersPort, List.of(gateway, dedup, workers));
    }

    private void awaitPoint(String name, BooleanSupplier reached) {
        await(name).atMost(Duration.ofSeconds(120 + run.events / 50)).pollInterval(Duration.ofMillis(10))
                .until(reached::getAsBoolean);
    }
}
