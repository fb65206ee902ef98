package dev.forgebus.workers.stale;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forgebus.common.config.OrgConfig;
import dev.forgebus.common.config.RepoConfig;
import dev.forgebus.common.config.StaleSettings;
import dev.forgebus.common.config.StandardModules;
import dev.forgebus.common.event.Json;
import dev.forgebus.forge.ForgeCallException;
import dev.forgebus.forge.ForgeClient;
import dev.forgebus.forge.OrgRepository;
import dev.forgebus.workers.ProgressStore;

/**
 * The repositories one sweep visits, in order. {@code sweep: listed}: the org's listed repositories
 * (the config is the state). {@code sweep: all_repositories}: the org's repositories as the forge
 * lists them when the sweep starts (archived ones and forks left out), stored with the sweep in the
 * progress store so that a resumed sweep walks the same list, not one that changed under its cursor.
 * A value holds at most {@link ProgressStore#MAX_VALUE_BYTES}, so the list is stored in chunks:
 * {@code <job>/repos} = {@code {"sweep", "chunks"}}, {@code <job>/repos/<i>} = a JSON array of names.
 */
final class SweepRepositories {
    /** Bytes of one stored chunk, well under the store's value bound (a name is at most 100 characters). */
    static final int CHUNK_BYTES = 12_000;

    private SweepRepositories() {
    }

    /** The org's sweep mode, from its own block: a repository cannot widen or narrow the org's sweep. */
    static StaleSettings.Sweep modeOf(OrgConfig org) {
        return org.defaults().get(StandardModules.STALE)
                .map(StaleSettings::sweep).orElse(StaleSettings.Sweep.LISTED);
    }

    /**
     * The list of sweep {@code sweep}: stored, or (a new sweep, or none stored) read from the forge and
     * stored.
     */
    static List<String> of(OrgConfig org, String job, String sweep, ForgeClient client, ProgressStore progress)
            throws ForgeCallException, InterruptedException {
        if (modeOf(org) == StaleSettings.Sweep.LISTED) {
            return org.repositories().values().stream().map(RepoConfig::name).toList();
        }
        Optional<List<String>> stored = load(job, sweep, progress);
        if (stored.isPresent()) {
            return stored.get();
        }
        forget(job, progress); // an earlier sweep's list, possibly in more chunks
        List<String> names = client.orgRepositories(org.name()).stream()
                .filter(r -> !r.archived() && !r.fork()).map(OrgRepository::name)
                .limit(OrgRepository.MAX_LISTED).toList();
        store(job, sweep, names, progress);
        return names;
    }

    /** Forgets the stored list of {@code job} (the sweep finished). */
    static void forget(String job, ProgressStore progress) throws ForgeCallException, InterruptedException {
        Optional<String> header = progress.get(key(job));
        if (header.isEmpty()) {
            return;
        }
        int chunks = readTree(header.get()).path("chunks").asInt(0);
        for (int i = 0; i < chunks; i++) {
            progress.remove(key(job) + "/" + i);
        }
        progress.remove(key(job));
    }

    private static Optional<List<String>> load(String job, String sweep, ProgressStore progress)
            throws ForgeCallException, InterruptedException {
        JsonNode header = readTree(progress.get(key(job)).orElse("{}"));
        if (!sweep.equals(header.path("sweep").asText()) || !header.path("chunks").canConvertToInt()) {
            return Optional.empty();
        }
        List<String> names = new ArrayList<>();
        for (int i = 0; i < header.get("chunks").asInt(); i++) {
            Optional<String> chunk = progress.get(key(job) + "/" + i);
            if (chunk.isEmpty()) {
                return Optional.empty(); // a torn store: list again
            }
            readTree(chunk.get()).forEach(n -> names.add(n.asText()));
        }
        return Optional.of(List.copyOf(names));
    }

    private static void store(String job, String sweep, List<String> names, ProgressStore progress)
            throws ForgeCallException, InterruptedException {
        List<ArrayNode> chunks = new ArrayList<>();
        ArrayNode chunk = Json.MAPPER.createArrayNode();
        int bytes = 0;
        for (String name : names) {
            if (bytes + name.length() + 4 > CHUNK_BYTES) {
                chunks.add(chunk);
                chunk = Json.MAPPER.createArrayNode();
                bytes = 0;
            }
            chunk.add(name);
            bytes += name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length + 4;
        }
        chunks.add(chunk);
        for (int i = 0; i < chunks.size(); i++) {
            progress.put(key(job) + "/" + i, chunks.get(i).toString());
        }
        // The header last: a crash before it leaves chunks a later sweep overwrites, never a half list.
        ObjectNode header = Json.MAPPER.createObjectNode();
        header.put("sweep", sweep);
        header.put("chunks", chunks.size());
        progress.put(key(job), header.toString());
    }

    private static String key(String job) {
        return job + "/repos";
    }

    private static JsonNode readTree(String text) {
        try {
            return Json.MAPPER.readTree(text);
        } catch (Exception e) {
            return Json.MAPPER.createObjectNode();
        }
    }
}
