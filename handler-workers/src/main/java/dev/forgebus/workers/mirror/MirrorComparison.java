package dev.forgebus.workers.mirror;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;

import dev.forgebus.common.config.RepoRef;

/**
 * One pushed ref's head on the primary and on the mirror, read now.
 *
 * @param ref     the pushed ref
 * @param primary its head on the primary now; empty when the primary has no such ref
 * @param mirror  its head on the mirror now; empty when the mirror has no such ref
 */
record MirrorComparison(PushedRef ref, Optional<String> primary, Optional<String> mirror) {

    MirrorComparison {
        Objects.requireNonNull(ref, "ref");
        Objects.requireNonNull(primary, "primary");
        Objects.requireNonNull(mirror, "mirror");
    }

    /**
     * Whether the mirror has caught up with this push: it has the primary's current head, or the
     * head this push set. The second case keeps a busy branch (the primary moved again before the
     * re-check) from reporting drift for a push that did reach the mirror; the newer push has its
     * own item.
     */
    boolean inSync() {
        return mirror.equals(primary) || ref.pushedSha().isPresent() && mirror.equals(ref.pushedSha());
    }

    /** {@code branch main: primary abc…, mirror def…} with full SHAs ("none" for a missing ref). */
    String shown() {
        return ref.shown() + ": primary " + primary.orElse("none") + ", mirror " + mirror.orElse("none");
    }

    /**
     * The progress-store key that marks "drift was notified" for this ref of {@code primaryRepo}:
     * printable ASCII within the store's bound whatever the ref name is (a long or non-ASCII name is
     * hashed), so a recovery is reported only after a drift was.
     */
    static String markerKey(RepoRef primaryRepo, PushedRef ref) {
        String key = "drift/" + primaryRepo + "/" + ref.kind().name().toLowerCase() + "/" + ref.name();
        if (key.length() <= 200 && key.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            return key;
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return "drift/sha256/" + HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }
}
