package dev.forgebus.common.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reloads the config file into a {@link ConfigSource} when it changes (SPEC 6): a valid new file
 * is put in force at once; an invalid one is refused with every {@code FILE:LINE} problem in one
 * WARN line, and the config in force stays (so {@code /ready} does not change either).
 *
 * <p><b>Why polling, not {@code WatchService}.</b> {@code WatchService} misses changes on network
 * and overlay filesystems, on macOS it is itself a 10-second poll, and a Kubernetes ConfigMap is
 * updated by swapping a symlink ({@code ..data}) in the parent directory, which a watch on the
 * file's own directory never reports. Reading the file every {@link #DEFAULT_INTERVAL} and comparing
 * a SHA-256 of its content catches all of these, also an edit within one mtime tick or one that
 * keeps the size; a file is at most 4 MiB, so the read costs next to nothing.
 *
 * <p><b>Environment.</b> {@code ${VAR}} references are resolved again on every reload, with the
 * environment given here: for a process, its own environment, the same as at start (a running
 * process's environment does not change, so changing a variable needs a restart; changing the
 * reference in the file does not).
 *
 * <p>The first check after start compares the file with the config in force, not with a
 * remembered fingerprint, so an edit made between the start's load and the watcher's first look
 * is not missed.
 */
public final class ConfigWatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigWatcher.class);

    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(2);

    /** What one look at the file did. */
    public sealed interface Outcome {
        /** Same content as last time, or content that reads to the config in force. */
        record Unchanged() implements Outcome {
        }

        /** The file's config is now in force. */
        record Applied(ConfigChanges changes, Instant at) implements Outcome {
        }

        /** The file is invalid; the config in force was kept. */
        record Rejected(List<ConfigProblem> problems) implements Outcome {
            public Rejected {
                problems = List.copyOf(problems);
            }
        }
    }

    private final Path file;
    private final Function<String, String> environment;
    private final ConfigSource source;
    private final Clock clock;
    private final List<Consumer<Outcome>> listeners = new CopyOnWriteArrayList<>();
    /** SHA-256 of the content last looked at; null until the first look. */
    private String lastSeen;
    private ScheduledExecutorService poller;

    /**
     * @param environment resolves {@code ${VAR}}: {@code System::getenv} in a process
     * @param clock       the time of {@link Outcome.Applied#at()}
     */
    public ConfigWatcher(Path file, Function<String, String> environment, ConfigSource source, Clock clock) {
        this.file = Objects.requireNonNull(file, "file");
        this.environment = Objects.requireNonNull(environment, "environment");
        this.source = Objects.requireNonNull(source, "source");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** {@code listener} hears every outcome other than {@link Outcome.Unchanged} (metrics). */
    public void onOutcome(Consumer<Outcome> listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** Looks at the file {@code every} interval on a daemon thread until {@link #close()}. */
    public synchronized ConfigWatcher start(Duration every) {
        if (poller != null) {
            throw new IllegalStateException("already started");
        }
        poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "forgebus-config-watcher");
            t.setDaemon(true);
            return t;
        });
        poller.scheduleWithFixedDelay(this::checkQuietly, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
        LOG.info("watching {} for changes (every {} ms)", file, every.toMillis());
        return this;
    }

    /** Looks at the file now: the poller's one step, and what tests call instead of waiting. */
    public synchronized Outcome checkNow() {
        String seen = fingerprint();
        if (seen.equals(lastSeen)) {
            return new Outcome.Unchanged();
        }
        lastSeen = seen;
        Outcome outcome;
        try {
            // Read with the running config's modules: a reload cannot change which modules the process has.
            ForgebusConfig next = ConfigLoader.load(file, environment, source.get().modules());
            ConfigChanges changes = ConfigChanges.between(source.get(), next);
            if (changes.isEmpty()) {
                return new Outcome.Unchanged(); // a touch, or an edit that changes nothing
            }
            source.replace(next);
            outcome = new Outcome.Applied(changes, clock.instant());
            log((Outcome.Applied) outcome);
        } catch (ConfigException e) {
            outcome = new Outcome.Rejected(e.problems());
            LOG.warn("config {} not reloaded, the running config is kept: {}", file,
                    e.problems().stream().map(ConfigProblem::toString).collect(Collectors.joining(" | ")));
        }
        for (Consumer<Outcome> listener : listeners) {
            listener.accept(outcome);
        }
        return outcome;
    }

    private void log(Outcome.Applied applied) {
        // Key names only: values include secrets.
        LOG.info("config reloaded from {} at {}: changed {}", file, applied.at(), String.join(", ", applied.changes().sections()));
        for (String key : applied.changes().restartOnly()) {
            LOG.warn("{} changed: takes effect after a restart", key);
        }
    }

    private void checkQuietly() {
        try {
            checkNow();
        } catch (RuntimeException e) {
            // A bug here must not end the schedule (an exception would cancel it for good).
            LOG.warn("checking {} for changes failed: {}", file, e.toString());
        }
    }

    /** SHA-256 of the content; a file that cannot be read fingerprints by its error. */
    private String fingerprint() {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (IOException e) {
            return "unreadable: " + e;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public synchronized void close() {
        if (poller != null) {
            poller.shutdownNow();
        }
    }
}
