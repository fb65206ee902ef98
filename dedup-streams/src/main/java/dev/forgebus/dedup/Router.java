package dev.forgebus.dedup;

import java.util.List;
import java.util.Optional;

import dev.forgebus.common.config.ForgebusConfig;
import dev.forgebus.common.config.ModuleBlock;
import dev.forgebus.common.config.ModuleDeclaration;
import dev.forgebus.common.config.ModuleId;
import dev.forgebus.common.config.RepositorySettings;
import dev.forgebus.common.config.TriggerVerdict;
import dev.forgebus.common.event.EventEnvelope;
import dev.forgebus.common.event.RouteDecision;
import dev.forgebus.common.event.WebhookEvents;
import dev.forgebus.common.schedule.ScheduledJob;
import dev.forgebus.common.schedule.ScheduledJobs;

/**
 * Which modules receive one webhook event, and why or why not: a pure function of the config and
 * the envelope, so that the delivery trace explains every decision.
 *
 * <p>The router holds no module knowledge: it asks each webhook-driven module's declaration
 * ({@link ModuleDeclaration.Start.Webhooks}) of the config's catalog, in catalog order. Modules
 * that other modules' events or the scheduler's ticks start are left out of webhook decisions
 * rather than listed as "not routed" on every event. A tick (forge {@code scheduler}, event
 * {@code schedule}) is decided by {@link #decideTick} instead: one decision per module.
 */
public final class Router {

    public static final String REPOSITORY_NOT_CONFIGURED = "repository not configured";
    public static final String MODULE_NOT_CONFIGURED = "module not configured";
    public static final String MODULE_DISABLED = "module disabled";

    private Router() {
    }

    /** One decision per webhook-driven module of the config's catalog, in catalog order. */
    public static List<RouteDecision> decide(ForgebusConfig config, EventEnvelope e) {
        if (EmittedRouting.isEmitted(e)) {
            return EmittedRouting.decide(config, e);
        }
        if (e.forge().equals(ScheduledJobs.FORGE_ID) && e.event().equals(ScheduledJobs.EVENT)) {
            return decideTick(config, e);
        }
        RepositorySettings settings = config.resolve(e.forge(), e.owner(), e.repo());
        return config.modules().webhookDriven().stream().map(module -> decide(module, config, settings, e)).toList();
    }

    private static <S extends ModuleBlock> RouteDecision decide(ModuleDeclaration<S> module, ForgebusConfig config,
                                                                RepositorySettings settings, EventEnvelope e) {
        ModuleDeclaration.Start.Webhooks<S> webhooks = module.webhooks().orElseThrow();
        Optional<S> block = webhooks.lookup()
                .map(lookup -> lookup.find(config, e.forge(), e.owner(), e.repo()))
                .orElseGet(() -> settings.block(module));
        Optional<RouteDecision> unavailable = unavailable(module.id(), settings, block);
        if (unavailable.isPresent()) {
            return unavailable.get();
        }
        TriggerVerdict verdict = webhooks.trigger().decide(block.get(), e);
        if (verdict.fires()) {
            return new RouteDecision(module.id().id(), true, "trigger (" + e.eventAction() + ")");
        }
        return notRouted(module.id(), "event not a trigger (" + verdict.why().orElse(e.eventAction()) + ")");
    }

    /**
     * Why {@code module} cannot act for a repository whose settings are {@code settings}, given the
     * block that applies ({@code block}): no org, no block, or a block switched off. Empty when it
     * may act. One ladder for webhooks and for events modules emit ({@link EmittedRouting}).
     */
    static Optional<RouteDecision> unavailable(ModuleId module, RepositorySettings settings,
                                               Optional<? extends ModuleBlock> block) {
        if (block.isEmpty()) {
            return Optional.of(notRouted(module, settings.org().isEmpty() ? REPOSITORY_NOT_CONFIGURED : MODULE_NOT_CONFIGURED));
        }
        if (!block.get().enabled()) {
            return Optional.of(notRouted(module, MODULE_DISABLED));
        }
        return Optional.empty();
    }

    /**
     * A scheduler tick goes to exactly the module its payload names, when the job it names still
     * exists in the current config for that module (a stale job exists only while its org's
     * stale_management is enabled); every other module is listed as not routed, so the trace
     * says where the tick went. Only the scheduler writes forge {@code scheduler}: no configured
     * forge may take that id, so no webhook reaches this branch.
     */
    static List<RouteDecision> decideTick(ForgebusConfig config, EventEnvelope e) {
        String jobName = WebhookEvents.text(e.payload(), "job");
        String moduleId = WebhookEvents.text(e.payload(), "module");
        Optional<ScheduledJob> job = ScheduledJobs.named(config, jobName)
                .filter(j -> j.module().id().equals(moduleId) && j.org().equals(e.owner()));
        boolean knownModule = config.modules().byId(moduleId).isPresent();
        return config.modules().ids().stream().map(module -> {
            if (!module.id().equals(moduleId)) {
                return notRouted(module, "scheduler tick for " + (knownModule ? moduleId : "another module"));
            }
            return job.isPresent()
                    ? new RouteDecision(module.id(), true, "scheduler tick (" + job.get().name() + ")")
                    : notRouted(module, "scheduler tick of a job no longer configured");
        }).toList();
    }

    private static RouteDecision notRouted(ModuleId module, String reason) {
        return new RouteDecision(module.id(), false, reason);
    }
}
