package dev.forgebus.common.forge;

import java.util.List;

import dev.forgebus.common.config.RepoRef;

/**
 * The forge API calls modules make, one implementation per forge type (GitHub, Forgejo,
 * Gitea); forge differences stay inside the implementations. Every call passes the
 * {@link CallGate} of its credential. Failures throw {@link ForgeCallException} with their kind.
 * This interface grows with the modules that need more calls.
 */
public interface ForgeClient {

    /** Names of the labels on issue or pull request {@code number}. */
    List<String> labels(RepoRef repo, long number) throws ForgeCallException, InterruptedException;

    /**
     * Adds labels to issue or pull request {@code number}, creating labels the repository does
     * not have yet (Forgejo and Gitea address labels by id).
     */
    void addLabels(RepoRef repo, long number, List<String> labels) throws ForgeCallException, InterruptedException;
}
