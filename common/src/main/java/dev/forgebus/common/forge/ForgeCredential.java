package dev.forgebus.common.forge;

import java.util.Objects;
import java.util.Optional;

import dev.forgebus.common.config.Secret;

/**
 * The credential forge calls are made with: its id (the {@link CallGate} key, safe to log) and
 * its token. A record is fine here because {@link Secret#toString()} masks the token.
 *
 * @param id    {@code forgeId} or {@code forgeId/OrgName}; never the token
 * @param token empty: requests go out without {@code Authorization} (the forge answers 401 or
 *              404, which surface as {@link ForgeCallException.Kind#PERMANENT})
 */
public record ForgeCredential(String id, Optional<Secret> token) {

    public ForgeCredential {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(token, "token");
    }
}
