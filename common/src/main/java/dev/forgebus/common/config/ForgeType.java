package dev.forgebus.common.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * The forge software behind a forge id. It decides the webhook header dialect, the REST API
 * shapes and which merge methods exist, so it is a closed set checked at load.
 */
public enum ForgeType {
    GITHUB("github"),
    FORGEJO("forgejo"),
    GITEA("gitea");

    private final String id;

    ForgeType(String id) {
        this.id = id;
    }

    /** The word used in the config's {@code type:} key. */
    public String id() {
        return id;
    }

    public static Optional<ForgeType> parse(String text) {
        String wanted = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(t -> t.id.equals(wanted)).findFirst();
    }
}
