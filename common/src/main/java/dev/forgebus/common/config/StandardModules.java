package dev.forgebus.common.config;

import static dev.forgebus.common.event.WebhookEvents.ANY_ACTION;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import dev.forgebus.common.event.DeliveryNames;
import dev.forgebus.common.event.EventEnvelope;
import dev.forgebus.common.event.WebhookEvents;
import dev.forgebus.common.schedule.ScheduledJobs;

/**
 * The SPEC 7 modules, each declared once: its keys, reader and writer, and what starts it. The
 * trigger of a webhook-driven module decides by the shape of the event (type, action, ref) and
 * the module's settings; it does not look at content a handler must check anyway against the
 * forge's current state (tag pattern, labels, check results): a handler that finds nothing to do
 * is cheap, and a trigger that guessed from a stale payload would hide work.
 *
 * <p>A tag's {@code create} event is NOT a dependency trigger: GitHub and Gitea send it as well as
 * the tag's push, and two triggers per tag would dispatch twice downstream ({@code repository_dispatch}
 * cannot be made idempotent by the handler). It IS a release trigger: GitHub sends no push event
 * when more than three tags are pushed at once, so {@code create} is then the only sign of a tag;
 * the release handler looks the release up before creating it (and reads the forge's "already
 * exists" as done), so a tag's push and its create make one release.
 */
public final class StandardModules {
    private static final ModuleDeclaration.Scope ORG_AND_REPOSITORY = ModuleDeclaration.Scope.ORG_AND_REPOSITORY;

    /** issues | pull_request: opened, edited. */
    private static final Map<String, Set<String>> TRIAGE_EVENTS = Map.of(
            "issues", Set.of("opened", "edited"),
            "pull_request", Set.of("opened", "edited"));

    /** What can change whether a labelled pull request may merge: its commits, labels, reviews, checks. */
    private static final Map<String, Set<String>> AUTO_MERGE_EVENTS = Map.of(
            "pull_request", Set.of("opened", "labeled", "synchronize", "reopened", "ready_for_review", "edited"),
            "pull_request_review", ANY_ACTION,
            "check_run", ANY_ACTION,
            "check_suite", ANY_ACTION,
            "status", ANY_ACTION,
            "pull_request_label", ANY_ACTION,
            "pull_request_sync", ANY_ACTION,
            "pull_request_review_approved", ANY_ACTION);

    public static final ModuleDeclaration<TriageSettings> TRIAGE = ModuleDeclaration.withBlock(ModuleId.TRIAGE,
            "labels opened or edited issues and pull requests by title keywords (SPEC 7.2)",
            new ModuleDeclaration.Block<>(TriageSettings.class, ORG_AND_REPOSITORY,
                    List.of("enabled", "add_needs_triage_label", "needs_triage_label", "rules"),
                    (b, r) -> Optional.of(r.triage(b)), ModuleSettingsYaml::triage),
            new ModuleDeclaration.Start.Webhooks<>(StandardModules::triageTrigger));

    public static final ModuleDeclaration<StaleSettings> STALE = ModuleDeclaration.withBlock(ModuleId.STALE,
            "marks and closes inactive issues (and pull requests), per org on its schedule (SPEC 7.3)",
            new ModuleDeclaration.Block<>(StaleSettings.class, ORG_AND_REPOSITORY,
                    List.of("enabled", "days_until_stale", "days_until_close", "stale_label", "exempt_labels",
                            "schedule", "time_zone", "include_pull_requests", "stale_comment", "close_comment",
                            "sweep", "dry_run", "exempt_assignees", "exempt_milestones"),
                    (b, r) -> Optional.of(r.stale(b)), ModuleSettingsYaml::stale),
            new ModuleDeclaration.Start.Schedule<>(ScheduledJobs::stale,
                    Optional.of(new ModuleDeclaration.Start.Webhooks<>(StandardModules::staleActivityTrigger))));

    public static final ModuleDeclaration<DependencyTriggerSettings> DEPENDENCY_TRIGGERS = ModuleDeclaration.withBlock(
            ModuleId.DEPENDENCY_TRIGGERS,
            "dispatches downstream repositories when an upstream releases or pushes a tag (SPEC 7.4)",
            new ModuleDeclaration.Block<>(DependencyTriggerSettings.class, ORG_AND_REPOSITORY,
                    List.of("enabled", "on", "downstream", "event_type", "include_drafts", "include_prereleases"),
                    (b, r) -> Optional.of(r.dependencyTriggers(b)), ModuleSettingsYaml::dependencyTriggers),
            new ModuleDeclaration.Start.Webhooks<>(StandardModules::dependencyTrigger));

