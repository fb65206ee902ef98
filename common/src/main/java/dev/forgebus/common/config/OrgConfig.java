package dev.forgebus.common.config;

import dev.forgebus.common.event.DeliveryNames;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An org (or user) on one forge, with the defaults of its repositories.
 *
 * @param name                the owner's login as written; matched case-insensitively
 * @param forge               the forge id it lives on
 * @param webhookSecrets      when set, the ONLY secrets that verify this org's deliveries
 * @param insecureNoSignature accept this org's unsigned deliveries when it has no secret
 * @param token               API token for this org, used instead of the forge's
 * @param defaults            module blocks applying to every repository of the org, listed or not
 * @param repositories        listed repositories by name as written, with effective settings
 * @param mirrorTargetsAllowed owners, besides the repository's own, whose repositories a
 *                            {@code .ops.yaml} of this org may name as its mirror
 */
public record OrgConfig(String name, String forge, List<Secret> webhookSecrets, boolean insecureNoSignature,
                        Optional<Secret> token, ModuleSettings defaults, Map<String, RepoConfig> repositories,
                        List<RepoOwner> mirrorTargetsAllowed) {

    public OrgConfig {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(forge, "forge");
        webhookSecrets = List.copyOf(webhookSecrets);
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(defaults, "defaults");
        repositories = OrderedMaps.copyOf(repositories);
        mirrorTargetsAllowed = List.copyOf(mirrorTargetsAllowed);
    }

    /** A listed repository, matched case-insensitively as the forges do. */
    public Optional<RepoConfig> repository(String repo) {
        return repositories.values().stream().filter(r -> DeliveryNames.sameName(r.name(), repo)).findFirst();
    }
}
