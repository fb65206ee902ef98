package dev.forgebus.app.welcome;

import dev.forgebus.app.Main;
import dev.forgebus.app.Modules;

/** {@code forgebus} with the test module registered: what a test starts as a separate process to kill -9. */
public final class WelcomeForgebusMain {

    private WelcomeForgebusMain() {
    }

    public static void main(String[] args) {
        System.exit(Main.execute(Modules.BUILT_IN.with(WelcomeModule.REGISTRATION), args));
    }
}
