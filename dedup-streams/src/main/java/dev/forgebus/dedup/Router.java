package dev.forgebus.dedup;

import dev.forgebus.common.event.DeliveryNames;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;

import dev.forgebus.common.config.DependencyTriggers;
import dev.forgebus.common.config.ForgebusConfig;
import dev.forgebus.common.config.Mirror;
import dev.forgebus.common.config.ModuleId;
import dev.forgebus.common.config.Release;
import dev.forgebus.common.config.RepoConfig;
import dev.forgebus.common.config.RepositorySettings;
import dev.forgebus.common.event.EventEnvelope;
import dev.forgebus.common.event.RouteDecision;
import dev.forgebus.common.schedule.ScheduledJob;
import dev.forgebus.common.schedule.ScheduledJobs;

/**
 * Which modules receive one webhook event, and why or why not: a pure function of the config and
 * the envelope, so that the delivery trace explains every decision.
 *
 * <p>Only the {@link #EVENT_DRIVEN} modules are decided here. {@code notifications} receives
 * events from other modules; {@code stale}, {@code cron-dispatch}, {@code health-monitor} and
 * {@code migrations} run on the scheduler's ticks. They are left out of the decisions rather than
 * listed as "not routed" on every event. A tick (forge {@code scheduler}, event {@code schedule})
 * is decided by {@link #decideTick} instead: one decision per module.
 *
 * <p>The router decides by the shape of the event (type, action, ref) and the module's settings;
 * it does not look at content a handler must check anyway against the forge's current state
 * (tag pattern, labels, check results): a handler that finds nothing to do is cheap, and a
 * router that guessed from a stale payload would hide work.
 */
public final class Router {

    /** The modules webhooks can start, in the order their decisions are listed. */
    public static final List<ModuleId> EVENT_DRIVEN = List.of(ModuleId.TRIAGE, ModuleId.RELEASE, ModuleId.AUTO_MERGE,
            ModuleId.MIRROR, ModuleId.DEPENDENCY_TRIGGERS);

    public static final String REPOSITORY_NOT_CONFIGURED = "repository not configured";
    public static final String MODULE_NOT_CONFIGURED = "module not configured";
    public static final String MODULE_DISABLED = "module disabled";

    private Router() {
    }

    /** One decision per {@link #EVENT_DRIVEN} module, in that order. */
    public static List<RouteDecision> decide(ForgebusConfig config, EventEnvelope e) {
        if (EmittedRouting.isEmitted(e)) {
            return EmittedRouting.decide(config, e);
        }
        if (e.forge().equals(ScheduledJobs.FORGE_ID) && e.event().equals(ScheduledJobs.EVENT)) {
            return decideTick(config, e);
        }
        RepositorySettings settings = config.resolve(e.forge(), e.owner(), e.repo());
        return EVENT_DRIVEN.stream()
                .map(module -> module == ModuleId.MIRROR ? decideMirror(config, settings, e) : decide(module, settings, e))
                .toList();
    }

    private static RouteDecision decide(ModuleId module, RepositorySettings settings, EventEnvelope e) {
        if (settings.org().isEmpty()) {
            return notRouted(module, REPOSITORY_NOT_CONFIGURED);
        }
        if (!isConfigured(module, settings)) {
            return notRouted(module, MODULE_NOT_CONFIGURED);
        }
        if (!settings.enabled(module)) {
            return notRouted(module, MODULE_DISABLED);
        }
        return isTrigger(module, settings, e) ? routed(module, e) : notATrigger(module, e);
    }

    /**
     * A scheduler tick goes to exactly the module its payload names, when the job it names still
     * exists in the current config for that module (a stale job exists only while its org's
     * stale_management is enabled); every other module is listed as not routed, so the trace
     * says where the tick went. Only the scheduler writes forge {@code scheduler}: no configured
     * forge may take that id, so no webhook reaches this branch.
     */
    static List<RouteDecision> decideTick(ForgebusConfig config, EventEnvelope e) {
        String jobName = text(e.payload(), "job");
        String moduleId = text(e.payload(), "module");
        Optional<ScheduledJob> job = ScheduledJobs.named(config, jobName)
                .filter(j -> j.module().id().equals(moduleId) && j.org().equals(e.owner()));
        return Arrays.stream(ModuleId.values()).map(module -> {
            if (!module.id().equals(moduleId)) {
                return notRouted(module, "scheduler tick for " + (ModuleId.byId(moduleId).isPresent() ? moduleId : "another module"));
            }
            return job.isPresent()
                    ? new RouteDecision(module.id(), true, "scheduler tick (" + job.get().name() + ")")
                    : notRouted(module, "scheduler tick of a job no longer configured");
        }).toList();
    }

