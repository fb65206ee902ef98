package dev.forgebus.forge;

import java.util.Objects;

/** A release as the forge shows it. {@code body} is empty (never null) when the release has no notes. */
public record ForgeRelease(long id, String tag, String name, String body, boolean draft, boolean prerelease,
                           String htmlUrl) {

    public ForgeRelease {
        Objects.requireNonNull(tag, "tag");
        name = name == null ? "" : name;
        body = body == null ? "" : body;
        htmlUrl = htmlUrl == null ? "" : htmlUrl;
    }
}
