package dev.forgebus.scheduler;

import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs each forge's {@link DeliveryRecovery} at its fixed rate ({@code every}), first one period
 * after start (a gateway that just started has missed nothing it could not see in a minute).
 * One thread: runs never overlap, and a slow forge delays the next run rather than stacking them.
 */
public final class DeliveryRecoveryRunner implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DeliveryRecoveryRunner.class);

    private final ScheduledExecutorService timer;

    private DeliveryRecoveryRunner(ScheduledExecutorService timer) {
        this.timer = timer;
    }

    public static DeliveryRecoveryRunner start(List<DeliveryRecovery> jobs) {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "forgebus-delivery-recovery");
            t.setDaemon(true);
            return t;
        });
        for (DeliveryRecovery job : jobs) {
            long period = job.settings().every().toMillis();
            timer.scheduleAtFixedRate(() -> runGuarded(job), period, period, TimeUnit.MILLISECONDS);
            LOG.info("delivery recovery on {}: every {}, looking back {}, {} hook(s)", job.forgeId(),
                    job.settings().every(), job.settings().lookback(), job.settings().hooks().size());
        }
        return new DeliveryRecoveryRunner(timer);
    }

    /** A run that throws must not cancel the schedule (scheduleAtFixedRate stops on an exception). */
    private static void runGuarded(DeliveryRecovery job) {
        try {
            job.runOnce();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.warn("delivery recovery on {} failed: {}", job.forgeId(), e.toString(), e);
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
