package dev.forgebus.common.config;

import java.net.URI;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One forge Forgebus receives webhooks from and calls, named by the id in
 * {@code POST /webhooks/{forgeId}} and in every record key.
 *
 * @param id                  the key under {@code forges:}
 * @param type                which dialect and API it speaks
 * @param apiUrl              REST base URL, without a trailing slash
 * @param token               API token; empty when the forge authenticates as an App or is only
 *                            listened to
 * @param app                 GitHub App authentication (github type only)
 * @param webhookSecrets      secrets that verify deliveries; several during a rotation; empty
 *                            means every delivery is refused unless {@code insecureNoSignature}
 * @param insecureNoSignature accept unsigned deliveries when no secret is configured (tests only)
 * @param rateLimit           the API budget of this forge's credential
 * @param deliveryRecovery    missed-delivery recovery (github type only), when configured
 */
public record ForgeConfig(String id, ForgeType type, URI apiUrl, Optional<Secret> token, Optional<GitHubAppAuth> app,
                          List<Secret> webhookSecrets, boolean insecureNoSignature, RateLimit rateLimit,
                          Optional<DeliveryRecoverySettings> deliveryRecovery) {

    /** A forge without missed-delivery recovery. */
    public ForgeConfig(String id, ForgeType type, URI apiUrl, Optional<Secret> token, Optional<GitHubAppAuth> app,
                       List<Secret> webhookSecrets, boolean insecureNoSignature, RateLimit rateLimit) {
        this(id, type, apiUrl, token, app, webhookSecrets, insecureNoSignature, rateLimit, Optional.empty());
    }

    public ForgeConfig {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(apiUrl, "apiUrl");
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(app, "app");
        webhookSecrets = List.copyOf(webhookSecrets);
        Objects.requireNonNull(rateLimit, "rateLimit");
        Objects.requireNonNull(deliveryRecovery, "deliveryRecovery");
    }
}
