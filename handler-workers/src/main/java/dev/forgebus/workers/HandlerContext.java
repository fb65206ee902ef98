package dev.forgebus.workers;

import java.time.Clock;
import java.util.Objects;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forgebus.common.config.ForgebusConfig;
import dev.forgebus.common.config.ModuleId;
import dev.forgebus.common.emit.EmittedEvents;
import dev.forgebus.common.emit.WorkEvent;
import dev.forgebus.common.config.ForgebusConfig;
import dev.forgebus.common.emit.Notification;
import dev.forgebus.common.event.EventEnvelope;
import dev.forgebus.forge.ForgeCallException;
import dev.forgebus.forge.ForgeClients;
import dev.forgebus.workers.settings.RepoSettingsSource;

/**
 * What a handler may use for one item, besides the item: the forge clients, the item's repository
 * settings, the clock, a way to emit events for other modules and its module's progress store.
 * Made by the runtime for each item ({@link HandlerServices#contextFor}); not shared between items
 * or threads.
 */
public final class HandlerContext {
    private final EventEnvelope item;
    private final HandlerServices services;
    private final Clock clock;
    private RepoSettingsSource.Resolved resolved;
    private volatile boolean wroteProgress;

    HandlerContext(EventEnvelope item, HandlerServices services, Clock clock) {
        this.item = Objects.requireNonNull(item, "item");
        this.services = Objects.requireNonNull(services, "services");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The clients of every configured forge, with the right credential per owner. */
    public ForgeClients clients() {
        return services.clients();
    }

    /**
     * The item's repository settings (main config with its {@code .ops.yaml} over it), resolved on
     * the first call and the same snapshot for the rest of the item, so one item never acts on two
     * versions of the file. For an item a module emitted (a notification) that is the repository it is
     * about, on its own forge ({@link EmittedEvents#repositoryForge}), not the reserved emitter forge.
     */
    public synchronized RepoSettingsSource.Resolved settings() throws ForgeCallException, InterruptedException {
        if (resolved == null) {
            resolved = services.settings().settings(EmittedEvents.repositoryForge(item), item.owner(), item.repo());
        }
        return resolved;
    }

    /**
     * The settings of another repository ({@code .ops.yaml} included), for an item that is not about
     * one repository: a scheduler tick sweeping an org's repositories. Not cached per item.
     */
    public RepoSettingsSource.Resolved settingsOf(String forgeId, String owner, String repo)
            throws ForgeCallException, InterruptedException {
        return services.settings().settings(forgeId, owner, repo);
    }

    /**
     * The main config in force now, without any {@code .ops.yaml}: for modules whose settings are
     * not the item's own repository's (mirror verification looks them up across forges,
     * {@code StandardModules.mirrorSettings}, as the router does) and for modules configured in a
     * top-level section ({@code health_monitor}, {@code cron_dispatch}), whose ticks name no repository.
     */
    public ForgebusConfig config() {
        return services.settings().config();
    }

    /** The runtime's clock ({@code WorkerSettings.clock()}): what "now" is for due times and stamps. */
    public Clock clock() {
        return clock;
    }

    /**
     * Emits {@code notification} for the {@code notifications} module, about the item's repository;
     * returns once Kafka acknowledged it. Emit before returning from {@code handle}: the item's offset
     * is committed only after, so a crash in between redoes the item, and the same
     * {@link Notification#key()} emitted again for the same item is dropped by dedup as a repeat (one
     * notification work item). A different key is a different notification.
     *
     * @throws ForgeCallException {@code TRANSIENT} when Kafka did not acknowledge in time (the item is retried)
     * @throws IllegalStateException when the services are not bound to a module or have no emitter
     */
    public void emit(Notification notification) throws ForgeCallException, InterruptedException {
        emit(notification, item.forge(), item.owner(), item.repo());
    }

    /**
     * Like {@link #emit(Notification)}, about another repository: {@code forge:owner/repo}, whose
     * notification settings decide where it goes (a sweep started by a scheduler tick, a mirror whose
     * settings live with another forge's org). {@code owner} and {@code repo} may be "".
     */
    public void emit(Notification notification, String forge, String owner, String repo)
            throws ForgeCallException, InterruptedException {
        Objects.requireNonNull(notification, "notification");
        services.emitter().emit(module(), item.deliveryId(), forge, owner, repo, notification);
    }

    /**
     * Fans out one unit of work to this module itself: {@code key} (the unit's name within the item,
     * e.g. a downstream {@code github:MyOrg/app}; letters, digits and {@code . _ : @ + / -}, 150 at
     * most) with {@code payload} (a JSON object of at most 4 KiB: the facts the unit needs). It comes
     * back to this module's handler as its own work item, whose envelope is the emitted work event
     * ({@link WorkEvent#of}), for the item's repository, so it fails, dead-letters and is replayed on
     * its own. Same guarantee as {@link #emit(Notification)}: the same key fanned out again for the
     * same item (crash before the commit, retry, replay) is dropped by dedup, so each key is one work
     * item. Returns once Kafka acknowledged it.
     *
     * @throws IllegalArgumentException when the key or payload breaks its bounds
     * @throws IllegalStateException    when the item is itself fanned-out work (work does not fan out
     *                                  again), or the services are not bound to a module or have no emitter
     * @throws ForgeCallException       {@code TRANSIENT} when Kafka did not acknowledge in time
     */
    public void fanOut(String key, ObjectNode payload) throws ForgeCallException, InterruptedException {
        WorkEvent.checkKey(key);
        WorkEvent.checkPayload(payload);
        if (WorkEvent.isWork(item)) {
            throw new IllegalStateException("fanned-out work does not fan out again");
        }
        services.emitter().fanOut(module(), item.deliveryId(), item.forge(), item.owner(), item.repo(), key, payload);
    }

    /**
     * The module's durable progress store, shared by every worker instance of the module and kept
     * across restarts (a long sweep's cursor).
     *
     * @throws IllegalStateException when the services are not bound to a module or have no stores
     */
    public ProgressStore progress() {
        return new Recording(services.progress().of(module()));
    }

    /**
     * Whether this handling wrote to the progress store ({@code put} or {@code remove} acknowledged):
     * durable progress. The runtime reads it after {@code handle} returned a re-check, and counts
     * re-checks against {@code ModuleWorker.MAX_RECHECKS} only since the item last made progress.
     */
    public boolean wroteProgress() {
        return wroteProgress;
    }

    /** The module's store, noting each acknowledged write as progress of this item. */
    private final class Recording implements ProgressStore {
        private final ProgressStore store;

        Recording(ProgressStore store) {
            this.store = store;
        }

        @Override
        public java.util.Optional<String> get(String key) throws ForgeCallException, InterruptedException {
            return store.get(key);
        }

        @Override
        public void put(String key, String value) throws ForgeCallException, InterruptedException {
            store.put(key, value);
            wroteProgress = true;
        }

        @Override
        public void remove(String key) throws ForgeCallException, InterruptedException {
            store.remove(key);
            wroteProgress = true;
        }
    }

    private ModuleId module() {
        return services.module().orElseThrow(() -> new IllegalStateException(
                "handler services are not bound to a module (HandlerServices.forModule)"));
    }
}
