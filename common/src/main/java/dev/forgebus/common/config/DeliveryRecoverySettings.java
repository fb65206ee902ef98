package dev.forgebus.common.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;


/**
 * Missed-delivery recovery of a GitHub forge ({@code forges.<id>.delivery_recovery}). GitHub
 * never retries a failed webhook delivery by itself, but lists deliveries for 3 days and
 * redelivers on request: every {@code every}, the scheduler lists the last {@code lookback} of
 * each hook's deliveries and asks once for each delivery that never got a 2xx answer. Dedup by
 * delivery id makes that safe when the first attempt did in fact arrive.
 *
 * @param every    how often to look
 * @param lookback how far back to look (at most {@link #MAX_LOOKBACK}, GitHub's retention)
 * @param hooks    the hooks whose deliveries are checked
 */
public record DeliveryRecoverySettings(Duration every, Duration lookback, List<HookRef> hooks) {

    public static final Duration DEFAULT_EVERY = Duration.ofMinutes(5);
    public static final Duration DEFAULT_LOOKBACK = Duration.ofHours(1);
    /** GitHub keeps deliveries for 3 days. */
    public static final Duration MAX_LOOKBACK = Duration.ofDays(3);

    public DeliveryRecoverySettings {
        Objects.requireNonNull(every, "every");
        Objects.requireNonNull(lookback, "lookback");
        hooks = List.copyOf(hooks);
    }
}
