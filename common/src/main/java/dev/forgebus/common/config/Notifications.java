package dev.forgebus.common.config;

import java.util.List;

/**
 * Notifications (SPEC 7.9) for a scope.
 *
 * @param enabled  false switches notifications off for the scope
 * @param channels where they go
 */
public record Notifications(boolean enabled, List<NotificationChannel> channels) {

    public Notifications {
        channels = List.copyOf(channels);
    }
}
