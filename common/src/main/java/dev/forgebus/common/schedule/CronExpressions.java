package dev.forgebus.common.schedule;

import java.util.List;
import java.util.Optional;

import com.cronutils.model.Cron;
import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.parser.CronParser;

/**
 * 5-field UNIX cron expressions ({@code minute hour day-of-month month day-of-week}), parsed by
 * cron-utils: the same parser validates the config at load and computes the scheduler's fire
 * times, so an expression that loads is one the scheduler can run.
 */
public final class CronExpressions {
    private static final List<String> FIELDS = List.of("minute", "hour", "day-of-month", "month", "day-of-week");
    private static final CronParser PARSER = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

    private CronExpressions() {
    }

    /** The parsed expression; throws {@link IllegalArgumentException} when {@link #problemWith} is not empty. */
    public static Cron parse(String expression) {
        Optional<String> problem = problemWith(expression);
        if (problem.isPresent()) {
            throw new IllegalArgumentException(problem.get());
        }
        return PARSER.parse(expression.strip()).validate();
    }

    /**
     * Empty when the expression is valid, else what is wrong, naming the field ("minute: ...").
     * cron-utils' own messages do not say which field failed, so each field is also tried alone
     * (the others {@code *}) to name the first one that does not parse.
     */
    public static Optional<String> problemWith(String expression) {
        String[] fields = expression.strip().split("\\s+");
        if (expression.isBlank() || fields.length != FIELDS.size()) {
            return Optional.of("expected a cron expression of 5 fields (minute hour day-of-month month day-of-week),"
                    + " got " + (expression.isBlank() ? 0 : fields.length) + " field" + (fields.length == 1 ? "" : "s"));
        }
        if (tryParse(String.join(" ", fields)).isEmpty()) {
            return Optional.empty();
        }
        for (int i = 0; i < fields.length; i++) {
            String[] alone = {"*", "*", "*", "*", "*"};
            alone[i] = fields[i];
            Optional<String> problem = tryParse(String.join(" ", alone));
            if (problem.isPresent()) {
                return Optional.of(FIELDS.get(i) + " field '" + fields[i] + "' is not valid: " + problem.get());
            }
        }
        return tryParse(String.join(" ", fields)).map(p -> "not a valid cron expression: " + p);
    }

    private static Optional<String> tryParse(String expression) {
        try {
            PARSER.parse(expression).validate();
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.of(String.valueOf(e.getMessage()).replaceFirst("^Failed to parse '[^']*'\\. ", ""));
        }
    }
}
