package dev.forgebus.workers.notifications;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.forgebus.common.emit.Notification;
import dev.forgebus.common.event.Json;

/**
 * The body each channel type is posted (SPEC 7.9). Every text from a notification is put where the
 * receiver shows it as text, never as a command: Slack's {@code & < >} are escaped (so a title
 * cannot write {@code <!channel>} and ping everyone), Discord gets {@code allowed_mentions} empty
 * (so {@code @everyone} in a title stays text).
 */
final class ChannelPayloads {

    /** Discord refuses a {@code content} longer than this (its documented limit). */
    static final int DISCORD_CONTENT_LIMIT = 2000;
    /** Slack refuses a section text longer than this (Block Kit's documented limit). */
    static final int SLACK_SECTION_LIMIT = 3000;
    /** What replaces the end of a text cut to a receiver's limit. */
    static final String CUT_MARKER = "\n… (cut)";
    /** The {@code type} of a webhook channel's body. */
    static final String WEBHOOK_TYPE = "forgebus.notification";

    private ChannelPayloads() {
    }

    /** A Slack incoming-webhook body: {@code text} (the notification's fallback) and one mrkdwn section. */
    static byte[] slack(OutgoingNotification outgoing) {
        Notification n = outgoing.notification();
        StringBuilder section = new StringBuilder();
        section.append('*').append(slackEscape(n.title())).append('*');
        if (!n.text().isEmpty()) {
            section.append('\n').append(slackEscape(n.text()));
        }
        String footer = footer(outgoing);
        String link = n.link().map(url -> "\n<" + slackEscape(url) + "|Open>").orElse("");
        String mrkdwn = cut(section.toString(), SLACK_SECTION_LIMIT - link.length() - footer.length() - 1) + link + "\n"
                + slackEscape(footer);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("text", slackEscape(n.title()));
        body.put("blocks", List.of(Map.of("type", "section", "text", Map.of("type", "mrkdwn", "text", mrkdwn))));
        return Json.write(body);
    }

    /** A Discord webhook body: {@code content} of at most {@value #DISCORD_CONTENT_LIMIT} characters, no mentions. */
    static byte[] discord(OutgoingNotification outgoing) {
        Notification n = outgoing.notification();
        String tail = n.link().map(url -> "\n<" + url + ">").orElse("") + "\n" + footer(outgoing);
        String head = "**" + n.title() + "**" + (n.text().isEmpty() ? "" : "\n" + n.text());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("content", cut(head, DISCORD_CONTENT_LIMIT - tail.length()) + tail);
        body.put("allowed_mentions", Map.of("parse", List.of()));
        return Json.write(body);
    }

    /**
     * A webhook channel's body, shaped as Standard Webhooks suggest: {@code type}, {@code timestamp}
     * and the event under {@code data}.
     */
    static byte[] webhook(OutgoingNotification outgoing, Instant timestamp) {
        Notification n = outgoing.notification();
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("id", outgoing.id());
        data.put("kind", n.kind());
        data.put("key", n.key());
        data.put("title", n.title());
        data.put("text", n.text());
        n.link().ifPresent(link -> data.put("link", link));
        data.put("module", outgoing.module());
        Map<String, Object> repository = new LinkedHashMap<>();
        repository.put("forge", outgoing.forge());
        repository.put("owner", outgoing.owner());
        repository.put("name", outgoing.repo());
        data.put("repository", repository);
        data.put("source_delivery_id", outgoing.sourceDeliveryId());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", WEBHOOK_TYPE);
        body.put("timestamp", timestamp.toString());
        body.put("data", data);
        return Json.write(body);
    }

    /** Where it comes from, one line: {@code MyOrg/app · release (from release)}. */
    private static String footer(OutgoingNotification outgoing) {
        String about = outgoing.about();
        String kind = outgoing.notification().kind() + (outgoing.module().isEmpty() ? "" : " (from " + outgoing.module() + ")");
        return about.isEmpty() ? kind : about + " · " + kind;
    }

    /** Slack's three control characters as its entities. */
    static String slackEscape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    /**
     * {@code text} when it has at most {@code max} characters, else its start and {@link #CUT_MARKER}
     * in {@code max}: never a surrogate pair or a Slack entity ({@code &amp;}) split in two.
     */
    static String cut(String text, int max) {
        if (text.length() <= max) {
            return text;
        }
        int end = Math.max(0, max - CUT_MARKER.length());
        if (end > 0 && Character.isHighSurrogate(text.charAt(end - 1))) {
            end--;
        }
        int amp = text.lastIndexOf('&', end - 1);
        if (amp >= 0 && text.indexOf(';', amp) >= end && end - amp < 6) {
            end = amp;
        }
        return text.substring(0, end) + CUT_MARKER;
    }
}
