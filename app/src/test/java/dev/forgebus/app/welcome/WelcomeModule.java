package dev.forgebus.app.welcome;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.forgebus.common.config.ModuleDeclaration;
import dev.forgebus.common.config.ModuleId;
import dev.forgebus.common.config.TriggerVerdict;
import dev.forgebus.workers.ModuleRegistration;

/**
 * A module that exists only in the test tree, to show (and keep showing) that a module is its
 * package plus one registration line: {@code Modules.BUILT_IN.with(WelcomeModule.REGISTRATION)}.
 * Nothing in main code names it, yet its block is read and checked, its events routed and traced,
 * its topics made, its worker run, and its re-checks parked like any module's.
 *
 * <p>What it does: when an issue is opened, after {@code delay}, it comments {@code message} once.
 */
public final class WelcomeModule {
    public static final ModuleId ID = new ModuleId("welcome", "welcome");

    public static final ModuleDeclaration<WelcomeSettings> DECLARATION = ModuleDeclaration.withBlock(ID,
            "comments a welcome on newly opened issues (test module)",
            new ModuleDeclaration.Block<>(WelcomeSettings.class, ModuleDeclaration.Scope.ORG_AND_REPOSITORY,
                    List.of("enabled", "message", "delay"),
                    (b, context) -> Optional.of(new WelcomeSettings(b.bool("enabled", true),
                            b.string("message", "Welcome, and thanks for the report!"), b.duration("delay", Duration.ZERO))),
                    WelcomeModule::write),
            new ModuleDeclaration.Start.Webhooks<>((settings, e) -> TriggerVerdict.of(
                    e.event().equals("issues") && "opened".equals(e.action()))));

    public static final ModuleRegistration REGISTRATION = new ModuleRegistration(DECLARATION, WelcomeHandler::new);

    private WelcomeModule() {
    }

    private static Map<String, Object> write(WelcomeSettings s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("enabled", s.enabled());
        m.put("message", s.message().replace("${", "$${"));
        m.put("delay", s.delay().toMillis() + "ms");
        return m;
    }
}
