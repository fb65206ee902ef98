package dev.forgebus.common.config;

import java.util.List;
import java.util.Objects;

/**
 * One place notifications go.
 *
 * @param name   unique within its {@code channels} list; what a {@code .ops.yaml} names it by.
 *               Defaults to the type ({@code slack})
 * @param type   the payload shape
 * @param url    the webhook URL; a {@link Secret} because Slack and Discord webhook URLs are
 *               bearer credentials: whoever has one can post
 * @param events notification events delivered to this channel ({@code release},
 *               {@code mirror_drift}, ...); empty means every event
 */
public record NotificationChannel(String name, ChannelType type, Secret url, List<String> events) {

    public NotificationChannel {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(url, "url");
        events = List.copyOf(events);
    }

    /** Whether this channel wants {@code event}. */
    public boolean accepts(String event) {
        return events.isEmpty() || events.contains(event);
    }
}
