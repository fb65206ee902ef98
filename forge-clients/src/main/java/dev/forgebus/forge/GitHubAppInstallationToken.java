package dev.forgebus.forge;

import java.util.Objects;
import java.util.Optional;

import dev.forgebus.common.config.Secret;

/**
 * The installation token of a GitHub App for one owner: the configured installation, or the one
 * the App has on {@code owner}. Cached and renewed by {@link GitHubApp}.
 */
record GitHubAppInstallationToken(GitHubApp app, String owner) implements TokenSource {

    GitHubAppInstallationToken {
        Objects.requireNonNull(app, "app");
        Objects.requireNonNull(owner, "owner");
    }

    @Override
    public Optional<Secret> current() throws ForgeCallException, InterruptedException {
        return Optional.of(app.installationToken(owner));
    }
}
