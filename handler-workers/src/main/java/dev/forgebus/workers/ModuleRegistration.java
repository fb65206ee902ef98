package dev.forgebus.workers;

import java.util.Objects;
import java.util.function.Supplier;

import dev.forgebus.common.config.ModuleDeclaration;

/**
 * A module as a process runs it: its declaration (names, settings block, what starts it) and its
 * handler. The one line that adds a module to a process (docs/architecture.md, "How to add a
 * module").
 *
 * @param declaration the module, as the config readers, router and scheduler know it
 * @param handler     makes its handler; called once per process that runs the module's worker
 */
public record ModuleRegistration(ModuleDeclaration<?> declaration, Supplier<ModuleHandler> handler) {

    public ModuleRegistration {
        Objects.requireNonNull(declaration, "declaration");
        Objects.requireNonNull(handler, "handler");
    }

    /** A new handler, checked to be the declared module's. */
    public ModuleHandler newHandler() {
        ModuleHandler made = Objects.requireNonNull(handler.get(), "handler");
        if (!made.module().equals(declaration.id())) {
            throw new IllegalStateException("the handler registered for module " + declaration.id() + " handles " + made.module());
        }
        return made;
    }
}
