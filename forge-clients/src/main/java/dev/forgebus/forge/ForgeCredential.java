package dev.forgebus.forge;

import java.util.Objects;
import java.util.Optional;

import dev.forgebus.common.config.Secret;

/**
 * The credential forge calls are made with: its id (the {@link CallGate} key, safe to log) and
 * where its token comes from. A record is fine here: no {@link TokenSource} prints a token
 * ({@link Secret#toString()} masks it).
 *
 * <p>Ids: {@code forgeId} (the forge's token, or its GitHub App's one configured installation),
 * {@code forgeId/OrgName} (an org's own token, or the App installation looked up for that org).
 * Each id is one budget at the forge, hence one limiter in the gate.
 *
 * @param id     {@code forgeId} or {@code forgeId/OrgName}; never the token
 * @param tokens asked for the current token on every request
 */
public record ForgeCredential(String id, TokenSource tokens) {

    public ForgeCredential {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(tokens, "tokens");
    }

    /**
     * A credential with a fixed token.
     *
     * @param token empty: requests go out without {@code Authorization} (the forge answers 401 or
     *              404, which surface as {@link ForgeCallException.Kind#PERMANENT})
     */
    public ForgeCredential(String id, Optional<Secret> token) {
        this(id, TokenSource.of(Objects.requireNonNull(token, "token")));
    }
}
