package dev.forgebus.common.config;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A config file that cannot be used, with every problem found in it, not just the first: fixing
 * a file one error per run is the slowest way to learn what is wrong with it. The message is
 * the problems one per line, ready to print as they are.
 */
public final class ConfigException extends Exception {

    private final transient List<ConfigProblem> problems;

    public ConfigException(List<ConfigProblem> problems) {
        super(problems.stream().map(ConfigProblem::toString).collect(Collectors.joining("\n")));
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a ConfigException needs at least one problem");
        }
        this.problems = List.copyOf(problems);
    }

    /** The problems in file order. */
    public List<ConfigProblem> problems() {
        return problems;
    }
}
