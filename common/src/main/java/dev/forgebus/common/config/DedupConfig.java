package dev.forgebus.common.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Event deduplication (SPEC 7.10).
 *
 * @param retention how long a {@code (forge, delivery id)} is remembered; a redelivery later than
 *                  this is processed again. The default, 7 days, outlasts GitHub's 3-day window
 *                  for manual redelivery.
 */
public record DedupConfig(Duration retention) {

    public static final Duration DEFAULT_RETENTION = Duration.ofDays(7);

    public DedupConfig {
        Objects.requireNonNull(retention, "retention");
    }

    public static DedupConfig defaults() {
        return new DedupConfig(DEFAULT_RETENTION);
    }
}
