package dev.forgebus.common.config;

import java.util.Objects;
import java.util.Optional;

/**
 * Where a service's {@code V<version>__<name>.sql} files are.
 *
 * @param type {@code local} folder or {@code git} repository
 * @param path the folder (for git: inside the repository)
 * @param repo the git repository (URL, or {@code forge:Owner/repo}); git only
 * @param ref  branch, tag or commit; git only; empty means the default branch
 * @param tokenEnvVar the NAME of an environment variable holding a token to read the repository
 *                    with (its own budget); empty: the configured credential of the repository's owner
 */
public record MigrationSource(Type type, String path, Optional<String> repo, Optional<String> ref,
                              Optional<String> tokenEnvVar) {

    /** Kind of source. */
    public enum Type {
        LOCAL("local"),
        GIT("git");

        private final String id;

        Type(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }
    }

    public MigrationSource {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(repo, "repo");
        Objects.requireNonNull(ref, "ref");
        Objects.requireNonNull(tokenEnvVar, "tokenEnvVar");
    }

    /** A source read with the configured credential. */
    public MigrationSource(Type type, String path, Optional<String> repo, Optional<String> ref) {
        this(type, path, repo, ref, Optional.empty());
    }
}
