package dev.forgebus.app.welcome;

import java.time.Duration;
import java.util.Objects;

import dev.forgebus.common.config.ModuleBlock;

/**
 * The {@code welcome:} block.
 *
 * @param message what is commented on a newly opened issue
 * @param delay   how long after the issue was opened (a re-check, not a sleep)
 */
public record WelcomeSettings(boolean enabled, String message, Duration delay) implements ModuleBlock {

    public WelcomeSettings {
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(delay, "delay");
    }
}
