package dev.forgebus.forge;

import java.util.Objects;

/**
 * A repository as an org's repository listing shows it.
 *
 * @param name     the repository's name, without its owner
 * @param archived read-only on the forge: nothing can be labelled or closed there
 * @param fork     a fork of another repository
 */
public record OrgRepository(String name, boolean archived, boolean fork) {

    /** The most repositories one listing reads (GitHub: 100 pages of 100; Forgejo/Gitea: 200 of 50). */
    public static final int MAX_LISTED = 10_000;

    public OrgRepository {
        Objects.requireNonNull(name, "name");
    }
}
