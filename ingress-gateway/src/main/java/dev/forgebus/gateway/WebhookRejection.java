package dev.forgebus.gateway;

/**
 * A delivery the gateway refuses, with the HTTP status, a stable machine-readable reason (also
 * the {@code reason} tag of the rejection metric) and a message for the sender. Messages never
 * contain secrets or the body.
 */
final class WebhookRejection extends RuntimeException {
    private final int status;
    private final String reason;
    private final String forgeTag;

    WebhookRejection(int status, String reason, String forgeTag, String message) {
        super(message, null, false, false);
        this.status = status;
        this.reason = reason;
        this.forgeTag = forgeTag;
    }

    int status() {
        return status;
    }

    String reason() {
        return reason;
    }

    String forgeTag() {
        return forgeTag;
    }
}
