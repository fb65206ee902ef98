package dev.forgebus.common.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Turns single YAML nodes into typed values, interpolating first, and records a located problem
 * for each one that does not fit. Every method answers something usable (empty, or nothing)
 * after a problem so that reading goes on and the next problem is found too; the loader
 * throws before any such placeholder escapes.
 *
 * <p>Values are read from the scalar's text, not from YAML's own typing, because interpolation
 * happens first: {@code port: ${PORT:-8080}} is a string to YAML and an integer to us.
 */
final class NodeReader {

    /**
     * A scalar after interpolation.
     *
     * @param value the interpolated text
     * @param shown how an error message may quote it: the value itself, or, when the environment
     *              contributed to it, the file's text ({@code the value of '${PORT}'})
     * @param node  where it is, for the line
     */
    record Text(String value, String shown, Node node) {
    }

    private static final int MAX_SHOWN = 60;

    private final ConfigProblems problems;
    private final Interpolator interpolator;
    private final NodeBudget budget;

    NodeReader(ConfigProblems problems, Interpolator interpolator, NodeBudget budget) {
        this.problems = problems;
        this.interpolator = interpolator;
        this.budget = budget;
    }

    ConfigProblems problems() {
        return problems;
    }

    /** Shared by every reader of one document: merges and overlays count against the same limit. */
    NodeBudget budget() {
        return budget;
    }

    void problem(Node node, String path, String message) {
        problems.add(node, (path.isEmpty() ? "the file" : path) + ": " + message);
    }

    /** Absent, {@code ~}, {@code null} or nothing after the colon: "not set". */
    static boolean isNull(Node node) {
        return node == null || node instanceof ScalarNode s && s.getTag().equals(Tag.NULL);
    }

    static String kindOf(Node node) {
        return switch (node) {
            case MappingNode m -> "a mapping";
            case SequenceNode s -> "a list";
            default -> "a single value";
        };
    }

    Optional<Text> text(Node node, String path, String expected) {
        budget.spend(node);
        if (isNull(node)) {
            return Optional.empty();
        }
        if (!(node instanceof ScalarNode scalar)) {
            problem(node, path, "expected " + expected + ", got " + kindOf(node));
            return Optional.empty();
        }
        Interpolator.Result result = interpolator.interpolate(scalar.getValue(), ConfigProblems.lineOf(node));
        String shown = result.usedEnvironment()
                ? "the value of '" + abbreviate(scalar.getValue()) + "'"
                : "'" + abbreviate(result.value()) + "'";
        return Optional.of(new Text(result.value(), shown, node));
    }

    Optional<Text> text(Node node, String path) {
        return text(node, path, "a string");
    }

    Optional<Long> integer(Node node, String path, long min, long max) {
        return text(node, path, "an integer").flatMap(t -> {
            long value;
            try {
                value = Long.parseLong(t.value().strip());
            } catch (NumberFormatException e) {
                problem(node, path, "expected an integer, got " + t.shown());
                return Optional.empty();
            }
            if (value < min || value > max) {
                problem(node, path, (max == Long.MAX_VALUE || max == Integer.MAX_VALUE
                        ? "must be at least " + min
                        : "must be between " + min + " and " + max) + ", got " + t.shown());
                return Optional.empty();
            }
            return Optional.of(value);
        });
    }

    Optional<Boolean> bool(Node node, String path) {
        return text(node, path, "true or false").flatMap(t -> switch (t.value().strip().toLowerCase(Locale.ROOT)) {
            case "true" -> Optional.of(true);
            case "false" -> Optional.of(false);
            default -> {
                problem(node, path, "expected true or false, got " + t.shown());
                yield Optional.empty();
            }
        });
    }

