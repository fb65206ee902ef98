package dev.forgebus.common.config;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The module blocks of one scope (org defaults, or a repository's effective settings), by module.
 * Absent means the block is not configured for that scope; a present block may still say
 * {@code enabled: false}.
 */
public record ModuleSettings(Map<ModuleId, ModuleBlock> blocks) {

    public ModuleSettings {
        blocks = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(blocks));
    }

    public static ModuleSettings none() {
        return new ModuleSettings(Map.of());
    }

    /** The block of {@code module}, typed by its declaration. */
    public <S extends ModuleBlock> Optional<S> get(ModuleDeclaration<S> module) {
        Optional<ModuleBlock> block = get(module.id());
        return module.block().flatMap(b -> block.filter(b.type()::isInstance).map(b.type()::cast));
    }

    public Optional<ModuleBlock> get(ModuleId module) {
        return Optional.ofNullable(blocks.get(module));
    }
}
