package dev.forgebus.common.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Objects;

/**
 * A credential from the config: a token, a webhook secret, a webhook URL. It is a class and not
 * a record so that no generated {@code toString} can print it: logging a config object, an
 * exception message built with {@code "" + secret}, or a debugger view shows {@code *****}.
 * The only way to the value is {@link #reveal()}, which makes every use greppable.
 */
public final class Secret {

    private static final String MASK = "*****";

    private final String value;

    private Secret(String value) {
        this.value = Objects.requireNonNull(value, "value");
    }

    public static Secret of(String value) {
        return new Secret(value);
    }

    /** The value itself; call it only where the credential is used (a MAC key, a header). */
    public String reveal() {
        return value;
    }

    @Override
    public String toString() {
        return MASK;
    }

    /** Constant-time, so that comparing two secrets does not leak how many characters match. */
    @Override
    public boolean equals(Object other) {
        return other instanceof Secret s && MessageDigest.isEqual(
                value.getBytes(StandardCharsets.UTF_8), s.value.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }
}
