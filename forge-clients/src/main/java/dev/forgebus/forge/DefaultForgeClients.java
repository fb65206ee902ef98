package dev.forgebus.forge;

import java.net.URI;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import dev.forgebus.common.config.ForgeConfig;
import dev.forgebus.common.config.ForgeType;
import dev.forgebus.common.config.ForgebusConfig;
import dev.forgebus.common.config.GitHubAppAuth;
import dev.forgebus.common.config.OrgConfig;
import dev.forgebus.common.config.Secret;

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
 *
 * <p><b>Live config.</b> Every call reads the config in force (a {@code ConfigSource}). A client is
 * kept per credential id together with what it was built from (forge type, API URL, token
 * source); when a reload changes any of these, e.g. a rotated org token, the next call builds a
 * new client under the same credential id. The {@link CallGate} is keyed by that id, so the
 * credential's limiter, pauses and budget carry over: a rotated token is the same budget.
 */
public final class DefaultForgeClients implements ForgeClients, AutoCloseable {

    /** A client and what it was built from; compared to decide whether a reload needs a new one. */
    private record Built(ForgeClient client, ForgeType type, URI apiUrl, TokenSource tokens) {
        boolean matches(ForgeConfig forge, ForgeCredential credential) {
            return type == forge.type() && apiUrl.equals(forge.apiUrl()) && tokens.equals(credential.tokens());
        }
    }

    /** One App per forge, rebuilt when its settings or API URL change (a key rotated to a new file). */
    private record App(GitHubApp app, URI apiUrl, GitHubAppAuth auth) {
    }

    private final Supplier<ForgebusConfig> configs;
    private final CallGate gate;
    private final ForgeTransport transport;
    private final boolean ownsTransport;
    private final Map<String, Built> byCredential = new ConcurrentHashMap<>();
    private final Map<String, App> apps = new ConcurrentHashMap<>();

    /** With {@link ForgeTransport#defaults()}, closed by {@link #close()}. */
    public DefaultForgeClients(ForgebusConfig config, CallGate gate) {
        this(config, gate, ForgeTransport.defaults(), true);
    }

    /** With a transport the caller keeps and closes (shorter timeouts in tests, a shared pool). */
    public DefaultForgeClients(ForgebusConfig config, CallGate gate, ForgeTransport transport) {
        this(config, gate, transport, false);
    }

    /** Following the config in force; the transport is closed by {@link #close()}. */
    public DefaultForgeClients(Supplier<ForgebusConfig> configs, CallGate gate) {
        this(configs, gate, ForgeTransport.defaults(), true);
    }

    /** Following the config in force, with a transport the caller keeps and closes. */
    public DefaultForgeClients(Supplier<ForgebusConfig> configs, CallGate gate, ForgeTransport transport) {
        this(configs, gate, transport, false);
    }

    private DefaultForgeClients(ForgebusConfig config, CallGate gate, ForgeTransport transport, boolean ownsTransport) {
        this(fixed(config), gate, transport, ownsTransport);
    }

    private DefaultForgeClients(Supplier<ForgebusConfig> configs, CallGate gate, ForgeTransport transport, boolean ownsTransport) {
        this.configs = Objects.requireNonNull(configs, "configs");
        this.gate = Objects.requireNonNull(gate, "gate");
        this.transport = Objects.requireNonNull(transport, "transport");
        this.ownsTransport = ownsTransport;
    }

    /** @throws IllegalArgumentException when no forge has this id */
    @Override
    public ForgeClient forOwner(String forgeId, String owner) {
        ForgebusConfig config = configs.get();
        ForgeConfig forge = forge(config, forgeId);
        return client(forge, credential(config, forge, owner));
    }

    /** @throws IllegalArgumentException when no forge has this id */
    @Override
    public ForgeClient withToken(String forgeId, String credentialId, Secret token) {
        Objects.requireNonNull(token, "token");
        return client(forge(configs.get(), forgeId), new ForgeCredential(credentialId, Optional.of(token)));
    }

    private static Supplier<ForgebusConfig> fixed(ForgebusConfig config) {
        Objects.requireNonNull(config, "config");
        return () -> config;
    }

    /** The kept client of the credential, or a new one when the config it was built from changed. */
    private ForgeClient client(ForgeConfig forge, ForgeCredential credential) {
        return byCredential.compute(credential.id(), (id, built) -> built != null && built.matches(forge, credential)
                ? built
                : new Built(create(forge, credential), forge.type(), forge.apiUrl(), credential.tokens())).client();
    }

    /**
     * Credential {@code forgeId/app:<appId>}, the id the App's own token calls already use, so
     * App-level calls share one budget.
     *
     * @throws IllegalArgumentException when no forge has this id or it has no {@code app:} auth
     */
    @Override
    public ForgeClient forApp(String forgeId) {
        ForgeConfig forge = forge(configs.get(), forgeId);
        if (forge.type() != ForgeType.GITHUB || forge.app().isEmpty()) {
            throw new IllegalArgumentException("forge '" + forgeId + "' has no GitHub App authentication (app:)");
        }
        GitHubApp app = app(forge);
        ForgeCredential credential = new ForgeCredential(forge.id() + "/app:" + forge.app().get().appId(),
                new GitHubAppJwtToken(app));
        return client(forge, credential);
    }

    private GitHubApp app(ForgeConfig forge) {
        GitHubAppAuth auth = forge.app().get();
        return apps.compute(forge.id(), (id, kept) -> kept != null && kept.auth().equals(auth) && kept.apiUrl().equals(forge.apiUrl())
                ? kept
                : new App(new GitHubApp(id, forge.apiUrl(), auth, gate, transport), forge.apiUrl(), auth)).app();
    }

    /** @throws IllegalArgumentException when no forge has this id */
    @Override
    public String credentialId(String forgeId, String owner) {
        ForgebusConfig config = configs.get();
        return credential(config, forge(config, forgeId), owner).id();
    }

    private static ForgeConfig forge(ForgebusConfig config, String forgeId) {
        return config.forge(forgeId)
                .orElseThrow(() -> new IllegalArgumentException("no forge with id '" + forgeId + "' is configured"));
    }

    private ForgeCredential credential(ForgebusConfig config, ForgeConfig forge, String owner) {
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
