package dev.forgebus.common.kafka;

/**
 * Record keys of every Forgebus topic: {@code <forgeId>/<owner>/<repo>}, or
 * {@code <forgeId>/<owner>} for org-level events, or {@code <forgeId>} when the payload names
 * neither. One repository's events share a key, hence a partition, hence an order.
 */
public final class RecordKeys {
    private RecordKeys() {
    }

    public static String of(String forgeId, String owner, String repo) {
        if (owner == null || owner.isEmpty()) {
            return forgeId;
        }
        if (repo == null || repo.isEmpty()) {
            return forgeId + "/" + owner;
        }
        return forgeId + "/" + owner + "/" + repo;
    }
}
