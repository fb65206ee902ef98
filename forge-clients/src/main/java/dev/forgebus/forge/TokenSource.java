package dev.forgebus.forge;

import java.util.Objects;
import java.util.Optional;

import dev.forgebus.common.config.Secret;

/**
 * Where the token of a {@link ForgeCredential} comes from. The HTTP layer asks for the current
 * token on every request, so short-lived tokens (GitHub App installation tokens, valid one hour)
 * are renewed without the clients knowing.
 *
 * <p>Implementations never put a token in a message or a log line; a failure to obtain one is a
 * {@link ForgeCallException} like any other forge failure (transient when the forge could not be
 * reached, permanent when the App's key or installation is wrong).
 */
public sealed interface TokenSource permits TokenSource.None, TokenSource.Fixed, GitHubAppInstallationToken,
        GitHubAppJwtToken {

    /** The token to send with the next request; empty means send no {@code Authorization}. */
    Optional<Secret> current() throws ForgeCallException, InterruptedException;

    /** A fixed token when present, else none. */
    static TokenSource of(Optional<Secret> token) {
        return token.<TokenSource>map(Fixed::new).orElse(None.INSTANCE);
    }

    /** No token: requests go out anonymous (the forge answers 401 or 404, which are permanent). */
    enum None implements TokenSource {
        INSTANCE;

        @Override
        public Optional<Secret> current() {
            return Optional.empty();
        }
    }

    /** A personal or org token from the config (GitHub PAT, Forgejo/Gitea access token). */
    record Fixed(Secret token) implements TokenSource {
        public Fixed {
            Objects.requireNonNull(token, "token");
        }

        @Override
        public Optional<Secret> current() {
            return Optional.of(token);
        }
    }
}
