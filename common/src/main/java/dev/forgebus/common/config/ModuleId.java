package dev.forgebus.common.config;

import java.util.Arrays;
import java.util.Optional;

/**
 * The modules of SPEC 7. The id names the module everywhere outside the config file (topic
 * suffix, consumer group, {@code --modules} value, metric tag); the config key is the YAML key
 * of its settings. They differ because YAML keys use underscores and ids are kebab-case.
 */
public enum ModuleId {
    TRIAGE("triage", "auto_triage"),
    STALE("stale", "stale_management"),
    DEPENDENCY_TRIGGERS("dependency-triggers", "dependency_triggers"),
    CRON_DISPATCH("cron-dispatch", "cron_dispatch"),
    RELEASE("release", "release"),
    AUTO_MERGE("auto-merge", "auto_merge"),
    MIRROR("mirror", "mirror"),
    NOTIFICATIONS("notifications", "notifications"),
    HEALTH_MONITOR("health-monitor", "health_monitor"),
    MIGRATIONS("migrations", "migrations");

    private final String id;
    private final String configKey;

    ModuleId(String id, String configKey) {
        this.id = id;
        this.configKey = configKey;
    }

    public String id() {
        return id;
    }

    public String configKey() {
        return configKey;
    }

    public static Optional<ModuleId> byId(String id) {
        return Arrays.stream(values()).filter(m -> m.id.equals(id)).findFirst();
    }

    public static Optional<ModuleId> byConfigKey(String key) {
        return Arrays.stream(values()).filter(m -> m.configKey.equals(key)).findFirst();
    }
}
