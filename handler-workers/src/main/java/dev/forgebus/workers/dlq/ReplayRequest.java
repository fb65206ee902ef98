package dev.forgebus.workers.dlq;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import dev.forgebus.common.config.ModuleId;

/**
 * Which dead letters {@code forgebus dlq replay} sends back to work.
 *
 * @param module only this module's dead letters (all modules when empty)
 * @param ids    only these dead letters ({@code module:partition:offset}); every dead letter
 *               matching {@code module} and {@code since} when empty
 * @param since  only dead letters written at or after this instant
 * @param dryRun list what would be replayed, send nothing
 */
public record ReplayRequest(Optional<ModuleId> module, List<String> ids, Optional<Instant> since, boolean dryRun) {

    public ReplayRequest {
        Objects.requireNonNull(module, "module");
        ids = ids == null ? List.of() : List.copyOf(ids);
        Objects.requireNonNull(since, "since");
    }
}
