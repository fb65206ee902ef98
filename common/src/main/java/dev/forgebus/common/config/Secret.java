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

    /**
     * {@code text} with every copy of this secret replaced by {@code *****}: as written, in any
     * letter case (a server that echoes a token upper-cased, or an error page that lower-cases the
     * URL it failed on) and URL-encoded (a token that travelled in a query string or form body, with
     * either case of percent-escapes). For messages that come from outside (a forge's error body)
     * and are about to be logged or stored.
     */
    public String scrubFrom(String text) {
        if (text == null || value.isEmpty()) {
            return text;
        }
        String result = text;
        for (String form : forms()) {
            result = java.util.regex.Pattern.compile(java.util.regex.Pattern.quote(form),
                    java.util.regex.Pattern.CASE_INSENSITIVE | java.util.regex.Pattern.UNICODE_CASE)
                    .matcher(result).replaceAll(MASK);
        }
        return result;
    }

    /** The value, then its URL-encoded forms when they differ (form encoding, then %20 for spaces). */
    private java.util.List<String> forms() {
        String form = java.net.URLEncoder.encode(value, StandardCharsets.UTF_8);
        return java.util.stream.Stream.of(value, form, form.replace("+", "%20")).distinct().toList();
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
