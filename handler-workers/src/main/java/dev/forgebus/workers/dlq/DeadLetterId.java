package dev.forgebus.workers.dlq;

import dev.forgebus.common.config.ModuleId;

/**
 * A parsed dead-letter id {@code module:partition:offset}.
 */
public record DeadLetterId(ModuleId module, int partition, long offset) {

    public DeadLetterId {
        if (partition < 0 || offset < 0) {
            throw new IllegalArgumentException("partition and offset must not be negative");
        }
    }

    /**
     * Parses {@code triage:3:42}.
     *
     * @throws IllegalArgumentException with a message fit for the command line
     */
    public static DeadLetterId parse(String id) {
        String[] parts = id == null ? new String[0] : id.trim().split(":");
        if (parts.length != 3) {
            throw new IllegalArgumentException("dead-letter id must be module:partition:offset, got '" + id + "'");
        }
        ModuleId module = ModuleId.byId(parts[0]).orElseThrow(() ->
                new IllegalArgumentException("unknown module '" + parts[0] + "' in dead-letter id '" + id + "'"));
        try {
            return new DeadLetterId(module, Integer.parseInt(parts[1]), Long.parseLong(parts[2]));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("dead-letter id must be module:partition:offset with a partition and offset "
                    + "of 0 or more, got '" + id + "'");
        }
    }

    @Override
    public String toString() {
        return DeadLetter.idOf(module.id(), partition, offset);
    }
}
