package dev.forgebus.app;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

import picocli.CommandLine.IVersionProvider;

/**
 * The version the build wrote into {@code version.properties} (the pom's version, by resource
 * filtering), so that the jar and a run from classes print the same; never a constant in code.
 */
final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
        return new String[] {"forgebus " + current()};
    }

    /** The version alone, from the build ({@code forgebus --version}, {@code forgebus_build_info{version}}). */
    static String current() {
        try (InputStream in = Version.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                return "dev";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "dev");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
