package dev.forgebus.common.config;

import org.yaml.snakeyaml.nodes.Node;

/**
 * Counts the entries and values reading one document visits, after merges and overlays, and
 * stops the reading when they exceed the file's {@link YamlLimits#maxNodes}: each merge or alias
 * is cheap to write and may multiply what is read. Stopping is an exception, caught where the
 * document is read ({@link #reported}), because no partial result of such a file is worth using.
 */
final class NodeBudget {

    /** Thrown by {@link #spend} once the budget is exhausted. */
    static final class Exhausted extends RuntimeException {
        private final int line;

        private Exhausted(int line) {
            super(null, null, false, false);
            this.line = line;
        }
    }

    private final int max;
    private int spent;

    NodeBudget(int max) {
        this.max = max;
    }

    /** One more entry or value visited, at {@code node}. */
    void spend(Node node) {
        spend(ConfigProblems.lineOf(node));
    }

    void spend(int line) {
        if (++spent > max) {
            throw new Exhausted(line);
        }
    }

    /** The problem an {@link Exhausted} budget is, reported at the line where it ran out. */
    ConfigException reported(Exhausted e, ConfigProblems problems) {
        problems.add(e.line, "YAML too complex: more than " + max + " nodes after merges (anchors and '<<' merges"
                + " multiply what is read; write the values out instead)");
        return problems.toException();
    }
}
