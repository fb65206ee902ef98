package dev.forgebus.workers.settings;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.forgebus.common.config.ConfigException;
import dev.forgebus.common.config.ForgebusConfig;
import dev.forgebus.common.config.OpsFile;
import dev.forgebus.common.config.RepoRef;
import dev.forgebus.common.config.RepositorySettings;
import dev.forgebus.forge.FileContent;
import dev.forgebus.forge.ForgeCallException;
import dev.forgebus.forge.ForgeClients;

/**
 * The settings handlers act on: the main config's resolution for the repository, with the
 * repository's {@code .ops.yaml} laid over it (SPEC 6). One per worker process, shared by every
 * handler, so that whichever handler sees a push that touches the file refreshes it for all.
 *
 * <p>The file is fetched from the default branch through the forge API and cached per
 * repository. An entry is revalidated when it is older than {@code refreshInterval} (GitHub
 * answers the conditional request with an unbilled 304 when nothing changed) and dropped by
 * {@link #invalidate} when a push to the default branch touches it. That push reaches this cache
 * only when the router sends it to a module of this process (pushes go to mirror, release and
 * dependency triggers, not triage), so the interval is what bounds staleness in general.
 *
 * <p>A file with problems does not stop work: its problems are logged and answered with the
 * settings (see {@link Resolved#problem}), and the last good version stays in force (the main
 * config's settings when there never was one). So does a file whose reading throws anything at
 * all: it is cached under its blob SHA like a file with problems, never read again until it
 * changes, and never makes the item fail and be retried. A repository without the file gets the main
 * config's settings; so does one whose token may not read it (a permanent failure is a fact
 * about the credential, logged, not a reason to dead-letter every event of the repository).
 */
public final class RepoSettingsSource {
    private static final Logger LOG = LoggerFactory.getLogger(RepoSettingsSource.class);

    /** Default revalidation interval of a cached {@code .ops.yaml}. */
    public static final Duration DEFAULT_REFRESH_INTERVAL = Duration.ofMinutes(5);

    /**
     * The effective settings of a repository.
     *
     * @param problem why the repository's current {@code .ops.yaml} is not what is in force
     *                (its problems, each {@code .ops.yaml:LINE: message}), empty when it is
     */
    public record Resolved(RepositorySettings settings, Optional<String> problem) {
        public Resolved {
            Objects.requireNonNull(settings, "settings");
            Objects.requireNonNull(problem, "problem");
        }
    }

    /**
     * One repository's cached file.
     *
     * @param sha              the blob SHA of the file last read, "" when there is none
     * @param lastGood         the settings of the last version without problems (or the main config's)
     * @param lastGoodFromFile whether {@code lastGood} came from a {@code .ops.yaml}
     * @param checkedAt        when the forge was last asked; {@link Instant#MIN} once invalidated
     * @param basedOn          the main config {@code lastGood} was resolved from: after a reload
     *                         the entry is read again over the new one (compared by identity)
     */
    private record Entry(String sha, RepositorySettings lastGood, boolean lastGoodFromFile, Optional<String> problem,
                         Instant checkedAt, ForgebusConfig basedOn) {

        Entry checked(Instant at) {
            return new Entry(sha, lastGood, lastGoodFromFile, problem, at, basedOn);
        }
    }

    /** Reads a fetched file over the main config's settings: {@link OpsFile#apply}, replaced in tests. */
    @FunctionalInterface
    interface OpsFileReader {
        RepositorySettings apply(ForgebusConfig config, RepositorySettings base, RepoRef repo, String text)
                throws ConfigException;
    }

    /** The main config in force; read once per {@link #settings} call. */
    private final Supplier<ForgebusConfig> configs;
    private final ForgeClients clients;
    private final OpsFileReader reader;
    private final Clock clock;
    private final Duration refreshInterval;
    private final boolean readsOpsFiles;
    private final Map<String, Entry> cache = new ConcurrentHashMap<>();

    public RepoSettingsSource(ForgebusConfig config, ForgeClients clients, Clock clock, Duration refreshInterval) {
        this(config, clients, clock, refreshInterval, true, OpsFile::apply);
    }

    RepoSettingsSource(ForgebusConfig config, ForgeClients clients, Clock clock, Duration refreshInterval,
                       OpsFileReader reader) {
        this(config, clients, clock, refreshInterval, true, reader);
    }

    public RepoSettingsSource(ForgebusConfig config, ForgeClients clients) {
        this(config, clients, Clock.systemUTC(), DEFAULT_REFRESH_INTERVAL);
    }

    RepoSettingsSource(Supplier<ForgebusConfig> configs, ForgeClients clients, Clock clock, Duration refreshInterval) {
        this(configs, clients, clock, refreshInterval, true, OpsFile::apply);
    }

    /** Follows the main config in force ({@code ConfigSource}): a reload applies to the next item. */
    public RepoSettingsSource(Supplier<ForgebusConfig> configs, ForgeClients clients) {
        this(configs, clients, Clock.systemUTC(), DEFAULT_REFRESH_INTERVAL, true, OpsFile::apply);
    }

    private RepoSettingsSource(ForgebusConfig config, ForgeClients clients, Clock clock, Duration refreshInterval,
                               boolean readsOpsFiles, OpsFileReader reader) {
        this(() -> Objects.requireNonNull(config, "config"), clients, clock, refreshInterval, readsOpsFiles, reader);
        Objects.requireNonNull(config, "config");
    }

