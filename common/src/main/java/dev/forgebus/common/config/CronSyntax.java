package dev.forgebus.common.config;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A shape check of 5-field cron expressions ({@code minute hour day-of-month month day-of-week}),
 * enough to catch a 6-field Quartz expression or a typo at load time. Whether each field's
 * values are in range is left to the scheduler's cron parser, which owns the semantics.
 */
final class CronSyntax {

    private static final Pattern FIELD = Pattern.compile("[0-9A-Za-z*/,?-]+");

    private CronSyntax() {
    }

    /** Empty when the expression has the right shape, else what is wrong with it (without echoing it). */
    static Optional<String> problemWith(String expression) {
        String[] fields = expression.strip().split("\\s+");
        if (expression.isBlank() || fields.length != 5) {
            return Optional.of("expected a cron expression of 5 fields (minute hour day-of-month month day-of-week),"
                    + " got " + (expression.isBlank() ? 0 : fields.length) + " field" + (fields.length == 1 ? "" : "s"));
        }
        for (String field : fields) {
            if (!FIELD.matcher(field).matches()) {
                return Optional.of("a cron field may only contain digits, names, '*', '/', ',', '-' and '?'");
            }
        }
        return Optional.empty();
    }
}
