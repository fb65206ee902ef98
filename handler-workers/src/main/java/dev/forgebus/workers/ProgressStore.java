package dev.forgebus.workers;

import java.util.Optional;

import dev.forgebus.forge.ForgeCallException;

/**
 * A module's durable key-value store for long work, such as a sweep over hundreds of repositories
 * that must resume where it was after a restart ({@link HandlerContext#progress()}). Shared by every
 * worker instance of the module: a {@link #get} sees every {@link #put} acknowledged before it was
 * called, whichever instance made it.
 *
 * <p>Keys are 1 to {@value #MAX_KEY_CHARS} printable ASCII characters without spaces; values at most
 * {@value #MAX_VALUE_BYTES} bytes of UTF-8; at most {@value #MAX_ENTRIES} keys per module. Breaking a
 * bound is a bug of the handler: {@link IllegalArgumentException}, nothing written.
 *
 * <p>Failure semantics: when Kafka does not answer within the store's deadline, the call throws a
 * {@link ForgeCallException.Kind#TRANSIENT} {@link ForgeCallException} (status 0), so the item is
 * retried like after a network error; a put that timed out may still land (the retry writes the same
 * value again).
 */
public interface ProgressStore {
    int MAX_KEY_CHARS = 200;
    int MAX_VALUE_BYTES = 16 * 1024;
    int MAX_ENTRIES = 10_000;

    /** The latest value of {@code key}, waiting (bounded) until every write made before this call is read. */
    Optional<String> get(String key) throws ForgeCallException, InterruptedException;

    /** Stores {@code value} under {@code key}; returns once Kafka acknowledged it. */
    void put(String key, String value) throws ForgeCallException, InterruptedException;

    /** Forgets {@code key}; returns once Kafka acknowledged it. */
    void remove(String key) throws ForgeCallException, InterruptedException;
}
