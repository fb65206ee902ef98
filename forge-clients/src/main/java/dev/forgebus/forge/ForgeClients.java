package dev.forgebus.forge;

import dev.forgebus.common.config.HookRef;
import dev.forgebus.common.config.Secret;

/**
 * Hands out the client for a repository's owner, with the right credential: the org's token
 * when it has one, else the forge's.
 */
public interface ForgeClients {

    ForgeClient forOwner(String forgeId, String owner);

    /** The credential id a call for this owner uses: {@code forgeId/Org} or {@code forgeId}. */
    String credentialId(String forgeId, String owner);

    /**
     * The client that authenticates as the GitHub App itself (its JWT), for App-level endpoints
     * such as the App webhook's deliveries ({@link HookRef.AppHook}).
     *
     * @throws IllegalArgumentException when the forge is not configured with {@code app:} auth
     */
    ForgeClient forApp(String forgeId);

    /**
     * A client of forge {@code forgeId} that authenticates with {@code token} instead of a configured
     * credential (a migration source's {@code token_env_var}), paced as its own budget
     * {@code credentialId}, which must not be a configured credential's id.
     *
     * @throws IllegalArgumentException when no forge has this id
     */
    default ForgeClient withToken(String forgeId, String credentialId, Secret token) {
        throw new UnsupportedOperationException("no clients with other tokens here");
    }
}
