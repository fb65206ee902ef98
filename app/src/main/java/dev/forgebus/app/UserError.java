package dev.forgebus.app;

/** A mistake of the user (missing file, invalid config): printed as one line, no stack trace. */
final class UserError extends RuntimeException {
    UserError(String message) {
        super(message, null, false, false);
    }
}
