package dev.forgebus.common.config;

/** How a notification is posted: the three payload shapes SPEC 7.9 knows. */
public enum ChannelType {
    /** A JSON POST of the notification event itself. */
    WEBHOOK("webhook"),
    /** A Slack incoming webhook ({@code text}). */
    SLACK("slack"),
    /** A Discord webhook ({@code content}). */
    DISCORD("discord");

    private final String id;

    ChannelType(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }
}