    public static final ModuleDeclaration<ModuleBlock> CRON_DISPATCH = ModuleDeclaration.topLevel(ModuleId.CRON_DISPATCH,
            "dispatches workflows across repositories, one after another, on a cron schedule (SPEC 7.5)",
            ScheduledJobs::cronDispatch);

    public static final ModuleDeclaration<ReleaseSettings> RELEASE = ModuleDeclaration.withBlock(ModuleId.RELEASE,
            "drafts or publishes a release with its changelog on a tag push or a labelled merge (SPEC 7.6)",
            new ModuleDeclaration.Block<>(ReleaseSettings.class, ORG_AND_REPOSITORY,
                    List.of("enabled", "trigger", "tag_pattern", "changelog_path", "draft", "release_label", "report_status"),
                    (b, r) -> Optional.of(r.release(b)), ModuleSettingsYaml::release),
            new ModuleDeclaration.Start.Webhooks<>((s, e) -> TriggerVerdict.of(
                    s.trigger().onTagPush() && (WebhookEvents.isTagPush(e) || WebhookEvents.isTagCreate(e))
                            || s.trigger().onMergeLabel() && WebhookEvents.isMergedPullRequest(e))));

    public static final ModuleDeclaration<AutoMergeSettings> AUTO_MERGE = ModuleDeclaration.withBlock(ModuleId.AUTO_MERGE,
            "merges labelled pull requests once approved and green (SPEC 7.7)",
            new ModuleDeclaration.Block<>(AutoMergeSettings.class, ORG_AND_REPOSITORY,
                    List.of("enabled", "trigger_label", "merge_method", "required_checks", "delete_branch", "report_status"),
                    (b, r) -> Optional.of(r.autoMerge(b)), ModuleSettingsYaml::autoMerge),
            new ModuleDeclaration.Start.Webhooks<>((s, e) -> TriggerVerdict.of(WebhookEvents.matches(AUTO_MERGE_EVENTS, e))));

    public static final ModuleDeclaration<MirrorSettings> MIRROR = ModuleDeclaration.withBlock(ModuleId.MIRROR,
            "verifies that a mirror follows its primary after each push (SPEC 7.8)",
            new ModuleDeclaration.Block<>(MirrorSettings.class, ModuleDeclaration.Scope.REPOSITORY_ONLY,
                    List.of("enabled", "primary_forge", "mirror", "verify_on_push", "max_drift_seconds", "tags"),
                    (b, r) -> r.mirror(b), ModuleSettingsYaml::mirror),
            new ModuleDeclaration.Start.Webhooks<>(StandardModules::mirrorTrigger, Optional.of(StandardModules::mirrorSettings)));

    public static final ModuleDeclaration<NotificationSettings> NOTIFICATIONS = ModuleDeclaration.withBlock(
            ModuleId.NOTIFICATIONS,
            "sends other modules' events to Slack, Discord, Matrix or a webhook (SPEC 7.9)",
            new ModuleDeclaration.Block<>(NotificationSettings.class, ORG_AND_REPOSITORY, List.of("enabled", "channels"),
                    (b, r) -> Optional.of(r.notifications(b)), ModuleSettingsYaml::notifications),
            new ModuleDeclaration.Start.Emitted<>());

    public static final ModuleDeclaration<ModuleBlock> HEALTH_MONITOR = ModuleDeclaration.topLevel(ModuleId.HEALTH_MONITOR,
            "probes HTTP endpoints on an interval and reports failures (SPEC 7.11)", ScheduledJobs::healthMonitor);

    public static final ModuleDeclaration<ModuleBlock> MIGRATIONS = ModuleDeclaration.topLevel(ModuleId.MIGRATIONS,
            "applies pending database migrations of configured services (SPEC 7.12)", ScheduledJobs::migrations);

    /** In SPEC 7's order of ids, which is also the order of route decisions in a trace. */
    static final ModuleCatalog CATALOG = ModuleCatalog.of(List.of(TRIAGE, STALE, DEPENDENCY_TRIGGERS, CRON_DISPATCH,
            RELEASE, AUTO_MERGE, MIRROR, NOTIFICATIONS, HEALTH_MONITOR, MIGRATIONS));

    private StandardModules() {
    }

    /**
     * Opened, or edited with a new title ({@code changes.title} in the payload, GitHub and
     * Gitea/Forgejo alike): an edit of the body alone must not re-add a label a maintainer removed
     * by hand, and labels come from the title only.
     */
    private static TriggerVerdict triageTrigger(TriageSettings s, EventEnvelope e) {
        if (!WebhookEvents.matches(TRIAGE_EVENTS, e)) {
            return TriggerVerdict.NOT_A_TRIGGER;
        }
        if (WebhookEvents.action(e).equals("edited") && !WebhookEvents.changed(e, "title")) {
            return TriggerVerdict.notATrigger(e.eventAction() + "; the title did not change");
        }
        return TriggerVerdict.FIRES;
    }

