package dev.forgebus.common.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.yaml.snakeyaml.nodes.Node;

/**
 * Collects problems while the whole file is read, so that one run reports all of them. A set,
 * because an org block is type-checked once on its own and again inside every repository that
 * inherits it: the same mistake must be reported once.
 */
final class ConfigProblems {

    private final String file;
    private final Set<ConfigProblem> problems = new LinkedHashSet<>();

    ConfigProblems(String file) {
        this.file = file;
    }

    static int lineOf(Node node) {
        return node == null || node.getStartMark() == null ? 0 : node.getStartMark().getLine() + 1;
    }

    void add(int line, String message) {
        problems.add(new ConfigProblem(file, line, message));
    }

    void add(Node node, String message) {
        add(lineOf(node), message);
    }

    boolean isEmpty() {
        return problems.isEmpty();
    }

    ConfigException toException() {
        List<ConfigProblem> inFileOrder = new ArrayList<>(problems);
        inFileOrder.sort(Comparator.comparingInt(ConfigProblem::line));
        return new ConfigException(inFileOrder);
    }

    void throwIfAny() throws ConfigException {
        if (!problems.isEmpty()) {
            throw toException();
        }
    }
}
