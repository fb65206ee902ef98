package dev.forgebus.common.config;

import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Replaces <code>${VAR}</code> and <code>${VAR:-default}</code> in a scalar with environment values, the
 * way shells and docker-compose do, so that one file serves every environment and credentials
 * stay out of it. <code>$${</code> is a literal <code>${</code>. As in sh, {@code :-} applies when the
 * variable is unset or empty; <code>${VAR}</code> with VAR set to "" is simply "". A variable that is not set and has no
 * default is an error naming it: a silently empty token fails much later and much less clearly.
 *
 * <p>A default may itself hold references (<code>${A:-${B:-x}}</code>), up to {@link #MAX_NESTING}
 * levels; it is looked at only when it applies, as in sh, but its syntax is always checked.
 * Every <code>${</code> of the file that is not written <code>$${</code> is either replaced or a
 * problem: a reference can never reach a value as literal text (a secret of <code>${B}</code>).
 * Values from the environment are used as they are, never interpolated again.
 */
final class Interpolator {

    /**
     * A scalar after interpolation.
     *
     * @param value            the text to type-check and use
     * @param usedEnvironment  true when some of it came from the environment: error messages
     *                         must then show the file's text, never the value, which may be
     *                         a credential that was put in the wrong key
     */
    record Result(String value, boolean usedEnvironment) {
    }

    /** References nested deeper (defaults of defaults of ...) are an error. */
    static final int MAX_NESTING = 8;

    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final String ESCAPE_HINT = " (write $${ for a literal ${)";

    private final Function<String, String> environment;
    private final ConfigProblems problems;

    Interpolator(Function<String, String> environment, ConfigProblems problems) {
        this.environment = Objects.requireNonNull(environment, "environment");
        this.problems = problems;
    }

    Result interpolate(String raw, int line) {
        if (raw.indexOf('$') < 0) {
            return new Result(raw, false);
        }
        Scan scan = new Scan(raw, line);
        try {
            return new Result(scan.text(0, false, true), scan.usedEnvironment);
        } catch (SyntaxError e) {
            // Reported; the scalar is unusable and the file fails, so what it reads as does not matter.
            return new Result(raw, false);
        }
    }

    /** Stops a scalar whose references cannot be read; already reported. */
    private static final class SyntaxError extends RuntimeException {
        SyntaxError() {
            super(null, null, false, false);
        }
    }

    /** One pass over one scalar; recursive descent over nested defaults, bounded by {@link #MAX_NESTING}. */
    private final class Scan {
        private final String raw;
        private final int line;
        private int pos;
        private boolean usedEnvironment;

        Scan(String raw, int line) {
            this.raw = raw;
            this.line = line;
        }

        /**
         * Text up to the end of the scalar, or, in a default, up to its closing brace (left for
         * the caller to consume).
         *
         * @param evaluate false for a default that does not apply: checked, not looked up
         */
        String text(int depth, boolean inDefault, boolean evaluate) {
            StringBuilder out = new StringBuilder();
            while (pos < raw.length()) {
                if (inDefault && raw.charAt(pos) == '}') {
                    return out.toString();
                } else if (raw.startsWith("$${", pos)) {
                    out.append("${");
                    pos += 3;
                } else if (raw.startsWith("${", pos)) {
                    out.append(reference(depth + 1, evaluate));
                } else {
                    out.append(raw.charAt(pos));
                    pos++;
                }
            }
            return out.toString();
        }

        /** The reference starting at {@code pos}; leaves {@code pos} after its closing brace. */
        private String reference(int depth, boolean evaluate) {
            int start = pos;
            if (depth > MAX_NESTING) {
                throw fail("references nested more than " + MAX_NESTING + " levels deep" + ESCAPE_HINT);
            }
            pos += 2;
            while (pos < raw.length() && isNameChar(raw.charAt(pos))) {
                pos++;
            }
            String name = raw.substring(start + 2, pos);
            boolean hasDefault = raw.startsWith(":-", pos);
            if (!hasDefault && !raw.startsWith("}", pos) || !NAME.matcher(name).matches()) {
                int close = matchingBrace(start);
                throw fail(close < 0 ? "unclosed '${'" + ESCAPE_HINT
                        : "'" + raw.substring(start, close + 1) + "' is not a variable reference: names are letters,"
                                + " digits and '_'" + ESCAPE_HINT);
            }
            String value = evaluate ? environment.apply(name) : null;
            String result;
            if (hasDefault) {
                pos += 2;
                // As in sh and docker-compose, ':-' also replaces a variable that is set but empty.
                boolean applies = evaluate && (value == null || value.isEmpty());
                String fallback = text(depth, true, applies);
                if (pos >= raw.length()) {
                    throw fail("unclosed '${'" + ESCAPE_HINT);
                }
                result = applies ? fallback : value;
                usedEnvironment |= evaluate && !applies;
            } else if (value != null) {
                result = value;
                usedEnvironment = true;
            } else {
                if (evaluate) {
                    problems.add(line, "environment variable " + name + " is not set (write ${" + name
                            + ":-} to allow it to be empty)");
                }
                result = "";
            }
            pos++; // the closing brace
            return evaluate ? result : "";
        }

        /** Where the reference opened at {@code start} closes, counting nested ones; -1 when it does not. */
        private int matchingBrace(int start) {
            int open = 0;
            int i = start;
            while (i < raw.length()) {
                if (raw.startsWith("$${", i)) {
                    i += 3;
                } else if (raw.startsWith("${", i)) {
                    open++;
                    i += 2;
                } else if (raw.charAt(i) == '}' && --open == 0) {
                    return i;
                } else {
                    i++;
                }
            }
            return -1;
        }

        private SyntaxError fail(String message) {
            problems.add(line, message);
            return new SyntaxError();
        }
    }

    private static boolean isNameChar(char c) {
        return c == '_' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9';
    }
}
