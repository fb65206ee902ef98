package dev.forgebus.common.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Typed module settings written back as YAML nodes, so that a {@code .ops.yaml} block can be laid
 * over them key by key ({@link YamlBlock#overlaidWith}) and typed again by {@link ModuleReader}
 * exactly like a repository block over its org's. The main config keeps no raw nodes once typed,
 * and the values it holds were all validated, so writing them back loses nothing that matters.
 *
 * <p>Text is escaped for the {@link Interpolator} ({@code ${} written {@code $${}), so a value that
 * happens to contain {@code ${} is not read as a variable the second time. Comments that were left
 * to their defaults are not written, so they follow the day counts a {@code .ops.yaml} changes, as
 * they would have in the main file. Empty {@code channels} and {@code downstream} lists are not
 * written either: then a {@code .ops.yaml} enabling the module without them is told what is missing.
 * Notification channels are written as their names, and read back against the main config's
 * channels ({@link ConfiguredChannels}).
 */
final class ModuleSettingsYaml {

    private ModuleSettingsYaml() {
    }

    /** One node per configured module of {@code settings}, keyed by module, by each module's writer. */
    static Map<ModuleId, Node> nodes(ModuleCatalog catalog, RepositorySettings settings) {
        Yaml yaml = new Yaml(new DumperOptions());
        Map<ModuleId, Node> nodes = new LinkedHashMap<>();
        for (ModuleDeclaration<?> module : catalog.repositoryBlocks()) {
            written(module, settings).ifPresent(map -> nodes.put(module.id(), yaml.represent(map)));
        }
        return nodes;
    }

    private static <S extends ModuleBlock> java.util.Optional<Map<String, Object>> written(ModuleDeclaration<S> module,
                                                                                      RepositorySettings settings) {
        ModuleDeclaration.Block<S> block = module.block().orElseThrow();
        return settings.block(module).map(block.writer()::write);
    }

    static Map<String, Object> triage(TriageSettings t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("enabled", t.enabled());
        m.put("add_needs_triage_label", t.addNeedsTriageLabel());
        m.put("needs_triage_label", text(t.needsTriageLabel()));
        List<Object> rules = new ArrayList<>();
        for (TriageRule rule : t.rules()) {
            Map<String, Object> r = new LinkedHashMap<>();
            r.put("keywords", texts(rule.keywords()));
            r.put("labels", texts(rule.labels()));
            rules.add(r);
        }
        m.put("rules", rules);
        return m;
    }

    static Map<String, Object> stale(StaleSettings s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("enabled", s.enabled());
        m.put("days_until_stale", s.daysUntilStale());
        m.put("days_until_close", s.daysUntilClose());
        m.put("stale_label", text(s.staleLabel()));
        m.put("exempt_labels", texts(s.exemptLabels()));
        m.put("schedule", s.schedule());
        m.put("time_zone", s.timeZone().getId());
        m.put("include_pull_requests", s.includePullRequests());
        m.put("sweep", s.sweep().id());
        m.put("dry_run", s.dryRun());
        m.put("exempt_assignees", s.exemptAssignees());
        m.put("exempt_milestones", s.exemptMilestones());
        if (!s.staleComment().equals(StaleSettings.defaultStaleComment(s.daysUntilStale(), s.daysUntilClose()))) {
            m.put("stale_comment", text(s.staleComment()));
        }
        if (!s.closeComment().equals(StaleSettings.defaultCloseComment(s.daysUntilClose()))) {
            m.put("close_comment", text(s.closeComment()));
        }
        return m;
    }

    static Map<String, Object> notifications(NotificationSettings n) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("enabled", n.enabled());
        // By name: read back against the main config's channels (ConfiguredChannels), so no URL
        // goes through YAML again and a .ops.yaml's own channels are names like these.
        List<Object> channels = new ArrayList<>();
        for (NotificationChannel channel : n.channels()) {
            channels.add(text(channel.name()));
        }
        if (!channels.isEmpty()) {
            m.put("channels", channels);
        }
        return m;
    }

    static Map<String, Object> release(ReleaseSettings r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("enabled", r.enabled());
        m.put("trigger", r.trigger().id());
        m.put("tag_pattern", text(r.tagPattern()));
        m.put("changelog_path", text(r.changelogPath()));
        m.put("draft", r.draft());
        m.put("release_label", text(r.releaseLabel()));
        m.put("report_status", r.reportStatus());
        return m;
    }

    static Map<String, Object> autoMerge(AutoMergeSettings a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("enabled", a.enabled());
        m.put("trigger_label", text(a.triggerLabel()));
        m.put("merge_method", a.mergeMethod().id());
        m.put("required_checks", texts(a.requiredChecks()));
        m.put("delete_branch", a.deleteBranch());
        m.put("report_status", a.reportStatus());
        return m;
    }

    static Map<String, Object> mirror(MirrorSettings mirror) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("enabled", mirror.enabled());
        m.put("primary_forge", mirror.primaryForge());
        m.put("mirror", mirror.mirror().toString());
        m.put("verify_on_push", mirror.verifyOnPush());
        m.put("max_drift_seconds", mirror.maxDriftSeconds());
        m.put("tags", mirror.tags());
        return m;
    }

    static Map<String, Object> dependencyTriggers(DependencyTriggerSettings d) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("enabled", d.enabled());
        m.put("on", d.on().id());
        if (!d.downstream().isEmpty()) {
            m.put("downstream", d.downstream().stream().map(RepoRef::toString).toList());
        }
        m.put("event_type", text(d.eventType()));
        m.put("include_drafts", d.includeDrafts());
        m.put("include_prereleases", d.includePrereleases());
        return m;
    }

    static List<String> texts(List<String> values) {
        return values.stream().map(ModuleSettingsYaml::text).toList();
    }

    /** Escaped for the second pass through the {@link Interpolator}. */
    static String text(String value) {
        return value.replace("${", "$${");
    }
}