    /**
     * Mirror verification is configured on the repository of the org that lists it, but it acts
     * on pushes to the PRIMARY copy, {@code <primary_forge>:<owner>/<repo>}, which may live on
     * another forge than the org (a GitHub org whose primary is on Codeberg). So the mirror
     * settings of a push come from its own repository's settings, or else from the repository of
     * the same names, on another forge, whose mirror names this forge as the primary.
     */
    private static RouteDecision decideMirror(ForgebusConfig config, RepositorySettings settings, EventEnvelope e) {
        Optional<Mirror> mirror = mirrorSettings(config, e.forge(), e.owner(), e.repo());
        if (mirror.isEmpty()) {
            return settings.org().isEmpty()
                    ? notRouted(ModuleId.MIRROR, REPOSITORY_NOT_CONFIGURED)
                    : notRouted(ModuleId.MIRROR, MODULE_NOT_CONFIGURED);
        }
        Mirror m = mirror.get();
        if (!m.enabled()) {
            return notRouted(ModuleId.MIRROR, MODULE_DISABLED);
        }
        if (!e.event().equals("push")) {
            return notATrigger(ModuleId.MIRROR, e);
        }
        if (!m.primaryForge().equals(e.forge())) {
            return notRouted(ModuleId.MIRROR, "event not a trigger (push to a copy; the primary is on " + m.primaryForge() + ")");
        }
        if (!m.verifyOnPush()) {
            return notRouted(ModuleId.MIRROR, "event not a trigger (push; verify_on_push is off)");
        }
        return routed(ModuleId.MIRROR, e);
    }

    /**
     * The mirror settings that apply to {@code forge:owner/repo}: its own org's repository block,
     * else a repository block of an org on another forge whose {@code primary_forge} is this forge
     * (the primary carries the repository's names). Workers use the same lookup.
     */
    public static Optional<Mirror> mirrorSettings(ForgebusConfig config, String forge, String owner, String repo) {
        Optional<Mirror> own = config.resolve(forge, owner, repo).mirror();
        if (own.isPresent()) {
            return own;
        }
        return config.orgs().values().stream()
                .filter(org -> !org.forge().equals(forge) && DeliveryNames.sameName(org.name(), owner))
                .map(org -> org.repository(repo))
                .flatMap(Optional::stream)
                .map(RepoConfig::settings)
                .flatMap(s -> s.mirror().stream())
                .filter(m -> m.primaryForge().equals(forge))
                .findFirst();
    }

    private static boolean isConfigured(ModuleId module, RepositorySettings s) {
        return switch (module) {
            case TRIAGE -> s.triage().isPresent();
            case RELEASE -> s.release().isPresent();
            case AUTO_MERGE -> s.autoMerge().isPresent();
            case MIRROR -> s.mirror().isPresent();
            case DEPENDENCY_TRIGGERS -> s.dependencyTriggers().isPresent();
            case STALE, CRON_DISPATCH, NOTIFICATIONS, HEALTH_MONITOR, MIGRATIONS -> false;
        };
    }

