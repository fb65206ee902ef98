package dev.forgebus.common.config;

import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import org.yaml.snakeyaml.nodes.Node;

import dev.forgebus.common.schedule.CronExpressions;
import dev.forgebus.common.schedule.ScheduledJobs;

/**
 * Types the module blocks of one scope: an org's blocks, or a repository's blocks already merged
 * over its org's, each by its module's {@link ModuleDeclaration.Reader}. A block that is present
 * counts as enabled unless it says {@code enabled: false}: writing the block is the way to ask for
 * the module.
 *
 * <p>Also the context a module's reader gets: the forges (for {@code Owner/repo} references) and
 * the org's forge. The readers of the SPEC 7 modules are here, next to the helpers they share.
 */
public final class ModuleReader {

    static final List<String> RULE_KEYS = List.of("keywords", "labels");
    private static final List<String> CHANNEL_KEYS = List.of("name", "type", "url", "events", "secret");
    private static final int MAX_EVENT_TYPE_LENGTH = 100;

    private final ModuleCatalog catalog;
    private final ForgeDirectory forges;
    private final Optional<String> orgForge;
    private final Optional<ConfiguredChannels> channelsByName;

    /**
     * @param orgForge the forge id of the org whose blocks are read: the default forge of
     *                 {@code Owner/repo} references, and what decides the merge methods allowed.
     *                 Empty when the org's own {@code forge:} is wrong (already reported): then
     *                 the references that depend on it are not checked, to avoid echo errors.
     */
    ModuleReader(ModuleCatalog catalog, ForgeDirectory forges, Optional<String> orgForge) {
        this(catalog, forges, orgForge, Optional.empty());
    }

    /**
     * @param channelsByName when present (a {@code .ops.yaml}), {@code channels} entries are names
     *                       of these channels, never a type and a URL
     */
    ModuleReader(ModuleCatalog catalog, ForgeDirectory forges, Optional<String> orgForge,
                 Optional<ConfiguredChannels> channelsByName) {
        this.catalog = catalog;
        this.forges = forges;
        this.orgForge = orgForge;
        this.channelsByName = channelsByName;
    }

    /** The forge type of the org whose blocks are read, when its forge is known. */
    public Optional<ForgeType> orgForgeType() {
        return orgForge.flatMap(forges::typeOf);
    }

    /** The blocks of one scope, read module by module in catalog order. */
    ModuleSettings read(Map<ModuleId, YamlBlock> blocks) {
        Map<ModuleId, ModuleBlock> typed = new LinkedHashMap<>();
        for (ModuleDeclaration<?> module : catalog.repositoryBlocks()) {
            YamlBlock block = blocks.get(module.id());
            if (block != null) {
                readInto(module, block, typed);
            }
        }
        return new ModuleSettings(typed);
    }

    private <S extends ModuleBlock> void readInto(ModuleDeclaration<S> module, YamlBlock block, Map<ModuleId, ModuleBlock> typed) {
        module.block().orElseThrow().reader().read(block, this).ifPresent(settings -> typed.put(module.id(), settings));
    }

    TriageSettings triage(YamlBlock b) {
        List<TriageRule> rules = new ArrayList<>();
        List<Node> items = b.items("rules");
        for (int i = 0; i < items.size(); i++) {
            Node item = items.get(i);
            YamlBlock.open(b.reader(), item, b.pathOf("rules") + "[" + i + "]", ConfigProblems.lineOf(item), RULE_KEYS)
                    .ifPresent(rule -> rules.add(new TriageRule(nonEmptyList(rule, "keywords"), nonEmptyList(rule, "labels"))));
        }
        return new TriageSettings(b.bool("enabled", true), b.bool("add_needs_triage_label", false),
                b.string("needs_triage_label", TriageSettings.DEFAULT_NEEDS_TRIAGE_LABEL), rules);
    }

    StaleSettings stale(YamlBlock b) {
        int daysUntilStale = b.integer("days_until_stale", StaleSettings.DEFAULT_DAYS_UNTIL_STALE, 1, 36_500);
        int daysUntilClose = b.integer("days_until_close", StaleSettings.DEFAULT_DAYS_UNTIL_CLOSE, 0, 36_500);
        return new StaleSettings(b.bool("enabled", true), daysUntilStale, daysUntilClose,
                b.string("stale_label", StaleSettings.DEFAULT_STALE_LABEL),
                b.strings("exempt_labels", List.of()),
                schedule(b, "schedule").orElse(StaleSettings.DEFAULT_SCHEDULE),
                timeZone(b, "time_zone"),
                b.bool("include_pull_requests", false),
                b.text("stale_comment").map(NodeReader.Text::value)
                        .orElse(StaleSettings.defaultStaleComment(daysUntilStale, daysUntilClose)),
                b.text("close_comment").map(NodeReader.Text::value)
                        .orElse(StaleSettings.defaultCloseComment(daysUntilClose)),
                b.choice("sweep", StaleSettings.Sweep.LISTED, StaleSettings.Sweep.values(), StaleSettings.Sweep::id),
                b.bool("dry_run", false), b.bool("exempt_assignees", false), b.bool("exempt_milestones", false));
    }

