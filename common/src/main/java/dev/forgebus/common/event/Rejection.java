package dev.forgebus.common.event;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One delivery the gateway refused, as kept on {@code <prefix>.rejections}: enough to answer "GitHub
 * says it delivered, Forgebus says nothing" and nothing an attacker could use to fill or poison the
 * log. Never the body, never a signature. Every text is cut and reduced to a safe alphabet here, so
 * whatever a sender puts in a path or header, a record stays small and printable.
 *
 * @param time     when the gateway refused it
 * @param forge    the forge id as the URL named it (it may be no configured forge: {@code unknown_forge})
 * @param reason   the machine-readable reason (the {@code reason} of the rejection metric)
 * @param status   the HTTP status answered
 * @param source   the address of the connection (no proxy header is trusted)
 * @param delivery the delivery id header, when one was sent; "" when none
 * @param event    the event header, when one was sent; "" when none
 */
public record Rejection(Instant time, String forge, String reason, int status, String source, String delivery, String event) {
    /** Longest delivery id kept; GitHub's are 36 characters. */
    public static final int MAX_DELIVERY = 100;
    /** Longest forge id, event name, reason and source kept. */
    public static final int MAX_FIELD = 64;

    public Rejection {
        Objects.requireNonNull(time, "time");
        forge = clean(forge, MAX_FIELD);
        reason = clean(reason, MAX_FIELD);
        source = clean(source, MAX_FIELD);
        delivery = clean(delivery, MAX_DELIVERY);
        event = clean(event, MAX_FIELD);
    }

    /**
     * At most {@code max} characters of A-Z a-z 0-9 {@code . _ : @ + = - [ ]} (enough for ids, event
     * names and IPv6 addresses); anything else becomes {@code ?}; null is "".
     */
    static String clean(String text, int max) {
        if (text == null) {
            return "";
        }
        int length = Math.min(text.length(), max);
        StringBuilder clean = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            char c = text.charAt(i);
            boolean safe = c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || ".:_@+=-[]".indexOf(c) >= 0;
            clean.append(safe ? c : '?');
        }
        return clean.toString();
    }

    /** The delivery id, when the sender gave one. */
    public Optional<String> deliveryId() {
        return delivery.isEmpty() ? Optional.empty() : Optional.of(delivery);
    }

    public byte[] toJson() {
        return Json.write(this);
    }

    public static Rejection fromJson(byte[] json) {
        return Json.read(json, Rejection.class);
    }
}
