package dev.forgebus.common.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where a health probe's state changes go (SPEC 7.11). A closed set, so the health monitor's
 * switch over it is checked by the compiler.
 */
public sealed interface ProbeSink {

    /** One line per state change on standard output. */
    record Stdout() implements ProbeSink {
    }

    /** JSON lines appended to a file. */
    record JsonLinesFile(Path path) implements ProbeSink {
        public JsonLinesFile {
            Objects.requireNonNull(path, "path");
        }
    }

    /** A JSON POST; the URL is a credential like any webhook URL. */
    record Webhook(Secret url) implements ProbeSink {
        public Webhook {
            Objects.requireNonNull(url, "url");
        }
    }

    /**
     * An issue opened when the target goes down, commented on and closed when it is back, in a
     * repository on any declared forge (GitHub, Forgejo or Gitea): {@code issue: forge:Owner/repo},
     * or the older {@code github_issue: Owner/repo}.
     */
    record Issue(RepoRef repository) implements ProbeSink {
        public Issue {
            Objects.requireNonNull(repository, "repository");
        }
    }
}
