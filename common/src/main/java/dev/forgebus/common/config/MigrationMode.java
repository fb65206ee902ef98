package dev.forgebus.common.config;

/** Whether the scheduler may apply pending migrations itself or only report them. */
public enum MigrationMode {
    /** Report pending migrations; an operator applies them from the CLI or {@code /admin}. */
    MANUAL_APPLY("manual_apply"),
    /** The scheduler's check applies pending migrations too. */
    AUTO_APPLY("auto_apply");

    private final String id;

    MigrationMode(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }
}
