package dev.forgebus.forge;

import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A file's content at a ref.
 *
 * @param sha the blob SHA the forge reports (changes when the content does)
 * @param cut whether {@code bytes} is only the start of a file too large to read whole
 */
public record FileContent(String path, String sha, byte[] bytes, boolean cut) {

    public FileContent {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(sha, "sha");
        bytes = bytes.clone();
    }

    /** A whole file. */
    public FileContent(String path, String sha, byte[] bytes) {
        this(path, sha, bytes, false);
    }

    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    /** The content as UTF-8 text. */
    public String text() {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
