package dev.forgebus.workers.migrations;

import java.time.Instant;
import java.util.List;

/**
 * What a database has and what the source holds: applied migrations, pending files (in the order
 * they would run), drift (applied files whose content changed since) and applied versions whose
 * file is gone from the source.
 */
public record MigrationStatus(List<Applied> applied, List<MigrationFile> pending, List<Drift> drift, List<String> missing) {

    public MigrationStatus {
        applied = List.copyOf(applied);
        pending = List.copyOf(pending);
        drift = List.copyOf(drift);
        missing = List.copyOf(missing);
    }

    /** A row of the history table. */
    public record Applied(String version, String name, Instant appliedAt, String checksum, String appliedBy, long executionMs) {
    }

    /** An applied version whose file's sha256 is no longer the one recorded when it ran. */
    public record Drift(String version, String fileName, String recordedChecksum, String fileChecksum) {
        public String describe() {
            return fileName + " changed after it was applied (recorded sha256 " + recordedChecksum.substring(0, 12)
                    + "..., file now " + fileChecksum.substring(0, 12) + "...)";
        }
    }

    /** Pending versions, in order. */
    public List<String> pendingVersions() {
        return pending.stream().map(MigrationFile::version).toList();
    }
}
