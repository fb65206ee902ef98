package dev.forgebus.workers.dlq;

import dev.forgebus.common.config.ModuleCatalog;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A parsed dead-letter id {@code source:partition:offset}, e.g. {@code triage:3:42} or
 * {@code dedup:0:7}.
 */
public record DeadLetterId(DeadLetterSource source, int partition, long offset) {
    // Digits only (no sign, no spaces), at most as long as the largest value; ranges checked below.
    private static final Pattern SHAPE = Pattern.compile("([a-z0-9-]{1,40}):([0-9]{1,10}):([0-9]{1,19})");

    public DeadLetterId {
        Objects.requireNonNull(source, "source");
        if (partition < 0 || offset < 0) {
            throw new IllegalArgumentException("partition and offset must not be negative");
        }
    }

    /**
     * Parses {@code triage:3:42}.
     *
     * @throws IllegalArgumentException with a message fit for the command line and a 400
     */
    public static DeadLetterId parse(ModuleCatalog modules, String id) {
        Matcher m = id == null ? null : SHAPE.matcher(id);
        if (m == null || !m.matches()) {
            throw new IllegalArgumentException("dead-letter id must be module:partition:offset (e.g. triage:0:42), got '"
                    + shorten(id) + "'");
        }
        DeadLetterSource source = DeadLetterSource.byId(modules, m.group(1)).orElseThrow(() ->
                new IllegalArgumentException("unknown module '" + m.group(1) + "' in dead-letter id '" + id + "'"));
        long partition = Long.parseLong(m.group(2));
        if (partition > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("partition out of range in dead-letter id '" + id + "'");
        }
        long offset;
        try {
            offset = Long.parseLong(m.group(3));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("offset out of range in dead-letter id '" + id + "'");
        }
        return new DeadLetterId(source, (int) partition, offset);
    }

    private static String shorten(String s) {
        if (s == null) {
            return "null";
        }
        String printable = s.replaceAll("\\p{Cntrl}", "?");
        return printable.length() <= 80 ? printable : printable.substring(0, 80) + "...";
    }

    @Override
    public String toString() {
        return DeadLetter.idOf(source.id(), partition, offset);
    }
}
