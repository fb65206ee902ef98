package dev.forgebus.forge;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What Forgebus itself reports on a commit: one check per module, named {@code forgebus/<module>},
 * created once and then updated in place ({@link ForgeClient#reportCheck}).
 *
 * @param name    {@code forgebus/<module id>}; the check run name (GitHub) or status context (Forgejo/Gitea)
 * @param state   where the module stands
 * @param summary one line for people ("waiting for: test (pending), lint (missing)", "merged"), cut to
 *                {@link #MAX_SUMMARY} characters with control characters removed
 */
public record CheckReport(String name, State state, String summary) {
    /** GitHub cuts a commit status description at 140 characters; a check run title at more, one rule for both. */
    public static final int MAX_SUMMARY = 140;
    private static final Pattern NAME = Pattern.compile("forgebus/[a-z0-9-]{1,60}");

    /** Where the module stands on this commit. */
    public enum State {
        /** It waits (checks pending or missing): GitHub {@code in_progress}, Forgejo/Gitea {@code pending}. */
        WAITING,
        /** It did what it is for (merged, released): {@code success}. */
        DONE,
        /** It will not act on this commit (head moved, a red check, the forge refused): GitHub {@code neutral}, Forgejo/Gitea {@code warning}. */
        BLOCKED
    }

    public CheckReport {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(summary, "summary");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("a Forgebus check is named forgebus/<module id>: '" + name + "'");
        }
        summary = summary.replaceAll("\\p{Cntrl}", " ").strip();
        if (summary.length() > MAX_SUMMARY) {
            summary = summary.substring(0, MAX_SUMMARY - 1) + "…";
        }
    }

    /** Whether {@code checkName} is one of Forgebus's own checks, which never gate Forgebus itself. */
    public static boolean isOwn(String checkName) {
        return checkName.startsWith("forgebus/");
    }
}
