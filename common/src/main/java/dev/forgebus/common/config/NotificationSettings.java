package dev.forgebus.common.config;

import java.util.List;

/**
 * Notifications (SPEC 7.9) for a scope.
 *
 * @param enabled  false switches notifications off for the scope
 * @param channels where they go
 */
public record NotificationSettings(boolean enabled, List<NotificationChannel> channels) implements ModuleBlock {

    public NotificationSettings {
        channels = List.copyOf(channels);
    }
}
