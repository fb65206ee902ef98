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

    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

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
        StringBuilder out = new StringBuilder(raw.length());
        boolean usedEnvironment = false;
        int i = 0;
        while (i < raw.length()) {
            if (raw.startsWith("$${", i)) {
                out.append("${");
                i += 3;
            } else if (raw.startsWith("${", i)) {
                int close = raw.indexOf('}', i + 2);
                if (close < 0) {
                    problems.add(line, "unclosed '${' (write $${ for a literal ${)");
                    return new Result(out.append(raw, i, raw.length()).toString(), usedEnvironment);
                }
                String reference = raw.substring(i + 2, close);
                int separator = reference.indexOf(":-");
                String name = separator < 0 ? reference : reference.substring(0, separator);
                String value = NAME.matcher(name).matches() ? environment.apply(name) : null;
                if (!NAME.matcher(name).matches()) {
                    problems.add(line, "'${" + reference + "}' is not a variable reference: names are letters, digits"
                            + " and '_' (write $${ for a literal ${)");
                } else if (value != null && !(value.isEmpty() && separator >= 0)) {
                    out.append(value);
                    usedEnvironment = true;
                } else if (separator >= 0) {
                    // As in sh and docker-compose, ':-' also replaces a variable that is set but empty.
                    out.append(reference, separator + 2, reference.length());
                } else {
                    problems.add(line, "environment variable " + name + " is not set (write ${" + name
                            + ":-} to allow it to be empty)");
                }
                i = close + 1;
            } else {
                out.append(raw.charAt(i));
                i++;
            }
        }
        return new Result(out.toString(), usedEnvironment);
    }
}
