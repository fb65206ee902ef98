package dev.forgebus.broker;

/** The embedded Kafka broker could not be started (port taken, data directory unusable, not serving in time...). */
public class EmbeddedBrokerException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public EmbeddedBrokerException(String message) {
        super(message);
    }

    public EmbeddedBrokerException(String message, Throwable cause) {
        super(message, cause);
    }
}
