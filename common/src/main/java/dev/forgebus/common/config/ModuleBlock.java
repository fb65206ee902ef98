package dev.forgebus.common.config;

/**
 * What every module's settings record has in common: writing the block asks for the module, and
 * {@code enabled: false} switches it off again for a scope (e.g. one repository under an org
 * that enables it).
 */
public interface ModuleBlock {

    /** False when a scope switched the module off. */
    boolean enabled();
}
