package dev.forgebus.workers.dependencies;

import java.util.Optional;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

import dev.forgebus.common.event.EventEnvelope;
import dev.forgebus.workers.InvalidInputException;

/**
 * What an upstream event says was released: from a {@code release} event (GitHub, Gitea and Forgejo
 * share {@code release.tag_name}, {@code html_url}, {@code draft}, {@code prerelease}) or from a tag
 * push ({@code ref: refs/tags/<tag>}, no release URL; prerelease when the version has a SemVer
 * pre-release part). Bounded, so what is fanned out stays small.
 *
 * @param releaseUrl "" for a tag push
 */
record UpstreamRelease(String tag, String releaseUrl, boolean draft, boolean prerelease) {

    /** Git allows longer names; a tag this long is not a version. */
    static final int MAX_TAG = 255;
    static final int MAX_URL = 2000;

    private static final String TAG_REF = "refs/tags/";
    /** {@code [v]MAJOR.MINOR.PATCH-PRERELEASE[+BUILD]} (SemVer 2.0.0 section 9). */
    private static final Pattern SEMVER_PRERELEASE = Pattern.compile(
            "v?(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)-[0-9A-Za-z-]+(\\.[0-9A-Za-z-]+)*(\\+[0-9A-Za-z-]+(\\.[0-9A-Za-z-]+)*)?");

    /** @throws InvalidInputException when the payload lacks the tag or a field is out of bounds */
    static UpstreamRelease of(EventEnvelope e) {
        JsonNode payload = e.payload();
        if (payload == null) {
            throw InvalidInputException.payload("no payload");
        }
        if (e.event().equals("release")) {
            JsonNode release = payload.path("release");
            return checked(text(release, "tag_name").orElseThrow(() -> InvalidInputException.payload("release.tag_name missing")),
                    text(release, "html_url").orElse(""), release.path("draft").asBoolean(false),
                    release.path("prerelease").asBoolean(false));
        }
        String ref = text(payload, "ref").orElse("");
        if (!ref.startsWith(TAG_REF)) {
            throw InvalidInputException.payload("not a tag push: ref " + (ref.isEmpty() ? "missing" : "is not refs/tags/..."));
        }
        String tag = ref.substring(TAG_REF.length());
        return checked(tag, "", false, SEMVER_PRERELEASE.matcher(tag).matches());
    }

    private static UpstreamRelease checked(String tag, String url, boolean draft, boolean prerelease) {
        if (tag.isEmpty() || tag.length() > MAX_TAG || tag.chars().anyMatch(Character::isISOControl)) {
            throw InvalidInputException.payload("tag is empty, has a control character or is over " + MAX_TAG + " characters");
        }
        if (url.length() > MAX_URL || !(url.isEmpty() || url.startsWith("https://") || url.startsWith("http://"))) {
            throw InvalidInputException.payload("release.html_url is not an http(s) URL of at most " + MAX_URL + " characters");
        }
        return new UpstreamRelease(tag, url, draft, prerelease);
    }

    private static Optional<String> text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isTextual() ? Optional.of(value.asText()) : Optional.empty();
    }
}
