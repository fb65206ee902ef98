package dev.forgebus.workers.stale;

/**
 * Hidden markers at the end of Forgebus's own comments, so a later sweep finds when it marked an
 * item and whether its close comment is already there, without knowing the token's login.
 */
final class StaleMarkers {
    static final String STALE = "<!-- forgebus:stale -->";
    static final String CLOSE = "<!-- forgebus:stale-close -->";

    private StaleMarkers() {
    }

    static String staleComment(String text) {
        return text + "\n\n" + STALE;
    }

    static String closeComment(String text) {
        return text + "\n\n" + CLOSE;
    }
}
