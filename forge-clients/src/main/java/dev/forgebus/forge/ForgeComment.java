package dev.forgebus.forge;

import java.time.Instant;
import java.util.Objects;

/** A comment on an issue or pull request. */
public record ForgeComment(long id, String author, String body, Instant createdAt) {

    public ForgeComment {
        Objects.requireNonNull(author, "author");
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(createdAt, "createdAt");
    }
}
