package dev.forgebus.common.config;

import java.util.Objects;
import java.util.Optional;

/**
 * A module trigger's answer for one event: it fires, or it does not, optionally saying why beyond
 * the event's name (the delivery trace shows it).
 *
 * @param fires whether the event starts the module's work
 * @param why   for a miss, what the trace says instead of the event's name
 */
public record TriggerVerdict(boolean fires, Optional<String> why) {
    public static final TriggerVerdict FIRES = new TriggerVerdict(true, Optional.empty());
    public static final TriggerVerdict NOT_A_TRIGGER = new TriggerVerdict(false, Optional.empty());

    public TriggerVerdict {
        Objects.requireNonNull(why, "why");
    }

    public static TriggerVerdict of(boolean fires) {
        return fires ? FIRES : NOT_A_TRIGGER;
    }

    public static TriggerVerdict notATrigger(String why) {
        return new TriggerVerdict(false, Optional.of(why));
    }
}
