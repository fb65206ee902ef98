package dev.forgebus.common.config;

import java.util.Objects;

/** A webhook whose deliveries can be listed and redelivered (GitHub). */
public sealed interface HookRef {

    /** A repository hook: {@code /repos/{owner}/{repo}/hooks/{id}}. */
    record RepoHook(RepoRef repo, long hookId) implements HookRef {
        public RepoHook {
            Objects.requireNonNull(repo, "repo");
        }
    }

    /** An organisation hook: {@code /orgs/{org}/hooks/{id}}. */
    record OrgHook(String forgeId, String org, long hookId) implements HookRef {
        public OrgHook {
            Objects.requireNonNull(forgeId, "forgeId");
            Objects.requireNonNull(org, "org");
        }
    }

    /** The GitHub App's own webhook: {@code /app/hook} (authenticated as the App, with its JWT). */
    record AppHook(String forgeId) implements HookRef {
        public AppHook {
            Objects.requireNonNull(forgeId, "forgeId");
        }
    }
}
