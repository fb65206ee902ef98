package dev.forgebus.common.config;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A module's two names. The id names the module everywhere outside the config file (topic suffix,
 * consumer group, {@code --modules} value, metric tag); the config key is the YAML key of its
 * settings. They differ because YAML keys use underscores and ids are kebab-case.
 *
 * <p>An open value, not an enum: a module is declared once, by a {@link ModuleDeclaration} in a
 * {@link ModuleCatalog}, and nothing else lists the modules. The constants are the SPEC 7 modules,
 * declared in {@link StandardModules}.
 */
public record ModuleId(String id, String configKey) {
    private static final Pattern ID = Pattern.compile("[a-z][a-z0-9]*(-[a-z0-9]+)*");
    private static final Pattern CONFIG_KEY = Pattern.compile("[a-z][a-z0-9]*(_[a-z0-9]+)*");

    public static final ModuleId TRIAGE = new ModuleId("triage", "auto_triage");
    public static final ModuleId STALE = new ModuleId("stale", "stale_management");
    public static final ModuleId DEPENDENCY_TRIGGERS = new ModuleId("dependency-triggers", "dependency_triggers");
    public static final ModuleId CRON_DISPATCH = new ModuleId("cron-dispatch", "cron_dispatch");
    public static final ModuleId RELEASE = new ModuleId("release", "release");
    public static final ModuleId AUTO_MERGE = new ModuleId("auto-merge", "auto_merge");
    public static final ModuleId MIRROR = new ModuleId("mirror", "mirror");
    public static final ModuleId NOTIFICATIONS = new ModuleId("notifications", "notifications");
    public static final ModuleId HEALTH_MONITOR = new ModuleId("health-monitor", "health_monitor");
    public static final ModuleId MIGRATIONS = new ModuleId("migrations", "migrations");

    /**
     * @throws IllegalArgumentException when the id is not kebab-case or the key not snake_case
     *         (an id becomes a topic name and a consumer group; at most 60 characters)
     */
    public ModuleId {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(configKey, "configKey");
        if (id.length() > 60 || !ID.matcher(id).matches()) {
            throw new IllegalArgumentException("a module id is kebab-case, at most 60 characters: '" + id + "'");
        }
        if (configKey.length() > 60 || !CONFIG_KEY.matcher(configKey).matches()) {
            throw new IllegalArgumentException("a module config key is snake_case, at most 60 characters: '" + configKey + "'");
        }
    }

    @Override
    public String toString() {
        return id;
    }
}
