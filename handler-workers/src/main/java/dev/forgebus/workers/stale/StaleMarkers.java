package dev.forgebus.workers.stale;

import dev.forgebus.common.config.StaleSettings;

/**
 * Hidden markers at the end of Forgebus's own comments, so a later sweep finds when it marked an
 * item and whether its close comment is already there, without knowing the token's login.
 */
final class StaleMarkers {
    // Both start with StaleSettings.OWN_COMMENT_MARKER, by which the webhook trigger tells our comments apart.
    static final String STALE = StaleSettings.OWN_COMMENT_MARKER + " -->";
    static final String CLOSE = StaleSettings.OWN_COMMENT_MARKER + "-close -->";

    private StaleMarkers() {
    }

    static String staleComment(String text) {
        return text + "\n\n" + STALE;
    }

    static String closeComment(String text) {
        return text + "\n\n" + CLOSE;
    }
}
