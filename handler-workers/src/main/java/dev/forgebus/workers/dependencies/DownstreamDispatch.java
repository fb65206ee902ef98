package dev.forgebus.workers.dependencies;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.forgebus.common.config.RepoRef;
import dev.forgebus.common.event.Json;
import dev.forgebus.workers.InvalidInputException;

/**
 * One downstream's dispatch for one upstream release: what a fanned-out work item carries (the
 * upstream's facts; the downstream is the work's key, the event type comes from the settings at
 * dispatch time) and the {@code client_payload} it sends.
 *
 * @param forge    the upstream repository's forge id
 * @param upstream {@code Owner/repo} upstream
 */
record DownstreamDispatch(String forge, String upstream, String tag, String releaseUrl) {

    static final String TAG = "tag";
    static final String RELEASE_URL = "release_url";

    /** The work payload: tag and release URL (the upstream is the work item's own repository). */
    static ObjectNode workPayload(UpstreamRelease release) {
        return Json.MAPPER.createObjectNode().put(TAG, release.tag()).put(RELEASE_URL, release.releaseUrl());
    }

    /** @throws InvalidInputException when the work payload lacks a field */
    static DownstreamDispatch of(String forge, String owner, String repo, JsonNode workPayload) {
        JsonNode tag = workPayload.path(TAG);
        JsonNode url = workPayload.path(RELEASE_URL);
        if (!tag.isTextual() || tag.asText().isEmpty() || !url.isTextual()) {
            throw InvalidInputException.payload("work payload lacks tag or release_url");
        }
        return new DownstreamDispatch(forge, owner + "/" + repo, tag.asText(), url.asText());
    }

    /**
     * {@code {"upstream", "forge", "tag", "release_url"}}: flat strings, so the Forgejo/Gitea
     * workflow dispatch can pass each as a workflow input, and under GitHub's 10 top-level keys.
     */
    Map<String, Object> clientPayload() {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("upstream", upstream);
        payload.put("forge", forge);
        payload.put(TAG, tag);
        payload.put(RELEASE_URL, releaseUrl);
        return payload;
    }

    /** The downstream a work key names, when it is one of {@code configured} (compared ignoring case, as forges do). */
    static java.util.Optional<RepoRef> downstream(String key, java.util.List<RepoRef> configured) {
        return configured.stream().filter(d -> d.toString().equalsIgnoreCase(key)).findFirst();
    }
}
