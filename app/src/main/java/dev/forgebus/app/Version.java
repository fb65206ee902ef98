package dev.forgebus.app;

import picocli.CommandLine.IVersionProvider;

/** The version from the jar manifest, or "dev" when run from classes. */
final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
        return new String[] {"forgebus " + current()};
    }

    /** The version alone ({@code forgebus_build_info{version}}). */
    static String current() {
        String v = Main.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
