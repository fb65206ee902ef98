package dev.forgebus.common.config;

import java.util.List;
import java.util.Objects;

/**
 * Dependency triggers (SPEC 7.4): tell downstream repositories that this one released.
 *
 * @param enabled    false switches the module off for the scope
 * @param on         what fires the trigger
 * @param downstream repositories to dispatch to; written {@code Owner/repo} (same forge as the
 *                   org) or {@code forge:Owner/repo}
 * @param eventType  the {@code repository_dispatch} event type
 * @param includeDrafts      whether a draft release dispatches (a draft is not public yet)
 * @param includePrereleases whether a prerelease dispatches: a release marked prerelease, or with
 *                           {@code on: tag_push} a tag whose version has a SemVer pre-release part
 */
public record DependencyTriggerSettings(boolean enabled, UpstreamEvent on, List<RepoRef> downstream, String eventType,
                                        boolean includeDrafts, boolean includePrereleases) implements ModuleBlock {

    public static final String DEFAULT_EVENT_TYPE = "upstream_release";

    public DependencyTriggerSettings {
        Objects.requireNonNull(on, "on");
        downstream = List.copyOf(downstream);
        Objects.requireNonNull(eventType, "eventType");
    }
}
