package dev.forgebus.common.emit;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

import dev.forgebus.common.event.DeliveryNames;

/**
 * A notification event (SPEC 7.9) a module emits for the {@code notifications} module: what
 * happened ({@code kind}, matched against a channel's {@code events} filter), a one-line title, a
 * short text and an optional link. Every field is checked and bounded here, where the handler
 * builds it, so a notification that reaches a topic is always small and printable.
 *
 * @param key   the handler's name for this notification within its item (e.g. {@code release:v1.2.0}):
 *              the same key emitted again for the same item is the same notification, delivered once
 * @param kind  the notification event, e.g. {@code release}, {@code mirror_drift}, {@code health_down}
 * @param title one line, at most {@link #MAX_TITLE} characters
 * @param text  at most {@link #MAX_TEXT} characters; new lines and tabs allowed, other control
 *              characters not
 * @param link  an absolute http(s) URL of at most {@link #MAX_LINK} characters, when there is one
 */
public record Notification(String key, String kind, String title, String text, Optional<String> link) {

    public static final int MAX_KEY = 100;
    public static final int MAX_TITLE = 200;
    public static final int MAX_TEXT = 4000;
    public static final int MAX_LINK = 2000;

    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9._:@+=-]{1," + MAX_KEY + "}");

    public Notification {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(link, "link");
        if (!KEY.matcher(key).matches()) {
            throw new IllegalArgumentException("notification key must be 1-" + MAX_KEY
                    + " characters of letters, digits and . _ : @ + = -");
        }
        if (!DeliveryNames.isToken(kind)) {
            throw new IllegalArgumentException("notification kind must be a lowercase token (a-z, 0-9, _ .), 64 at most");
        }
        checkText("title", title, MAX_TITLE, false);
        checkText("text", text, MAX_TEXT, true);
        link.ifPresent(Notification::checkLink);
    }

    /** A notification without a link. */
    public static Notification of(String key, String kind, String title, String text) {
        return new Notification(key, kind, title, text, Optional.empty());
    }

    /** The same notification with {@code url} as its link. */
    public Notification withLink(String url) {
        return new Notification(key, kind, title, text, Optional.of(url));
    }

    /**
     * The notification an emitted record's payload carries ({@link EmittedEvents#notificationRecord}),
     * checked again: the reader does not trust that the writer checked.
     *
     * @throws IllegalArgumentException when a field is missing or breaks a rule
     */
    public static Notification fromPayload(JsonNode payload) {
        JsonNode link = payload.path(EmittedEvents.LINK);
        return new Notification(text(payload, EmittedEvents.KEY), text(payload, EmittedEvents.KIND),
                text(payload, EmittedEvents.TITLE), text(payload, EmittedEvents.TEXT),
                link.isTextual() ? Optional.of(link.asText()) : Optional.empty());
    }

    private static String text(JsonNode payload, String field) {
        JsonNode node = payload.path(field);
        if (!node.isTextual()) {
            throw new IllegalArgumentException("notification field '" + field + "' missing");
        }
        return node.asText();
    }

    private static void checkText(String field, String value, int max, boolean multiLine) {
        if (value.length() > max) {
            throw new IllegalArgumentException("notification " + field + " has " + value.length() + " characters; at most " + max);
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isISOControl(c) && !(multiLine && (c == '\n' || c == '\t'))) {
                throw new IllegalArgumentException("notification " + field + " contains a control character at " + i);
            }
            if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                // Would become '?' on the way to UTF-8, and strict readers refuse it.
                throw new IllegalArgumentException("notification " + field + " contains an unpaired surrogate at " + i);
            }
        }
    }

    private static void checkLink(String url) {
        if (url.length() > MAX_LINK) {
            throw new IllegalArgumentException("notification link has " + url.length() + " characters; at most " + MAX_LINK);
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("notification link is not a URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (!(scheme.equals("https") || scheme.equals("http")) || uri.getHost() == null || uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException("notification link must be an absolute http(s) URL with a host and no user info");
        }
    }
}