    /**
     * Activity on a stale-labelled item (SPEC 7.3 "activity after marking removes the label"): a
     * comment created that is not one of Forgebus's own (those carry {@link StaleSettings#OWN_COMMENT_MARKER};
     * the token's login is not known here), or a push to a pull request. The payload's labels say
     * whether the item is stale: every comment of every repository would otherwise become work; the
     * handler still reads the current labels before removing one.
     */
    private static TriggerVerdict staleActivityTrigger(StaleSettings s, EventEnvelope e) {
        JsonNode item;
        if (e.event().equals("issue_comment") && WebhookEvents.action(e).equals("created")) {
            if (e.payload().path("comment").path("body").asText("").contains(StaleSettings.OWN_COMMENT_MARKER)) {
                return TriggerVerdict.notATrigger(e.eventAction() + "; Forgebus's own stale comment");
            }
            item = e.payload().path("issue");
        } else if (e.event().equals("pull_request") && WebhookEvents.action(e).equals("synchronize")) {
            item = e.payload().path("pull_request");
        } else {
            return TriggerVerdict.NOT_A_TRIGGER;
        }
        for (JsonNode label : item.path("labels")) {
            if (label.path("name").asText("").equalsIgnoreCase(s.staleLabel())) {
                return TriggerVerdict.FIRES;
            }
        }
        return TriggerVerdict.notATrigger(e.eventAction() + "; the item is not labelled " + s.staleLabel());
    }

    /** on: release -> release published; on: tag_push -> a tag push (not its deletion). */
    private static TriggerVerdict dependencyTrigger(DependencyTriggerSettings s, EventEnvelope e) {
        return TriggerVerdict.of(switch (s.on()) {
            case RELEASE -> e.event().equals("release") && WebhookEvents.action(e).equals("published");
            case TAG_PUSH -> WebhookEvents.isTagPush(e);
        });
    }

    /** A push to the primary copy, when verify_on_push. */
    private static TriggerVerdict mirrorTrigger(MirrorSettings m, EventEnvelope e) {
        if (!e.event().equals("push")) {
            return TriggerVerdict.NOT_A_TRIGGER;
        }
        if (!m.primaryForge().equals(e.forge())) {
            return TriggerVerdict.notATrigger("push to a copy; the primary is on " + m.primaryForge());
        }
        if (!m.verifyOnPush()) {
            return TriggerVerdict.notATrigger("push; verify_on_push is off");
        }
        return TriggerVerdict.FIRES;
    }

    /**
     * Mirror verification is configured on the repository of the org that lists it, but it acts
     * on pushes to the PRIMARY copy, {@code <primary_forge>:<owner>/<repo>}, which may live on
     * another forge than the org (a GitHub org whose primary is on Codeberg). So the mirror
     * settings of {@code forge:owner/repo} are its own org's repository block, else a repository
     * block of an org of the same name on another forge whose {@code primary_forge} is this forge
     * (the primary carries the repository's names). Workers use the same lookup.
     */
    public static Optional<MirrorSettings> mirrorSettings(ForgebusConfig config, String forge, String owner, String repo) {
        return configuredMirror(config, forge, owner, repo).map(ConfiguredMirror::settings);
    }

    /**
     * A mirror block and where it is written.
     *
     * @param configuredIn the repository whose block it is, on the forge of the org that lists it
     *                     (its notification settings are that org's)
     * @param settings     the block
     */
    public record ConfiguredMirror(RepoRef configuredIn, MirrorSettings settings) {
        public ConfiguredMirror {
            Objects.requireNonNull(configuredIn, "configuredIn");
            Objects.requireNonNull(settings, "settings");
        }
    }

    /** The same lookup as {@link #mirrorSettings}, telling also which org's repository block it found. */
    public static Optional<ConfiguredMirror> configuredMirror(ForgebusConfig config, String forge, String owner, String repo) {
        Optional<MirrorSettings> own = config.resolve(forge, owner, repo).mirror();
        if (own.isPresent()) {
            return Optional.of(new ConfiguredMirror(new RepoRef(forge, owner, repo), own.get()));
        }
        for (OrgConfig org : config.orgs().values()) {
            if (org.forge().equals(forge) || !DeliveryNames.sameName(org.name(), owner)) {
                continue;
            }
            Optional<MirrorSettings> block = org.repository(repo).map(RepoConfig::settings)
                    .flatMap(s -> s.get(MIRROR)).filter(m -> m.primaryForge().equals(forge));
            if (block.isPresent()) {
                return Optional.of(new ConfiguredMirror(new RepoRef(org.forge(), org.name(), repo), block.get()));
            }
        }
        return Optional.empty();
    }
}
