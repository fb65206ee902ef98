package dev.forgebus.common.config;

import java.net.URI;
import java.time.Duration;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * One YAML mapping of the config, read by key. Opening it checks its keys against the allowed
 * ones (unknown keys and duplicates are errors with their line, since a typo such as
 * {@code prot:} would otherwise silently fall back to a default) and every getter reports a
 * value of the wrong shape against the path and line of that value.
 *
 * <p>A block can be laid over another ({@link #overlaidWith}): the key-by-key merge of a
 * repository's module block over its org's, done on the raw nodes before typing. Each entry
 * keeps the path it was written under, so a mistake in an inherited org key is reported once,
 * at the org, however many repositories inherit it.
 */
public final class YamlBlock {

    /** For mappings whose keys are names chosen by the operator (forge ids, org names, ...). */
    static final List<String> ANY_KEY = List.of();

    private record Entry(ScalarNode key, Node value, String parentPath) {
    }

    private final NodeReader reader;
    private final String path;
    private final int line;
    private final Map<String, Entry> entries;

    private YamlBlock(NodeReader reader, String path, int line, Map<String, Entry> entries) {
        this.reader = reader;
        this.path = path;
        this.line = line;
        this.entries = entries;
    }

    static Optional<YamlBlock> open(NodeReader reader, Node node, String path, int line, List<String> allowed) {
        return open(reader, node, path, line, allowed, Map.of());
    }

    /**
     * @param node      the mapping; not set reads as an empty block
     * @param line      where the block is declared (its key's line), for "missing key" problems
     * @param misplaced keys that are not allowed here but are valid elsewhere, with the reason
     *                  and where they belong
     */
    static Optional<YamlBlock> open(NodeReader reader, Node node, String path, int line, List<String> allowed,
                                    Map<String, String> misplaced) {
        if (NodeReader.isNull(node)) {
            return Optional.of(new YamlBlock(reader, path, line, new LinkedHashMap<>()));
        }
        if (!(node instanceof MappingNode mapping)) {
            reader.problem(node, path, "expected a mapping of keys, got " + NodeReader.kindOf(node));
            return Optional.empty();
        }
        Set<Node> merging = Collections.newSetFromMap(new IdentityHashMap<>());
        return Optional.of(new YamlBlock(reader, path, line, collect(reader, mapping, path, allowed, misplaced, merging)));
    }

    static YamlBlock empty(NodeReader reader, String path, int line) {
        return new YamlBlock(reader, path, line, new LinkedHashMap<>());
    }

    /**
     * @param merging the mappings whose keys are being collected, this one's merge sources
     *                included: a source among them merges itself ({@code &a { <<: *a }}), which
     *                would never end
     */
    private static Map<String, Entry> collect(NodeReader reader, MappingNode mapping, String path, List<String> allowed,
                                              Map<String, String> misplaced, Set<Node> merging) {
        Map<String, Entry> explicit = new LinkedHashMap<>();
        Map<String, Entry> merged = new LinkedHashMap<>();
        merging.add(mapping);
        for (NodeTuple tuple : mapping.getValue()) {
            reader.budget().spend(tuple.getKeyNode());
            Node keyNode = tuple.getKeyNode();
            if (keyNode.getTag().equals(Tag.MERGE)) {
                // YAML's '<<: *defaults': merged keys are weaker than the ones written here.
                Node value = tuple.getValueNode();
                for (Node source : value instanceof SequenceNode s ? s.getValue() : List.of(value)) {
                    if (merging.contains(source)) {
                        reader.problems().add(keyNode, "'<<' merges itself" + under(path) + " (through the mapping at line "
                                + ConfigProblems.lineOf(source) + "): a merge must not contain its own anchor");
                    } else if (source instanceof MappingNode m) {
                        collect(reader, m, path, allowed, misplaced, merging).forEach(merged::putIfAbsent);
                    } else {
                        reader.problems().add(source, "'<<' merges a mapping" + under(path) + ", got " + NodeReader.kindOf(source));
                    }
                }
                continue;
            }
            if (!(keyNode instanceof ScalarNode key) || NodeReader.isNull(keyNode)) {
                reader.problems().add(keyNode, "keys must be plain names" + under(path));
                continue;
            }
            String name = key.getValue();
            if (path.isEmpty() && name.startsWith("x-")) {
                // As in docker-compose: top-level x-* keys hold anchors to reuse (&defaults), nothing else.
                continue;
            }
            Entry first = explicit.get(name);
            if (first != null) {
                reader.problems().add(key, "duplicate key '" + name + "'" + under(path) + " (first at line "
                        + ConfigProblems.lineOf(first.key()) + ")");
            } else if (misplaced.containsKey(name)) {
                reader.problems().add(key, (path.isEmpty() ? name : path + "." + name) + ": " + misplaced.get(name));
            } else if (allowed != ANY_KEY && !allowed.contains(name)) {
                reader.problems().add(key, "unknown key '" + name + "'" + under(path) + " (allowed: "
                        + String.join(", ", allowed) + ")");
            } else {
                explicit.put(name, new Entry(key, tuple.getValueNode(), path));
            }
        }
        merging.remove(mapping);
        merged.forEach(explicit::putIfAbsent);
        return explicit;
    }

    private static String under(String path) {
        return path.isEmpty() ? " at the top level" : " under " + path;
    }

    /**
     * This block's entries with {@code override}'s laid over them key by key: a key the override
     * sets replaces the whole value (a list is replaced, not appended to); the others are kept.
     * The result has the override's path and line.
     */
    YamlBlock overlaidWith(YamlBlock override) {
        Map<String, Entry> merged = new LinkedHashMap<>(entries);
        merged.putAll(override.entries);
        merged.values().forEach(entry -> reader.budget().spend(entry.key()));
        return new YamlBlock(reader, override.path, override.line, merged);
    }

    public String path() {
        return path;
    }

    public int line() {
        return line;
    }

    NodeReader reader() {
        return reader;
    }

    public Set<String> keys() {
        return entries.keySet();
    }

    public boolean has(String key) {
        return entries.containsKey(key);
    }

    /** Set to something other than null. */
    public boolean isSet(String key) {
        return node(key).filter(n -> !NodeReader.isNull(n)).isPresent();
    }

    Optional<Node> node(String key) {
        return Optional.ofNullable(entries.get(key)).map(Entry::value);
    }

    public String pathOf(String key) {
        Entry entry = entries.get(key);
        String parent = entry == null ? path : entry.parentPath();
        return parent.isEmpty() ? key : parent + "." + key;
    }

    public int lineOf(String key) {
        Entry entry = entries.get(key);
        return entry == null ? line : ConfigProblems.lineOf(entry.value());
    }

    int keyLineOf(String key) {
        Entry entry = entries.get(key);
        return entry == null ? line : ConfigProblems.lineOf(entry.key());
    }

    public void problem(String key, String message) {
        reader.problems().add(lineOf(key), pathOf(key) + ": " + message);
    }

    public void missing(String key) {
        reader.problems().add(line, "missing required key '" + key + "'" + under(path));
    }

    /** A nested block; empty when absent (or not a mapping, which is reported). */
    Optional<YamlBlock> block(String key, List<String> allowed) {
        if (!has(key)) {
            return Optional.empty();
        }
        return open(reader, entries.get(key).value(), pathOf(key), keyLineOf(key), allowed);
    }

    Optional<NodeReader.Text> text(String key) {
        return node(key).flatMap(n -> reader.text(n, pathOf(key)));
    }

    /** A non-blank string, or {@code fallback} when not set. */
    public String string(String key, String fallback) {
        return optionalString(key).orElse(fallback);
    }

    /** A non-blank string, when set. */
    public Optional<String> optionalString(String key) {
        Optional<NodeReader.Text> text = text(key);
        if (text.isPresent() && text.get().value().isBlank()) {
            problem(key, "must not be empty");
            return Optional.empty();
        }
        return text.map(t -> t.value().strip());
    }

    /** A non-blank string that must be set; empty after reporting when it is not. */
    public Optional<String> requiredString(String key) {
        if (!isSet(key)) {
            missing(key);
            return Optional.empty();
        }
        return optionalString(key);
    }

    public int integer(String key, int fallback, int min, int max) {
        return node(key).flatMap(n -> reader.integer(n, pathOf(key), min, max)).map(Long::intValue).orElse(fallback);
    }

    public long longInteger(String key, long fallback, long min, long max) {
        return optionalLong(key, min, max).orElse(fallback);
    }

    Optional<Long> optionalLong(String key, long min, long max) {
        return node(key).flatMap(n -> reader.integer(n, pathOf(key), min, max));
    }

    public boolean bool(String key, boolean fallback) {
        return node(key).flatMap(n -> reader.bool(n, pathOf(key))).orElse(fallback);
    }

    public Duration duration(String key, Duration fallback) {
        return node(key).flatMap(n -> reader.duration(n, pathOf(key))).orElse(fallback);
    }

    /** Non-blank strings; {@code fallback} when not set. */
    public List<String> strings(String key, List<String> fallback) {
        if (!isSet(key)) {
            return fallback;
        }
        String keyPath = pathOf(key);
        return reader.texts(entries.get(key).value(), keyPath).stream()
                .filter(t -> {
                    if (t.value().isBlank()) {
                        reader.problem(t.node(), keyPath, "list entries must not be empty");
                        return false;
                    }
                    return true;
                })
                .map(t -> t.value().strip())
                .toList();
    }

    List<NodeReader.Text> texts(String key) {
        return node(key).map(n -> reader.texts(n, pathOf(key))).orElse(List.of());
    }

    List<Node> items(String key) {
        return node(key).map(n -> reader.items(n, pathOf(key))).orElse(List.of());
    }

    Optional<Secret> secret(String key) {
        return node(key).flatMap(n -> reader.secret(n, pathOf(key)));
    }

    List<Secret> secrets(String key) {
        return node(key).map(n -> reader.secrets(n, pathOf(key))).orElse(List.of());
    }

    public <E> E choice(String key, E fallback, E[] values, Function<E, String> id) {
        return optionalChoice(key, values, id).orElse(fallback);
    }

    public <E> Optional<E> optionalChoice(String key, E[] values, Function<E, String> id) {
        return node(key).flatMap(n -> reader.choice(n, pathOf(key), values, id));
    }

    Optional<URI> httpUrl(String key) {
        return node(key).flatMap(n -> reader.httpUrl(n, pathOf(key)));
    }
}
