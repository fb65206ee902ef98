package dev.forgebus.forge;

/** Why an issue is closed; GitHub's {@code state_reason} values. Forgejo and Gitea do not record it. */
public enum CloseReason {
    COMPLETED("completed"),
    NOT_PLANNED("not_planned");

    private final String apiValue;

    CloseReason(String apiValue) {
        this.apiValue = apiValue;
    }

    /** The value GitHub's API takes. */
    public String apiValue() {
        return apiValue;
    }
}
