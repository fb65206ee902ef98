package dev.forgebus.workers.notifications;

import java.util.List;
import java.util.Set;

import dev.forgebus.common.config.NotificationChannel;

/**
 * Which channels one notification goes to: those whose {@code events} filter takes its kind (an
 * empty filter takes every kind), minus {@code failing}: for a {@code dlq} notice about the
 * notifications module's own dead letter, the channels that failed to deliver that item (telling a
 * dead channel that it is dead fails again, and would be the start of a loop).
 */
final class ChannelSelection {

    private ChannelSelection() {
    }

    static List<NotificationChannel> of(List<NotificationChannel> channels, String kind, Set<String> failing) {
        return channels.stream().filter(c -> c.accepts(kind)).filter(c -> !failing.contains(c.name())).toList();
    }
}