    // ---------------------------------------------------------------------------------------
    // The trigger table (SPEC 7): which webhook events start each module's work.
    //
    // Event names are what the gateway wrote in the event header: GitHub's X-GitHub-Event, and
    // for Gitea/Forgejo the specific X-*-Event-Type, so their label, sync and review events
    // arrive as pull_request_label, pull_request_sync, pull_request_review_approved, ...
    //
    //   triage               issues | pull_request: opened, edited
    //   release              tag_push | both:    push of a tag (not its deletion)
    //                        merge_label | both: pull_request closed with merged = true
    //   auto-merge           pull_request: opened, labeled, synchronize, reopened, ready_for_review, edited;
    //                        pull_request_review, check_run, check_suite, status (any action);
    //                        Gitea/Forgejo: pull_request_label, pull_request_sync, pull_request_review_approved
    //   mirror               push, to the primary forge, when verify_on_push (see decideMirror)
    //   dependency-triggers  on: release  -> release: published
    //                        on: tag_push -> push of a tag (not its deletion)
    //
    // A tag's `create` event is NOT a trigger: GitHub and Gitea send it as well as the tag's
    // push, and two triggers per tag would release-check twice and, worse, dispatch twice
    // downstream (repository_dispatch cannot be made idempotent by the handler).
    // ---------------------------------------------------------------------------------------

    private static final Set<String> ANY_ACTION = Set.of();

    private static final Map<String, Set<String>> TRIAGE_EVENTS = Map.of(
            "issues", Set.of("opened", "edited"),
            "pull_request", Set.of("opened", "edited"));

    private static final Map<String, Set<String>> AUTO_MERGE_EVENTS = Map.of(
            "pull_request", Set.of("opened", "labeled", "synchronize", "reopened", "ready_for_review", "edited"),
            "pull_request_review", ANY_ACTION,
            "check_run", ANY_ACTION,
            "check_suite", ANY_ACTION,
            "status", ANY_ACTION,
            "pull_request_label", ANY_ACTION,
            "pull_request_sync", ANY_ACTION,
            "pull_request_review_approved", ANY_ACTION);

    private static boolean isTrigger(ModuleId module, RepositorySettings s, EventEnvelope e) {
        return switch (module) {
            case TRIAGE -> matches(TRIAGE_EVENTS, e);
            case RELEASE -> {
                Release release = s.release().orElseThrow();
                yield release.trigger().onTagPush() && isTagPush(e)
                        || release.trigger().onMergeLabel() && isMergedPullRequest(e);
            }
            case AUTO_MERGE -> matches(AUTO_MERGE_EVENTS, e);
            case DEPENDENCY_TRIGGERS -> {
                DependencyTriggers triggers = s.dependencyTriggers().orElseThrow();
                yield switch (triggers.on()) {
                    case RELEASE -> e.event().equals("release") && action(e).equals("published");
                    case TAG_PUSH -> isTagPush(e);
                };
            }
            case MIRROR, STALE, CRON_DISPATCH, NOTIFICATIONS, HEALTH_MONITOR, MIGRATIONS -> false;
        };
    }

    private static boolean matches(Map<String, Set<String>> table, EventEnvelope e) {
        Set<String> actions = table.get(e.event());
        return actions != null && (actions == ANY_ACTION || actions.contains(action(e)));
    }

    /** A push that creates or moves a tag; a deleted tag arrives as a push too (GitHub). */
    static boolean isTagPush(EventEnvelope e) {
        return e.event().equals("push")
                && text(e.payload(), "ref").startsWith("refs/tags/")
                && !field(e.payload(), "deleted").asBoolean(false)
                && !text(e.payload(), "after").matches("0{40}|0{64}");
    }

    static boolean isMergedPullRequest(EventEnvelope e) {
        return e.event().equals("pull_request") && action(e).equals("closed")
                && field(e.payload(), "pull_request").path("merged").asBoolean(false);
    }

    private static String action(EventEnvelope e) {
        return e.action() == null ? "" : e.action();
    }

    private static JsonNode field(JsonNode payload, String name) {
        return payload == null ? MissingNode.getInstance() : payload.path(name);
    }

    private static String text(JsonNode payload, String name) {
        JsonNode node = field(payload, name);
        return node.isTextual() ? node.asText() : "";
    }

    private static RouteDecision routed(ModuleId module, EventEnvelope e) {
        return new RouteDecision(module.id(), true, "trigger (" + e.eventAction() + ")");
    }

    private static RouteDecision notATrigger(ModuleId module, EventEnvelope e) {
        return notRouted(module, "event not a trigger (" + e.eventAction() + ")");
    }

    private static RouteDecision notRouted(ModuleId module, String reason) {
        return new RouteDecision(module.id(), false, reason);
    }
}
