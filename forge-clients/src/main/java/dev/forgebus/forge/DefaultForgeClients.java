package dev.forgebus.forge;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import dev.forgebus.common.config.ForgeConfig;
import dev.forgebus.common.config.ForgeType;
import dev.forgebus.common.config.ForgebusConfig;
import dev.forgebus.common.config.OrgConfig;

/**
 * {@link ForgeClients} from the configuration: the org's token when the org has one
 * (credential {@code forgeId/OrgName}, the org's name as the config writes it), else the forge's
 * (credential {@code forgeId}). One client per credential, created on first use and kept, so
 * all calls of one credential share its {@link CallGate} key.
 *
 * <p>A forge with GitHub App authentication ({@code app:}) and no org token: with a configured
 * {@code installation_id}, every owner shares that installation, credential {@code forgeId} (one
 * installation, one budget at GitHub); without it, each owner gets the installation the App has
 * there, credential {@code forgeId/OrgName} for a configured org (as the config writes it) and
 * {@code forgeId/owner} (lower case) for others, because each installation has its own budget.
 * Installation tokens are fetched, cached and renewed by one {@link GitHubApp} per forge.
 */
public final class DefaultForgeClients implements ForgeClients, AutoCloseable {

    private final ForgebusConfig config;
    private final CallGate gate;
    private final ForgeTransport transport;
    private final boolean ownsTransport;
    private final Map<String, ForgeClient> byCredential = new ConcurrentHashMap<>();
    private final Map<String, GitHubApp> apps = new ConcurrentHashMap<>();

    /** With {@link ForgeTransport#defaults()}, closed by {@link #close()}. */
    public DefaultForgeClients(ForgebusConfig config, CallGate gate) {
        this(config, gate, ForgeTransport.defaults(), true);
    }

    /** With a transport the caller keeps and closes (shorter timeouts in tests, a shared pool). */
    public DefaultForgeClients(ForgebusConfig config, CallGate gate, ForgeTransport transport) {
        this(config, gate, transport, false);
    }

    private DefaultForgeClients(ForgebusConfig config, CallGate gate, ForgeTransport transport, boolean ownsTransport) {
        this.config = Objects.requireNonNull(config, "config");
        this.gate = Objects.requireNonNull(gate, "gate");
        this.transport = Objects.requireNonNull(transport, "transport");
        this.ownsTransport = ownsTransport;
    }

    /** @throws IllegalArgumentException when no forge has this id */
    @Override
    public ForgeClient forOwner(String forgeId, String owner) {
        ForgeConfig forge = forge(forgeId);
        ForgeCredential credential = credential(forge, owner);
        return byCredential.computeIfAbsent(credential.id(), id -> create(forge, credential));
    }

    /**
     * Credential {@code forgeId/app:<appId>}, the id the App's own token calls already use, so
     * App-level calls share one budget.
     *
     * @throws IllegalArgumentException when no forge has this id or it has no {@code app:} auth
     */
    @Override
    public ForgeClient forApp(String forgeId) {
        ForgeConfig forge = forge(forgeId);
        if (forge.type() != ForgeType.GITHUB || forge.app().isEmpty()) {
            throw new IllegalArgumentException("forge '" + forgeId + "' has no GitHub App authentication (app:)");
        }
        GitHubApp app = app(forge);
        ForgeCredential credential = new ForgeCredential(forge.id() + "/app:" + forge.app().get().appId(),
                new GitHubAppJwtToken(app));
        return byCredential.computeIfAbsent(credential.id(), id -> create(forge, credential));
    }

    private GitHubApp app(ForgeConfig forge) {
        return apps.computeIfAbsent(forge.id(), id -> new GitHubApp(id, forge.apiUrl(), forge.app().get(), gate, transport));
    }

    /** @throws IllegalArgumentException when no forge has this id */
    @Override
    public String credentialId(String forgeId, String owner) {
        return credential(forge(forgeId), owner).id();
    }

    private ForgeConfig forge(String forgeId) {
        return config.forge(forgeId)
                .orElseThrow(() -> new IllegalArgumentException("no forge with id '" + forgeId + "' is configured"));
    }

    private ForgeCredential credential(ForgeConfig forge, String owner) {
        Optional<OrgConfig> org = config.org(forge.id(), owner);
        Optional<OrgConfig> orgWithToken = org.filter(o -> o.token().isPresent());
        if (orgWithToken.isPresent()) {
            return new ForgeCredential(forge.id() + "/" + orgWithToken.get().name(), orgWithToken.get().token());
        }
        if (forge.app().isPresent() && forge.token().isEmpty()) {
            GitHubApp app = app(forge);
            String id = app.hasFixedInstallation() ? forge.id()
                    : forge.id() + "/" + org.map(OrgConfig::name).orElse(owner.toLowerCase(Locale.ROOT));
            return new ForgeCredential(id, new GitHubAppInstallationToken(app, owner));
        }
        return new ForgeCredential(forge.id(), forge.token());
    }

    private ForgeClient create(ForgeConfig forge, ForgeCredential credential) {
        return switch (forge.type()) {
            case GITHUB -> new GitHubClient(forge.apiUrl(), credential, gate, transport);
            case FORGEJO, GITEA -> new GiteaClient(forge.apiUrl(), credential, gate, transport);
        };
    }

    @Override
    public void close() {
        if (ownsTransport) {
            transport.close();
        }
    }
}
