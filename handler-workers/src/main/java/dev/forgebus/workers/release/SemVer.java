package dev.forgebus.workers.release;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Semantic Versioning 2.0.0 version ({@code 1.2.0}, {@code 2.0.0-rc.1+build.5}), read with the
 * grammar of semver.org; a leading {@code v} (as in tag {@code v1.2.0}) is allowed and dropped.
 *
 * @param text       the version without the {@code v}
 * @param preRelease the part after {@code -}, "" when none: a version with one is a pre-release
 */
public record SemVer(String text, String preRelease) {

    private static final String CORE = "(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)";
    private static final String PRE = "(?:-((?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\\.(?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?";
    private static final String BUILD = "(?:\\+([0-9a-zA-Z-]+(?:\\.[0-9a-zA-Z-]+)*))?";
    private static final Pattern WHOLE = Pattern.compile("[vV]?(" + CORE + PRE + BUILD + ")");
    /** At the end of a monorepo or path tag: {@code lib-1.2.0}, {@code pkg@2.0.0-rc.1}, {@code release/1.2.0}. */
    private static final Pattern TAG_SUFFIX = Pattern.compile("(?:^|[-/_@])[vV]?(" + CORE + PRE + BUILD + ")$");
    /** In free text (a pull request title): not glued to a word or another number. */
    private static final Pattern IN_TEXT = Pattern.compile("(?<![\\w.+-])[vV]?(" + CORE + PRE + BUILD + ")(?![\\w.+-]*\\w)");

    /** {@code version} as a SemVer, when it is one (with or without a leading {@code v}). */
    public static Optional<SemVer> parse(String version) {
        Matcher m = WHOLE.matcher(version.strip());
        return m.matches() ? Optional.of(of(m)) : Optional.empty();
    }

    /** The first SemVer standing as its own word in {@code text} ("Release 1.4.0", "bump to v2.0.0-rc.1"). */
    public static Optional<SemVer> find(String text) {
        Matcher m = IN_TEXT.matcher(text);
        return m.find() ? Optional.of(of(m)) : Optional.empty();
    }

    /** The SemVer a tag names: the whole tag ({@code v1.2.0}) or its last part ({@code lib-1.2.0}). */
    public static Optional<SemVer> inTag(String tag) {
        Matcher m = TAG_SUFFIX.matcher(tag);
        return m.find() ? Optional.of(of(m)) : Optional.empty();
    }

    public boolean isPreRelease() {
        return !preRelease.isEmpty();
    }

    private static SemVer of(Matcher m) {
        return new SemVer(m.group(1), m.group(5) == null ? "" : m.group(5));
    }
}
