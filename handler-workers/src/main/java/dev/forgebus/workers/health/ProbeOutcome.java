package dev.forgebus.workers.health;

import java.util.Objects;

/**
 * What one probe found.
 *
 * @param up     the target answered as expected (status, and body text when configured)
 * @param detail why it is down ("status 503, expected 200", "no answer within 5s"), or what it answered
 *               when up; never the response body beyond its first line, and never a secret
 */
public record ProbeOutcome(boolean up, String detail) {

    public ProbeOutcome {
        Objects.requireNonNull(detail, "detail");
    }

    static ProbeOutcome up(String detail) {
        return new ProbeOutcome(true, detail);
    }

    static ProbeOutcome down(String detail) {
        return new ProbeOutcome(false, detail);
    }
}
