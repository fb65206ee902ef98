package dev.forgebus.common.config;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Authentication as a GitHub App rather than with a personal token: installation tokens are
 * short-lived, scoped to the installation, and have their own rate budget.
 *
 * @param appId          the App's numeric id
 * @param privateKeyFile the App's PEM private key; the path is not secret, the file's content is,
 *                       and it is read when a token is first needed (so that a config check does
 *                       not need the key)
 * @param installationId the installation to act as; empty means look it up per org
 */
public record GitHubAppAuth(long appId, Path privateKeyFile, Optional<Long> installationId) {

    public GitHubAppAuth {
        Objects.requireNonNull(privateKeyFile, "privateKeyFile");
        Objects.requireNonNull(installationId, "installationId");
    }
}