    NotificationSettings notifications(YamlBlock b) {
        boolean enabled = b.bool("enabled", true);
        if (enabled && !b.has("channels")) {
            b.missing("channels");
        }
        List<NotificationChannel> channels = new ArrayList<>();
        Map<String, Integer> lineByName = new HashMap<>();
        List<Node> items = b.items("channels");
        for (int i = 0; i < items.size(); i++) {
            Node item = items.get(i);
            String itemPath = b.pathOf("channels") + "[" + i + "]";
            Optional<NotificationChannel> channel = channelsByName.isPresent()
                    ? channelsByName.get().named(item, itemPath, b.reader())
                    : YamlBlock.open(b.reader(), item, itemPath, ConfigProblems.lineOf(item), CHANNEL_KEYS).flatMap(this::channel);
            channel.ifPresent(c -> {
                Integer first = lineByName.putIfAbsent(c.name(), ConfigProblems.lineOf(item));
                if (first != null) {
                    b.reader().problem(item, itemPath, "channel name '" + c.name() + "' is already used at line " + first
                            + " (give each channel its own name:)");
                } else {
                    channels.add(c);
                }
            });
        }
        return new NotificationSettings(enabled, channels);
    }

    /** Empty also when the URL is empty: {@code ${SLACK_WEBHOOK_URL:-}} leaves that channel out. */
    private Optional<NotificationChannel> channel(YamlBlock c) {
        if (!c.isSet("type")) {
            c.missing("type");
        }
        if (!c.has("url")) {
            c.missing("url");
        }
        Optional<ChannelType> type = c.optionalChoice("type", ChannelType.values(), ChannelType::id);
        Optional<String> name = c.optionalString("name").filter(n -> {
            if (!ForgeDirectory.NAME.matcher(n).matches()) {
                c.problem("name", "may only contain letters, digits, '.', '_' and '-', got '" + n + "'");
                return false;
            }
            return true;
        });
        Optional<Secret> url = webhookUrl(c, "url");
        List<String> events = c.strings("events", List.of());
        for (String event : events) {
            if (!event.matches("[a-z][a-z0-9_]*")) {
                c.problem("events", "event names are lower-case words such as release or mirror_drift, got '" + event + "'");
            }
        }
        Optional<Secret> secret = c.secret("secret");
        if (secret.isPresent() && type.isPresent() && type.get() != ChannelType.WEBHOOK) {
            c.problem("secret", "only webhook channels are signed; a " + type.get().id()
                    + " channel authenticates by its URL (the value is a secret and is not shown)");
        }
        if (type.isEmpty() || url.isEmpty() || c.isSet("name") && name.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new NotificationChannel(name.orElse(type.get().id()), type.get(), url.get(), events,
                secret.filter(s -> !s.reveal().isEmpty())));
    }

    /** A webhook URL is a credential: checked to be http(s), never shown. Empty means none. */
    static Optional<Secret> webhookUrl(YamlBlock b, String key) {
        Optional<Secret> url = b.secret(key);
        if (url.isPresent() && NodeReader.parseHttpUrl(url.get().reveal()).isEmpty()) {
            b.problem(key, "expected an absolute http:// or https:// URL (the value is a secret and is not shown)");
            return Optional.empty();
        }
        return url;
    }

    ReleaseSettings release(YamlBlock b) {
        return new ReleaseSettings(b.bool("enabled", true),
                b.choice("trigger", ReleaseTrigger.TAG_PUSH, ReleaseTrigger.values(), ReleaseTrigger::id),
                b.string("tag_pattern", ReleaseSettings.DEFAULT_TAG_PATTERN),
                b.string("changelog_path", ReleaseSettings.DEFAULT_CHANGELOG_PATH),
                b.bool("draft", false),
                b.string("release_label", ReleaseSettings.DEFAULT_RELEASE_LABEL),
                b.bool("report_status", true));
    }

    AutoMergeSettings autoMerge(YamlBlock b) {
        MergeMethod method = b.choice("merge_method", MergeMethod.MERGE, MergeMethod.values(), MergeMethod::id);
        Optional<ForgeType> type = orgForgeType();
        if (type.isPresent() && !method.supportedBy(type.get())) {
            b.problem("merge_method", "'" + method.id() + "' is not available on " + type.get().id() + " forges (allowed: "
                    + Arrays.stream(MergeMethod.values()).filter(m -> m.supportedBy(type.get())).map(MergeMethod::id)
                            .collect(Collectors.joining(", ")) + ")");
            method = MergeMethod.MERGE;
        }
        return new AutoMergeSettings(b.bool("enabled", true),
                b.string("trigger_label", AutoMergeSettings.DEFAULT_TRIGGER_LABEL),
                method,
                b.strings("required_checks", List.of()),
                b.bool("delete_branch", false),
                b.bool("report_status", true));
    }

