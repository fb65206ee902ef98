package dev.forgebus.common.config;

import java.io.StringReader;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.events.CollectionEndEvent;
import org.yaml.snakeyaml.events.CollectionStartEvent;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.nodes.Node;

/**
 * How much YAML one file may make us do. snakeyaml bounds composing (aliases, nesting, size);
 * {@code maxNodes} bounds what our own reading does after it, since merge keys are resolved by
 * {@link YamlBlock}: 48 aliases merging each other 3 times over 16 levels are 3^16 mappings,
 * which snakeyaml's alias limit alone lets through.
 *
 * @param codePoints the largest document snakeyaml accepts
 * @param maxNodes   entries and values visited while reading, counted after merges and
 *                   overlays, across the whole document
 */
record YamlLimits(int codePoints, int maxNodes) {

    /** Deeper collections are refused while composing: also what keeps every recursive reader shallow. */
    static final int MAX_NESTING = 50;
    /** Aliases of mappings and lists (scalars are free): enough for anchors of defaults. */
    static final int MAX_COLLECTION_ALIASES = 50;

    /** forgebus.yml: written by the operator, may list thousands of repositories. */
    static final YamlLimits MAIN_CONFIG = new YamlLimits(4 * 1024 * 1024, 1_000_000);
    /** .ops.yaml: written by anyone who can push to a repository, at most 64 KiB. */
    static final YamlLimits OPS_FILE = new YamlLimits(OpsFile.MAX_BYTES, 100_000);

    LoaderOptions loaderOptions() {
        LoaderOptions options = new LoaderOptions();
        options.setMaxAliasesForCollections(MAX_COLLECTION_ALIASES);
        options.setNestingDepthLimit(MAX_NESTING);
        options.setCodePointLimit(codePoints);
        options.setAllowRecursiveKeys(false);
        options.setMergeOnCompose(false); // merges are ours (YamlBlock), bounded by maxNodes
        options.setProcessComments(false);
        return options;
    }

    /** The node graph of {@code yamlText}, or null after adding the reason to {@code problems}. */
    Node compose(String yamlText, ConfigProblems problems) {
        try {
            return new Yaml(loaderOptions()).compose(new StringReader(yamlText));
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            String problem = e.getProblem() != null ? e.getProblem() : "invalid YAML";
            String context = e.getContext() != null ? " (" + e.getContext() + ")" : "";
            problems.add(mark == null ? 0 : mark.getLine() + 1, "invalid YAML: " + problem + context);
        } catch (YAMLException e) {
            int tooDeep = lineNestedTooDeep(yamlText);
            if (tooDeep > 0) {
                problems.add(tooDeep, "YAML nested deeper than " + MAX_NESTING + " levels");
            } else {
                problems.add(0, "invalid YAML: " + e.getMessage());
            }
        }
        return null;
    }

    /**
     * The line where collections first nest deeper than {@link #MAX_NESTING}, 0 when they do not:
     * the composer refuses such a document without saying where. The parser keeps its own
     * stack of states, so reading the events again is safe at any depth.
     */
    private int lineNestedTooDeep(String yamlText) {
        int depth = 0;
        try {
            for (Event event : new Yaml(loaderOptions()).parse(new StringReader(yamlText))) {
                if (event instanceof CollectionStartEvent && ++depth > MAX_NESTING) {
                    return event.getStartMark().getLine() + 1;
                } else if (event instanceof CollectionEndEvent) {
                    depth--;
                }
            }
        } catch (YAMLException e) {
            return 0;
        }
        return 0;
    }
}
