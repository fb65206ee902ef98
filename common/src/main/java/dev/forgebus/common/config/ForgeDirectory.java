package dev.forgebus.common.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The forge ids the file declares, even those whose block has errors, so that an org naming a
 * forge with a typo in its {@code api_url} does not get a second, misleading "no such forge".
 * Resolves the {@code [forge:]Owner/repo} references written elsewhere in the file.
 */
final class ForgeDirectory {

    static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]+");
    private static final Pattern REPO_REF = Pattern.compile("(?:([^:/\\s]+):)?([A-Za-z0-9_.-]+)/([A-Za-z0-9_.-]+)");

    private final Map<String, Optional<ForgeType>> declared = new LinkedHashMap<>();

    void declare(String forgeId, Optional<ForgeType> type) {
        declared.put(forgeId, type);
    }

    boolean isDeclared(String forgeId) {
        return declared.containsKey(forgeId);
    }

    Optional<ForgeType> typeOf(String forgeId) {
        return declared.getOrDefault(forgeId, Optional.empty());
    }

    List<String> ids() {
        return List.copyOf(declared.keySet());
    }

    String unknownForge(String forgeId) {
        return "no forge '" + forgeId + "' is configured ("
                + (declared.isEmpty() ? "there is no forges: section" : "configured: " + String.join(", ", declared.keySet())) + ")";
    }

    /** The only forge of {@code type}, which is what a reference without a forge prefix can mean. */
    Optional<String> onlyForgeOfType(ForgeType type) {
        List<String> ofType = declared.entrySet().stream()
                .filter(e -> e.getValue().equals(Optional.of(type))).map(Map.Entry::getKey).toList();
        return ofType.size() == 1 ? Optional.of(ofType.get(0)) : Optional.empty();
    }

    /**
     * Reads {@code Owner/repo} or {@code forge:Owner/repo}.
     *
     * @param defaultForge the forge of an unprefixed reference; empty means a prefix is required
     */
    Optional<RepoRef> repoRef(NodeReader.Text text, String path, Optional<String> defaultForge, NodeReader reader) {
        Matcher m = REPO_REF.matcher(text.value().strip());
        if (!m.matches()) {
            reader.problem(text.node(), path, "expected 'Owner/repo' or 'forge:Owner/repo', got " + text.shown());
            return Optional.empty();
        }
        Optional<String> forge = Optional.ofNullable(m.group(1)).or(() -> defaultForge);
        if (forge.isEmpty()) {
            reader.problem(text.node(), path, "name the forge, as in 'forge:" + m.group(2) + "/" + m.group(3) + "'");
            return Optional.empty();
        }
        if (!isDeclared(forge.get())) {
            reader.problem(text.node(), path, unknownForge(forge.get()));
            return Optional.empty();
        }
        return Optional.of(new RepoRef(forge.get(), m.group(2), m.group(3)));
    }
}
