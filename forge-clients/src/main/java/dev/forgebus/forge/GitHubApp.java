package dev.forgebus.forge;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.security.interfaces.RSAPrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;

import dev.forgebus.common.config.GitHubAppAuth;
import dev.forgebus.common.config.Secret;

/**
 * One configured GitHub App ({@code app:} of a github forge): signs its JWT with the private key
 * (read from the file when first needed, and again after a failed read), finds the installation
 * of an owner ({@code GET /orgs/{org}/installation}, unless the config names it), and keeps one
 * installation token per installation ({@code POST /app/installations/{id}/access_tokens}),
 * renewed when less than {@link #REFRESH_MARGIN} of its hour is left.
 *
 * <p>Thread-safe: lookups are cached, and each installation renews its token under its own lock,
 * so concurrent callers wait for one renewal instead of each asking GitHub for a token.
 *
 * <p>The App endpoints go through the {@link CallGate} like every forge call, under credential id
 * {@code forgeId/app:<appId>} (':' cannot occur in a GitHub login, so it never names an org's
 * credential); the budget is the forge's {@code rate_limit}.
 */
final class GitHubApp {
    /** Renew an installation token when less than this is left (GitHub issues them for one hour). */
    static final Duration REFRESH_MARGIN = Duration.ofMinutes(5);
    static final Map<String, String> GITHUB_HEADERS =
            Map.of("Accept", "application/vnd.github+json", "X-GitHub-Api-Version", "2022-11-28");

    private final String forgeId;
    private final GitHubAppAuth auth;
    private final Clock clock;
    private final ForgeHttp http;
    private final Object keyLock = new Object();
    private volatile RSAPrivateKey key;
    /** Owner (lower case, GitHub logins are case-insensitive) → installation id. */
    private final Map<String, Long> installationIds = new ConcurrentHashMap<>();
    private final Map<Long, Installation> installations = new ConcurrentHashMap<>();

    GitHubApp(String forgeId, URI apiUrl, GitHubAppAuth auth, CallGate gate, ForgeTransport transport) {
        this.forgeId = Objects.requireNonNull(forgeId, "forgeId");
        this.auth = Objects.requireNonNull(auth, "auth");
        this.clock = transport.clock();
        this.http = new ForgeHttp(apiUrl, new ForgeCredential(forgeId + "/app:" + auth.appId(), new GitHubAppJwtToken(this)),
                "Bearer", GITHUB_HEADERS, gate, transport);
    }

    /** Whether one installation serves every owner (the config names it). */
    boolean hasFixedInstallation() {
        return auth.installationId().isPresent();
    }

    /** A JWT valid for the next nine minutes. */
    Secret jwt() throws ForgeCallException {
        return GitHubAppJwt.sign(auth.appId(), key(), clock.instant());
    }

    /** The installation token for {@code owner}: cached while more than {@link #REFRESH_MARGIN} is left. */
    Secret installationToken(String owner) throws ForgeCallException, InterruptedException {
        long id = auth.installationId().isPresent() ? auth.installationId().get() : installationOf(owner);
        return installations.computeIfAbsent(id, Installation::new).token();
    }

    private long installationOf(String owner) throws ForgeCallException, InterruptedException {
        String key = owner.toLowerCase(Locale.ROOT);
        Long known = installationIds.get(key);
        if (known != null) {
            return known;
        }
        String route = "/orgs/" + ForgeHttp.segment(owner) + "/installation";
        JsonNode body = http.get(route).body();
        if (!body.path("id").canConvertToLong() || body.path("id").asLong() <= 0) {
            throw ForgeCallException.permanent(200, "GET " + route + ": the answer has no installation id");
        }
        long id = body.path("id").asLong();
        installationIds.put(key, id);
        return id;
    }

    private RSAPrivateKey key() throws ForgeCallException {
        RSAPrivateKey loaded = key;
        if (loaded != null) {
            return loaded;
        }
        synchronized (keyLock) {
            if (key == null) {
                String what = "GitHub App " + auth.appId() + " of forge '" + forgeId + "': private_key_file "
                        + auth.privateKeyFile();
                String pem;
                try {
                    pem = Files.readString(auth.privateKeyFile());
                } catch (IOException e) {
                    throw ForgeCallException.permanent(0, what + " cannot be read (" + e.getClass().getSimpleName() + ")");
                }
                try {
                    key = PemPrivateKeys.rsa(pem);
                } catch (IllegalArgumentException e) {
                    throw ForgeCallException.permanent(0, what + ": " + e.getMessage());
                }
            }
            return key;
        }
    }

    /** A token and when it stops working. */
    private record Issued(Secret token, Instant expiresAt) {
    }

    /** One installation's token; renewed by one caller at a time. */
    private final class Installation {
        private final long id;
        private volatile Issued current;

        Installation(long id) {
            this.id = id;
        }

        Secret token() throws ForgeCallException, InterruptedException {
            Issued issued = current;
            if (isFresh(issued)) {
                return issued.token();
            }
            synchronized (this) {
                if (!isFresh(current)) {
                    current = fetch();
                }
                return current.token();
            }
        }

        private boolean isFresh(Issued issued) {
            return issued != null && clock.instant().plus(REFRESH_MARGIN).isBefore(issued.expiresAt());
        }

        private Issued fetch() throws ForgeCallException, InterruptedException {
            String route = "/app/installations/" + id + "/access_tokens";
            JsonNode body = http.post(route, null).body();
            String token = body.path("token").asText("");
            if (token.isEmpty()) {
                throw ForgeCallException.permanent(201, "POST " + route + ": the answer has no token");
            }
            try {
                return new Issued(Secret.of(token), Instant.parse(body.path("expires_at").asText("")));
            } catch (DateTimeParseException e) {
                // Without an expiry, assume GitHub's documented hour less the margin: renew in time.
                return new Issued(Secret.of(token), clock.instant().plus(Duration.ofHours(1)));
            }
        }
    }
}
