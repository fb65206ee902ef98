package dev.forgebus.gateway;

import java.util.List;
import java.util.Optional;

import dev.forgebus.common.config.ForgeConfig;
import dev.forgebus.common.config.ForgebusConfig;
import dev.forgebus.common.config.OrgConfig;
import dev.forgebus.common.config.Secret;
import dev.forgebus.common.event.DeliveryNames;

/**
 * Decides which secrets may verify a delivery (SPEC 4): the org of the path segment if given,
 * else the owner named in the payload, else the forge. An org secret, when configured, is the
 * only one that verifies that org's deliveries. With no secret at all the answer is to refuse
 * (fail closed), unless the config explicitly says {@code insecure_no_signature: true}.
 */
final class SecretPolicy {

    /** What the gateway must do with a delivery's signature. */
    sealed interface Requirement {
        /** Verify with these secrets; {@code scope} names where they come from, never their value. */
        record Signed(List<Secret> secrets, String scope) implements Requirement {
        }

        /** The operator turned verification off for this scope. */
        record Unsigned(String scope) implements Requirement {
        }

        /** Nothing may verify this delivery. */
        record Refused(String reason) implements Requirement {
        }
    }

    private final ForgebusConfig config;

    SecretPolicy(ForgebusConfig config) {
        this.config = config;
    }

    Requirement requirementFor(ForgeConfig forge, Optional<String> pathOrg, Optional<String> payloadOwner) {
        if (pathOrg.isPresent() && payloadOwner.isPresent() && !DeliveryNames.sameName(pathOrg.get(), payloadOwner.get())) {
            // The handler refuses this first (owner_mismatch); kept so the policy is safe alone.
            return new Requirement.Refused("payload owner does not match the org of the URL");
        }
        Optional<OrgConfig> org = pathOrg.or(() -> payloadOwner).flatMap(owner -> config.org(forge.id(), owner));
        if (org.isPresent()) {
            OrgConfig o = org.get();
            if (!o.webhookSecrets().isEmpty()) {
                return new Requirement.Signed(o.webhookSecrets(), "org " + o.name());
            }
            if (o.insecureNoSignature()) {
                return new Requirement.Unsigned("org " + o.name());
            }
        }
        if (!forge.webhookSecrets().isEmpty()) {
            return new Requirement.Signed(forge.webhookSecrets(), "forge " + forge.id());
        }
        if (forge.insecureNoSignature()) {
            return new Requirement.Unsigned("forge " + forge.id());
        }
        return new Requirement.Refused("no webhook secret is configured for forge " + forge.id());
    }
}
