package dev.forgebus.forge;

import java.util.Objects;
import java.util.Optional;

import dev.forgebus.common.config.Secret;

/** The App's own JWT, for the App endpoints that hand out installation tokens. A fresh one per request. */
record GitHubAppJwtToken(GitHubApp app) implements TokenSource {

    GitHubAppJwtToken {
        Objects.requireNonNull(app, "app");
    }

    @Override
    public Optional<Secret> current() throws ForgeCallException {
        return Optional.of(app.jwt());
    }
}
