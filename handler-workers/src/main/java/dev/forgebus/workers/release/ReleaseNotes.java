package dev.forgebus.workers.release;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;

/**
 * A release's body and what the outcome should say about it.
 *
 * @param body the release body, at most {@link #MAX_BODY} characters
 * @param note for the item's outcome: "" when the section was found and fitted, else what happened
 */
public record ReleaseNotes(String body, String note) {

    /** GitHub refuses a release body longer than 125,000 characters; Forgejo takes the same cut. */
    public static final int MAX_BODY = 125_000;

    public ReleaseNotes {
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(note, "note");
    }

    /**
     * The notes of {@code version} in {@code changelog} (empty: the file does not exist at the tag).
     *
     * @param fileLink the changelog's web address at the tag, when known (for the cut marker)
     */
    public static ReleaseNotes of(Optional<Changelog> changelog, String version, String changelogPath, String ref,
                                  Optional<String> fileLink) {
        if (changelog.isEmpty()) {
            return new ReleaseNotes(noNotes(version, changelogPath + " does not exist at " + ref),
                    "no notes: " + changelogPath + " not found at " + ref);
        }
        Optional<Changelog.Section> section = changelog.get().section(version);
        if (section.isEmpty() || section.get().body().isBlank()) {
            String why = section.isEmpty() ? "no section for " + version : "the section of " + version + " is empty";
            String read = changelog.get().truncated() ? " in the first " + Changelog.MAX_BYTES + " bytes of " : " in ";
            return new ReleaseNotes(noNotes(version, why + read + changelogPath + " at " + ref),
                    "no notes: " + why + read + changelogPath);
        }
        String body = section.get().body();
        if (body.length() <= MAX_BODY) {
            return new ReleaseNotes(body, "");
        }
        String marker = "\n\n---\n*Cut at " + MAX_BODY + " characters (the release body limit); the full notes are in "
                + fileLink.map(link -> "[" + changelogPath + "](" + link + ")").orElse(changelogPath + " at " + ref) + ".*";
        int keep = MAX_BODY - marker.length();
        if (Character.isHighSurrogate(body.charAt(keep - 1))) {
            keep--; // never split a surrogate pair
        }
        return new ReleaseNotes(body.substring(0, keep) + marker,
                "notes of " + version + " cut from " + body.length() + " to " + MAX_BODY + " characters");
    }

    /** The body of a release whose notes could not be found: says so, for people reading the release. */
    static String noNotes(String version, String why) {
        return "No release notes for " + version + ": " + why + ".";
    }

    /**
     * The changelog's web address at {@code tag}: GitHub {@code <repo>/blob/<tag>/<path>}, Forgejo
     * and Gitea {@code <repo>/src/tag/<tag>/<path>}; empty when the payload gave no http(s) repository address.
     */
    public static Optional<String> fileLink(String forgeType, String repositoryHtmlUrl, String tag, String path) {
        if (!repositoryHtmlUrl.startsWith("https://") && !repositoryHtmlUrl.startsWith("http://")) {
            return Optional.empty();
        }
        String base = repositoryHtmlUrl.endsWith("/") ? repositoryHtmlUrl.substring(0, repositoryHtmlUrl.length() - 1)
                : repositoryHtmlUrl;
        String at = forgeType.equals("github") ? "/blob/" : "/src/tag/";
        return Optional.of(base + at + segments(tag) + "/" + segments(path.replaceAll("^/+", "")));
    }

    private static String segments(String value) {
        StringBuilder out = new StringBuilder();
        for (String segment : value.split("/", -1)) {
            if (!out.isEmpty()) {
                out.append('/');
            }
            out.append(URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20"));
        }
        return out.toString();
    }
}
