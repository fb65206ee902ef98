package dev.forgebus.workers.migrations;

import java.util.List;

/** How an apply ended; {@link #message()} is the operator's one line (never a password). */
public sealed interface ApplyOutcome {

    String message();

    /** Every pending file ran, in order (none when nothing was pending). */
    record Applied(List<String> versions) implements ApplyOutcome {
        public Applied {
            versions = List.copyOf(versions);
        }

        @Override
        public String message() {
            return versions.isEmpty() ? "up to date: nothing pending"
                    : "applied " + versions.size() + " migration" + (versions.size() == 1 ? "" : "s") + ": V" + String.join(", V", versions);
        }
    }

    /** Applied files changed: nothing ran; an operator resolves it ({@code migrate repair --version V}). */
    record Drifted(List<MigrationStatus.Drift> drift) implements ApplyOutcome {
        public Drifted {
            drift = List.copyOf(drift);
        }

        @Override
        public String message() {
            return "drift, nothing applied: " + String.join("; ", drift.stream().map(MigrationStatus.Drift::describe).toList())
                    + "; restore the file or run 'forgebus migrate repair --version V' after review";
        }
    }

    /** Another runner holds the service's advisory lock. */
    record Busy(String table) implements ApplyOutcome {
        @Override
        public String message() {
            return "busy: another runner is migrating (advisory lock of " + table + " held), nothing applied";
        }
    }

    /** {@code fileName} failed and was rolled back (unless it ran outside a transaction); later files did not run. */
    record Failed(String fileName, String reason, List<String> appliedBefore) implements ApplyOutcome {
        public Failed {
            appliedBefore = List.copyOf(appliedBefore);
        }

        @Override
        public String message() {
            return "failed " + fileName + ": " + reason + (appliedBefore.isEmpty() ? "" : " (applied before it: V"
                    + String.join(", V", appliedBefore) + ")") + "; later files not applied";
        }
    }
}