    /** Empty when the block cannot be typed (reported): a mirror without its mirror is nothing. */
    Optional<MirrorSettings> mirror(YamlBlock b) {
        boolean enabled = b.bool("enabled", true);
        Optional<String> primary = b.text("primary_forge").flatMap(t -> forgeName(t, b.pathOf("primary_forge"), b.reader()))
                .or(() -> orgForge);
        if (!b.isSet("mirror")) {
            b.missing("mirror");
        }
        Optional<RepoRef> mirror = b.text("mirror").flatMap(t -> repoRef(t, b.pathOf("mirror"), b.reader()));
        boolean verifyOnPush = b.bool("verify_on_push", true);
        int maxDrift = b.integer("max_drift_seconds", MirrorSettings.DEFAULT_MAX_DRIFT_SECONDS, 1, 7 * 24 * 3600);
        boolean tags = b.bool("tags", false);
        if (mirror.isEmpty() || primary.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new MirrorSettings(enabled, primary.get(), mirror.get(), verifyOnPush, maxDrift, tags));
    }

    /**
     * A forge id; also a forge TYPE when exactly one configured forge has it, because
     * {@code primary_forge: forgejo} is how people naturally write it.
     */
    private Optional<String> forgeName(NodeReader.Text text, String path, NodeReader reader) {
        String name = text.value().strip();
        if (forges.isDeclared(name)) {
            return Optional.of(name);
        }
        Optional<String> byType = ForgeType.parse(name).flatMap(forges::onlyForgeOfType);
        if (byType.isEmpty()) {
            reader.problem(text.node(), path, forges.unknownForge(name));
        }
        return byType;
    }

    DependencyTriggerSettings dependencyTriggers(YamlBlock b) {
        boolean enabled = b.bool("enabled", true);
        List<RepoRef> downstream = new ArrayList<>();
        List<NodeReader.Text> written = b.texts("downstream");
        for (NodeReader.Text text : written) {
            repoRef(text, b.pathOf("downstream"), b.reader()).ifPresent(downstream::add);
        }
        if (enabled && !b.isSet("downstream")) {
            b.missing("downstream");
        } else if (enabled && written.isEmpty()) {
            b.problem("downstream", "must list at least one repository");
        }
        String eventType = b.string("event_type", DependencyTriggerSettings.DEFAULT_EVENT_TYPE);
        if (eventType.length() > MAX_EVENT_TYPE_LENGTH) {
            b.problem("event_type", "at most " + MAX_EVENT_TYPE_LENGTH + " characters (GitHub's limit)");
        }
        return new DependencyTriggerSettings(enabled,
                b.choice("on", UpstreamEvent.RELEASE, UpstreamEvent.values(), UpstreamEvent::id), downstream, eventType,
                b.bool("include_drafts", false), b.bool("include_prereleases", false));
    }

    private Optional<RepoRef> repoRef(NodeReader.Text text, String path, NodeReader reader) {
        return orgForge.isEmpty() ? Optional.empty() : forges.repoRef(text, path, orgForge, reader);
    }

    /** The IANA time zone a schedule is read in; UTC when not set (or wrong, which is reported). */
    static ZoneId timeZone(YamlBlock b, String key) {
        return b.text(key).flatMap(t -> {
            String id = t.value().strip();
            try {
                if (!id.isEmpty() && !id.startsWith("SystemV/")) {
                    return Optional.of(ZoneId.of(id));
                }
            } catch (DateTimeException e) {
                // reported below
            }
            b.problem(key, "expected an IANA time zone id such as UTC or Europe/Berlin, got " + t.shown());
            return Optional.<ZoneId>empty();
        }).orElse(ScheduledJobs.DEFAULT_TIME_ZONE);
    }

    /** A 5-field cron expression, when set. */
    static Optional<String> schedule(YamlBlock b, String key) {
        return b.text(key).flatMap(t -> {
            Optional<String> problem = CronExpressions.problemWith(t.value());
            if (problem.isPresent()) {
                b.problem(key, problem.get() + ": " + t.shown());
                return Optional.empty();
            }
            return Optional.of(t.value().strip());
        });
    }

    private static List<String> nonEmptyList(YamlBlock b, String key) {
        if (!b.isSet(key)) {
            b.missing(key);
            return List.of();
        }
        List<String> values = b.strings(key, List.of());
        if (values.isEmpty() && b.isSet(key)) {
            b.problem(key, "must list at least one entry");
        }
        return values;
    }
}
