package dev.forgebus.app;

import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Starts a process's parts and keeps them running until SIGTERM or SIGINT, then stops them cleanly. */
final class RoleRunner {
    private static final Logger LOG = LoggerFactory.getLogger(RoleRunner.class);

    private RoleRunner() {
    }

    static int runUntilStopped(Supplier<ForgebusProcess> starter) throws InterruptedException {
        ForgebusProcess process;
        try {
            process = starter.get();
        } catch (RuntimeException e) {
            throw new UserError("cannot start: " + e.getMessage());
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            LOG.info("stopping");
            process.close();
            stopped.countDown();
        }, "forgebus-shutdown"));
        stopped.await();
        return 0;
    }
}
