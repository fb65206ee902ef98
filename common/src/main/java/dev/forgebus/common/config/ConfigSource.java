package dev.forgebus.common.config;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The config a running process acts on now. Components hold this (as a
 * {@code Supplier<ForgebusConfig>}) instead of a config, and read {@link #get()} once per unit of
 * work (a request, a record, a work item) and use that snapshot throughout, so that one unit never
 * mixes two versions of the file. {@link ConfigWatcher} replaces it when the file changes.
 *
 * <p>A {@link ForgebusConfig} is immutable, so handing out the snapshot needs no copy and no lock.
 */
public final class ConfigSource implements Supplier<ForgebusConfig> {

    private final AtomicReference<ForgebusConfig> current;
    private final List<Consumer<ForgebusConfig>> listeners = new CopyOnWriteArrayList<>();

    public ConfigSource(ForgebusConfig initial) {
        this.current = new AtomicReference<>(Objects.requireNonNull(initial, "initial"));
    }

    /** The config in force now: read it once per unit of work and keep the snapshot. */
    @Override
    public ForgebusConfig get() {
        return current.get();
    }

    /** Same as {@link #get()}. */
    public ForgebusConfig current() {
        return current.get();
    }

    /**
     * Puts {@code next} in force and tells every listener, on the calling thread, after the swap.
     *
     * @return the config it replaced
     */
    public ForgebusConfig replace(ForgebusConfig next) {
        ForgebusConfig previous = current.getAndSet(Objects.requireNonNull(next, "next"));
        for (Consumer<ForgebusConfig> listener : listeners) {
            listener.accept(next);
        }
        return previous;
    }

    /** {@code listener} is called with every config put in force from now on (not the current one). */
    public void onChange(Consumer<ForgebusConfig> listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }
}
