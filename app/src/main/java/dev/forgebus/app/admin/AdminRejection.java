package dev.forgebus.app.admin;

/**
 * An admin request refused for what it is, not for a fault of ours: thrown by the readers of
 * bodies and parameters and answered in one place ({@link AdminRoutes}) with its status and
 * message. The message names the field; it never echoes a long or binary input back.
 */
final class AdminRejection extends RuntimeException {
    private final int status;
    private final String code;

    private AdminRejection(int status, String code, String message) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
    }

    static AdminRejection badRequest(String message) {
        return new AdminRejection(400, "bad_request", message);
    }

    static AdminRejection tooLarge(String message) {
        return new AdminRejection(413, "payload_too_large", message);
    }

    int status() {
        return status;
    }

    String code() {
        return code;
    }
}
