package dev.forgebus.workers.migrations;

/** A migration run that cannot go on, with a message fit for an operator (never a password). */
public final class MigrationException extends Exception {
    public MigrationException(String message) {
        super(message);
    }
}
