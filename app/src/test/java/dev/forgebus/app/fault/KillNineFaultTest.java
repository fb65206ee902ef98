package dev.forgebus.app.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 4, fault run in {@code run} mode: {@code forgebus run} as a separate process is killed
 * with SIGKILL (its embedded broker with it) while a sender posts one signed {@code issues
 * opened} webhook per issue and redelivers every send that did not get a 202. The kill lands while
 * deliveries are still being sent and while the triage worker is labelling; the process is
 * restarted on the same data directory. At the end every issue carries its triage label, with
 * exactly one label-changing request at the fake forge, and there is no dead letter: zero lost,
 * zero doubled.
 *
 * <p>CI runs the small form (300 events, one kill, about 40 s). By hand:
 * {@code -Dfault.events=10000 -Dkillnine.kills=2} (see docs/benchmarks.md);
 * {@code -Dfault.logs=true} prints the processes' logs even when the test passes (they are also
 * kept under {@code app/target/fault-logs/}).
 */
class KillNineFaultTest {

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
    void every_accepted_delivery_has_exactly_one_effect_across_kill_nine() throws Exception {
        run = new FaultRun(dir);
        run.execute("KillNineFaultTest", this::killAndRestartDuringLoad);
    }

    private void killAndRestartDuringLoad() throws Exception {
        int httpPort = FaultRun.freePort();
        int kafkaPort = FaultRun.freePort();
        Path config = run.writeConfig("forgebus.yml",
                run.config(httpPort, "{ bootstrap_servers: \"\", embedded: { port: " + kafkaPort + " }, partitions: 3 }"));
        String dataDir = dir.resolve("data").toString();

        Process current = run.start("run-0", "run", "--config", config.toString(), "--data-dir", dataDir);
        run.awaitReady(httpPort, current);
        run.startSenders(httpPort);

        int kills = Integer.getInteger("killnine.kills", 1);
        for (int kill = 0; kill < kills; kill++) {
            // Kill 1 lands while deliveries are still being sent AND the workers are labelling
            // (or at a third of the events if labelling is slow to start); kill 2 later in the labelling.
            long minAccepted = kill == 0 ? run.events / 3 : 0;
            long minWrites = kill == 0 ? 10 : run.events / 2;
            long orAccepted = kill == 0 ? run.events * 5L / 6 : Long.MAX_VALUE;
            Process victim = current;
            await("kill point " + (kill + 1)).atMost(Duration.ofSeconds(90 + run.events / 100)).pollInterval(Duration.ofMillis(10))
                    .until(() -> {
                        assertThat(victim.isAlive()).as("forgebus run still alive").isTrue();
                        long a = run.accepted.get();
                        return a >= minAccepted && (run.labelWrites() >= minWrites || a >= orAccepted);
                    });
            long acceptedAtKill = run.accepted.get();
            long writesAtKill = run.labelWrites();
            FaultRun.kill(current);
            System.out.printf("KillNineFaultTest: kill %d at %d accepted, %d label writes%n", kill + 1, acceptedAtKill, writesAtKill);
            current = run.start("run-" + (kill + 1), "run", "--config", config.toString(), "--data-dir", dataDir);
            long restartAt = System.nanoTime();
            run.awaitReady(httpPort, current);
            System.out.printf("KillNineFaultTest: restart %d ready in %.1f s%n", kill + 1, (System.nanoTime() - restartAt) / 1e9);
        }

        run.awaitSendersDoneAndBalanced();
        assertThat(run.refused.get()).as("the kills made some sends fail and be redelivered").isPositive();
        run.assertExactlyOneEffectEach(httpPort, List.of(current));

        current.destroy();
        assertThat(current.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).as("stopped within 60 s after SIGTERM").isTrue();
    }
}
