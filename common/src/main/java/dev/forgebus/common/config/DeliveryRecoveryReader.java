package dev.forgebus.common.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;


/**
 * Reads a forge's {@code delivery_recovery:} block. Hooks are written {@code repo:Owner/repo#id},
 * {@code org:Owner#id} or {@code app} (the GitHub App's own hook, which needs App authentication).
 */
final class DeliveryRecoveryReader {

    static final List<String> KEYS = List.of("every", "lookback", "hooks");
    private static final Pattern REPO_HOOK = Pattern.compile("repo:([A-Za-z0-9_.-]+)/([A-Za-z0-9_.-]+)#(\\d{1,18})");
    private static final Pattern ORG_HOOK = Pattern.compile("org:([A-Za-z0-9_.-]+)#(\\d{1,18})");
    private static final Duration MIN_EVERY = Duration.ofSeconds(10);

    private DeliveryRecoveryReader() {
    }

    static Optional<DeliveryRecoverySettings> read(String forgeId, YamlBlock b, Optional<ForgeType> type, boolean appAuth) {
        if (type.isPresent() && type.get() != ForgeType.GITHUB) {
            b.reader().problems().add(b.line(), b.path() + ": missed-delivery recovery exists on github forges only ("
                    + type.get().id() + " retries failed deliveries itself)");
            return Optional.empty();
        }
        Duration every = b.duration("every", DeliveryRecoverySettings.DEFAULT_EVERY);
        if (every.compareTo(MIN_EVERY) < 0) {
            b.problem("every", "at least " + Durations.format(MIN_EVERY) + " (each run lists every hook's deliveries)");
        }
        Duration lookback = b.duration("lookback", DeliveryRecoverySettings.DEFAULT_LOOKBACK);
        if (lookback.compareTo(DeliveryRecoverySettings.MAX_LOOKBACK) > 0) {
            b.problem("lookback", "at most 3d (GitHub keeps deliveries for 3 days)");
        }
        if (!b.isSet("hooks")) {
            b.missing("hooks");
        }
        List<HookRef> hooks = new ArrayList<>();
        Set<HookRef> seen = new HashSet<>();
        for (NodeReader.Text text : b.texts("hooks")) {
            hook(forgeId, text, b, appAuth).ifPresent(hook -> {
                if (!seen.add(hook)) {
                    b.reader().problem(text.node(), b.pathOf("hooks"), "hook " + text.shown() + " is listed twice");
                } else {
                    hooks.add(hook);
                }
            });
        }
        if (b.isSet("hooks") && b.texts("hooks").isEmpty()) {
            b.problem("hooks", "must list at least one hook");
        }
        return Optional.of(new DeliveryRecoverySettings(every, lookback, hooks));
    }

    private static Optional<HookRef> hook(String forgeId, NodeReader.Text text, YamlBlock b, boolean appAuth) {
        String value = text.value().strip();
        Matcher repo = REPO_HOOK.matcher(value);
        if (repo.matches()) {
            return Optional.of(new HookRef.RepoHook(new RepoRef(forgeId, repo.group(1), repo.group(2)),
                    Long.parseLong(repo.group(3))));
        }
        Matcher org = ORG_HOOK.matcher(value);
        if (org.matches()) {
            return Optional.of(new HookRef.OrgHook(forgeId, org.group(1), Long.parseLong(org.group(2))));
        }
        if (value.equals("app")) {
            if (!appAuth) {
                b.reader().problem(text.node(), b.pathOf("hooks"), "'app' (the GitHub App's own hook) needs App"
                        + " authentication: set app: on this forge, or list repo:/org: hooks");
                return Optional.empty();
            }
            return Optional.of(new HookRef.AppHook(forgeId));
        }
        b.reader().problem(text.node(), b.pathOf("hooks"), "expected 'repo:Owner/repo#<hook id>', 'org:Owner#<hook id>'"
                + " or 'app', got " + text.shown());
        return Optional.empty();
    }
}
