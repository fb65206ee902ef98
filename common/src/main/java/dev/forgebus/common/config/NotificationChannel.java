package dev.forgebus.common.config;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

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
 * @param secret a {@code webhook} channel's signing key (Standard Webhooks {@code webhook-signature}),
 *               so receivers can verify the POST is ours; {@code whsec_<base64>} is decoded, any
 *               other value is used as its UTF-8 bytes. Empty: unsigned
 */
public record NotificationChannel(String name, ChannelType type, Secret url, List<String> events, Optional<Secret> secret) {

    public NotificationChannel {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(url, "url");
        events = List.copyOf(events);
        Objects.requireNonNull(secret, "secret");
    }

    /** An unsigned channel. */
    public NotificationChannel(String name, ChannelType type, Secret url, List<String> events) {
        this(name, type, url, events, Optional.empty());
    }

    /** Whether this channel wants {@code event}. */
    public boolean accepts(String event) {
        return events.isEmpty() || events.contains(event);
    }
}