    private RepoSettingsSource(Supplier<ForgebusConfig> configs, ForgeClients clients, Clock clock, Duration refreshInterval,
                               boolean readsOpsFiles, OpsFileReader reader) {
        this.configs = Objects.requireNonNull(configs, "configs");
        this.clients = Objects.requireNonNull(clients, "clients");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.refreshInterval = Objects.requireNonNull(refreshInterval, "refreshInterval");
        this.readsOpsFiles = readsOpsFiles;
        this.reader = Objects.requireNonNull(reader, "reader");
    }

    /**
     * The main config's settings only, never a {@code .ops.yaml}: for tools and tests of a
     * module's own logic, which must not depend on (or make) contents requests.
     */
    public static RepoSettingsSource mainConfigOnly(ForgebusConfig config, ForgeClients clients) {
        return new RepoSettingsSource(config, clients, Clock.systemUTC(), DEFAULT_REFRESH_INTERVAL, false, OpsFile::apply);
    }

    /** The main config in force now. */
    public ForgebusConfig config() {
        return configs.get();
    }

    /**
     * The settings of {@code owner/repo} on {@code forgeId}. A transient failure to fetch the file
     * is thrown when nothing is cached yet (the runtime retries the item), else the cached entry
     * is used and fetched again next time.
     */
    public Resolved settings(String forgeId, String owner, String repo) throws ForgeCallException, InterruptedException {
        ForgebusConfig config = configs.get();
        RepositorySettings base = config.resolve(forgeId, owner, repo);
        if (base.org().isEmpty() || !readsOpsFiles) {
            return new Resolved(base, Optional.empty()); // no org: nothing acts on it, no file to read
        }
        RepoRef ref = new RepoRef(forgeId, owner, repo);
        String key = keyOf(ref);
        Entry cached = cache.get(key);
        Instant now = clock.instant();
        if (cached != null && cached.basedOn() == config && now.isBefore(cached.checkedAt().plus(refreshInterval))) {
            return new Resolved(cached.lastGood(), cached.problem());
        }
        Entry fresh;
        try {
            fresh = read(config, ref, base, cached, now);
        } catch (ForgeCallException e) {
            if (e.kind() == ForgeCallException.Kind.PERMANENT) {
                LOG.warn("{}: cannot read {} ({}); using the main config's settings for it", ref, OpsFile.PATH,
                        e.getMessage());
                fresh = new Entry("", base, false, Optional.of("cannot read " + OpsFile.PATH + ": " + e.getMessage()), now,
                        config);
            } else if (cached != null) {
                LOG.info("{}: could not revalidate {} ({}); keeping the cached one", ref, OpsFile.PATH, e.getMessage());
                // Without a file layer the main config in force is the whole answer, reloaded or not.
                return new Resolved(cached.lastGoodFromFile() ? cached.lastGood() : base, cached.problem());
            } else {
                throw e;
            }
        }
        cache.put(key, fresh);
        return new Resolved(fresh.lastGood(), fresh.problem());
    }

    /**
     * Marks the cached file of {@code repo} as stale: the next {@link #settings} call reads it
     * again. The entry itself stays, since its last good settings apply if the new file is broken.
     */
    public void invalidate(RepoRef repo) {
        if (cache.computeIfPresent(keyOf(repo), (key, entry) -> entry.checked(Instant.MIN)) != null) {
            LOG.info("{}: {} changed on the default branch; reading it again", repo, OpsFile.PATH);
        }
    }

    private Entry read(ForgebusConfig config, RepoRef ref, RepositorySettings base, Entry cached, Instant now)
            throws ForgeCallException, InterruptedException {
        Optional<FileContent> file = clients.forOwner(ref.forgeId(), ref.owner())
                .fileContent(ref, OpsFile.PATH, Optional.empty());
        if (file.isEmpty()) {
            return new Entry("", base, false, Optional.empty(), now, config);
        }
        if (cached != null && cached.basedOn() == config && cached.sha().equals(file.get().sha())) {
            return cached.checked(now); // unchanged, and so is the main config: not parsed again
        }
        String sha = file.get().sha();
        try {
            RepositorySettings settings = reader.apply(config, base, ref, file.get().text());
            return new Entry(sha, settings, true, Optional.empty(), now, config);
        } catch (ConfigException e) {
            return invalid(config, ref, base, cached, sha, e.getMessage(), now);
        } catch (Throwable e) {
            // Whatever the file did to the reader (a StackOverflowError from a crafted file, a bug
            // of ours), it is this blob that is invalid: cached under its SHA like a file with
            // problems, so it is not read again on every event, and never a retry of the item.
            LOG.warn("{}: reading {} (blob {}) failed: {}", ref, OpsFile.PATH, sha, e.toString()); // no stack: may be 1000s of frames
            return invalid(config, ref, base, cached, sha, OpsFile.PATH + ": could not be read: " + e.getClass().getSimpleName(),
                    now);
        }
    }

    private static Entry invalid(ForgebusConfig config, RepoRef ref, RepositorySettings base, Entry cached, String sha,
                                 String reason, Instant now) {
        boolean keepLastGood = cached != null && cached.lastGoodFromFile();
        String problem = OpsFile.PATH + " of " + ref.fullName() + " (blob " + sha + ") is ignored, "
                + (keepLastGood ? "the last good one stays in force" : "the main config's settings apply") + ": "
                + reason;
        LOG.warn("{}", problem.replace('\n', ';'));
        return new Entry(sha, keepLastGood ? cached.lastGood() : base, keepLastGood, Optional.of(problem), now, config);
    }

    private static String keyOf(RepoRef repo) {
        // Owners and repository names are case-insensitive on every supported forge.
        return repo.forgeId() + ":" + repo.owner().toLowerCase(Locale.ROOT) + "/" + repo.repo().toLowerCase(Locale.ROOT);
    }
}