    /** A strictly positive duration with a unit. */
    Optional<Duration> duration(Node node, String path) {
        return text(node, path, "a duration").flatMap(t -> {
            Optional<Duration> parsed = Durations.parse(t.value());
            if (parsed.isEmpty()) {
                problem(node, path, "expected a duration such as 500ms, 30s, 5m, 2h or 7d, got " + t.shown()
                        + (Durations.isBareNumber(t.value()) ? " (a bare number is ambiguous: add a unit)" : ""));
            } else if (parsed.get().isZero()) {
                problem(node, path, "must be longer than zero");
                return Optional.empty();
            }
            return parsed;
        });
    }

    /**
     * A credential. Nothing about its value is ever put in a message; an empty value means
     * "none", so that {@code ${TOKEN:-}} switches a credential off.
     */
    Optional<Secret> secret(Node node, String path) {
        if (!isNull(node) && !(node instanceof ScalarNode)) {
            problem(node, path, "expected a string, got " + kindOf(node) + " (the value is a secret and is not shown)");
            return Optional.empty();
        }
        return text(node, path).map(Text::value).filter(v -> !v.isEmpty()).map(Secret::of);
    }

    /** One secret or a list of them (several valid at once during a rotation); empty ones dropped. */
    List<Secret> secrets(Node node, String path) {
        if (node instanceof SequenceNode sequence) {
            List<Secret> secrets = new ArrayList<>();
            List<Node> items = sequence.getValue();
            for (int i = 0; i < items.size(); i++) {
                secret(items.get(i), path + "[" + i + "]").ifPresent(secrets::add);
            }
            return secrets;
        }
        return secret(node, path).map(List::of).orElse(List.of());
    }

    /** A list of strings; a single string is read as a list of one, which is what its author meant. */
    List<Text> texts(Node node, String path) {
        List<Text> texts = new ArrayList<>();
        if (node instanceof SequenceNode sequence) {
            List<Node> items = sequence.getValue();
            for (int i = 0; i < items.size(); i++) {
                String itemPath = path + "[" + i + "]";
                Node item = items.get(i);
                if (isNull(item)) {
                    problem(item, itemPath, "empty list entry");
                } else {
                    text(item, itemPath).ifPresent(texts::add);
                }
            }
        } else {
            text(node, path, "a list of strings").ifPresent(texts::add);
        }
        return texts;
    }

    /** The items of a list; not set reads as an empty list. */
    List<Node> items(Node node, String path) {
        if (isNull(node)) {
            return List.of();
        }
        if (node instanceof SequenceNode sequence) {
            sequence.getValue().forEach(budget::spend);
            return sequence.getValue();
        }
        problem(node, path, "expected a list, got " + kindOf(node));
        return List.of();
    }

    /** One of a closed set of words, compared case-insensitively. */
    <E> Optional<E> choice(Node node, String path, E[] values, Function<E, String> id) {
        return text(node, path).flatMap(t -> {
            for (E value : values) {
                if (id.apply(value).equalsIgnoreCase(t.value().strip())) {
                    return Optional.of(value);
                }
            }
            problem(node, path, "expected one of " + Arrays.stream(values).map(id).collect(Collectors.joining(", "))
                    + ", got " + t.shown());
            return Optional.empty();
        });
    }

    /** An absolute http(s) URL. */
    Optional<URI> httpUrl(Node node, String path) {
        return text(node, path, "a URL").flatMap(t -> parseHttpUrl(t.value()).or(() -> {
            problem(node, path, "expected an absolute http:// or https:// URL, got " + t.shown());
            return Optional.empty();
        }));
    }

    static Optional<URI> parseHttpUrl(String text) {
        try {
            URI uri = new URI(text.strip());
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null) {
                return Optional.of(uri);
            }
        } catch (URISyntaxException e) {
            // reported by the caller, without the value when the value is a secret
        }
        return Optional.empty();
    }

    private static String abbreviate(String text) {
        String oneLine = text.replace("\n", "\\n");
        return oneLine.length() <= MAX_SHOWN ? oneLine : oneLine.substring(0, MAX_SHOWN) + "...";
    }
}
