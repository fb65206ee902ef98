package dev.forgebus.fakeforge;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;

import dev.forgebus.common.event.Json;

/**
 * GitHub App authentication as GitHub does it, for the fake's GitHub flavour:
 * {@code GET /orgs/{org}/installation} and {@code POST /app/installations/{id}/access_tokens},
 * both authenticated with the App's RS256 JWT ({@code Authorization: Bearer <jwt>}), checked
 * against the public key a test registered: signature, {@code alg}, {@code iss} (the App id, as
 * number or string), {@code exp} in the future and at most ten minutes after {@code iat}. Issued
 * installation tokens are remembered and accepted by the fake's token check until they expire.
 *
 * <p>Thread-safe.
 */
final class GitHubAppRoutes {
    static final Duration TOKEN_LIFETIME = Duration.ofHours(1);
    static final Duration MAX_JWT_LIFETIME = Duration.ofMinutes(10);
    private static final Pattern ACCESS_TOKENS = Pattern.compile("/app/installations/(\\d{1,18})/access_tokens");
    private static final Pattern ORG_INSTALLATION = Pattern.compile("/orgs/([^/]+)/installation");
    private static final SecureRandom RANDOM = new SecureRandom();

    private record App(long id, PublicKey key) {
    }

    private final Clock clock;
    private final Map<Long, App> apps = new ConcurrentHashMap<>();
    /** Installation id → App id. */
    private final Map<Long, Long> installations = new ConcurrentHashMap<>();
    /** Lower-case org → installation id. */
    private final Map<String, Long> orgInstallations = new ConcurrentHashMap<>();
    /** Issued token → its expiry. */
    private final Map<String, Instant> issued = new ConcurrentHashMap<>();
    private final Map<Long, Integer> issuedPerInstallation = new ConcurrentHashMap<>();

    GitHubAppRoutes(Clock clock) {
        this.clock = clock;
    }

    void registerApp(long appId, PublicKey key) {
        apps.put(appId, new App(appId, key));
    }

    void install(long appId, String org, long installationId) {
        installations.put(installationId, appId);
        orgInstallations.put(org.toLowerCase(Locale.ROOT), installationId);
    }

    int tokensIssued() {
        return issuedPerInstallation.values().stream().mapToInt(Integer::intValue).sum();
    }

    int tokensIssued(long installationId) {
        return issuedPerInstallation.getOrDefault(installationId, 0);
    }

    void reset() {
        apps.clear();
        installations.clear();
        orgInstallations.clear();
        issued.clear();
        issuedPerInstallation.clear();
    }

    /** Whether {@code Authorization} carries an installation token this fake issued and that has not expired. */
    boolean authorizesInstallationToken(String authorization) {
        if (authorization == null) {
            return false;
        }
        int space = authorization.indexOf(' ');
        Instant expiry = space < 0 ? null : issued.get(authorization.substring(space + 1));
        return expiry != null && clock.instant().isBefore(expiry);
    }

    /** The answer to an App route, or empty when {@code path} is not one. */
    Optional<Reply> answer(RecordedRequest request, String path, String authorization, ForgeApi api) {
        Matcher accessTokens = ACCESS_TOKENS.matcher(path);
        if (accessTokens.matches() && request.method().equals("POST")) {
            return Optional.of(issueToken(Long.parseLong(accessTokens.group(1)), authorization, api));
        }
        Matcher orgInstallation = ORG_INSTALLATION.matcher(path);
        if (orgInstallation.matches() && request.method().equals("GET")) {
            return Optional.of(installationOf(ForgeApi.decode(orgInstallation.group(1)), authorization, api));
        }
        // The App's own webhook (deliveries, redeliveries) answers only to the App's JWT, as on
        // GitHub; with one, the request goes on to the hook-deliveries routes.
        if (path.startsWith("/app/hook/") && verifiedApp(authorization).isEmpty()) {
            return Optional.of(api.error(401, "A JSON web token could not be decoded"));
        }
        return Optional.empty();
    }

    private Reply issueToken(long installationId, String authorization, ForgeApi api) {
        Long appId = installations.get(installationId);
        Optional<Long> caller = verifiedApp(authorization);
        if (caller.isEmpty()) {
            return api.error(401, "A JSON web token could not be decoded");
        }
        if (appId == null || !appId.equals(caller.get())) {
            return api.error(404, "Not Found");
        }
        String token = "ghs_" + HexFormat.of().formatHex(randomBytes());
        Instant expiresAt = clock.instant().plus(TOKEN_LIFETIME);
        issued.put(token, expiresAt);
        issuedPerInstallation.merge(installationId, 1, Integer::sum);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("token", token);
        json.put("expires_at", expiresAt.toString());
        json.put("permissions", Map.of("issues", "write", "contents", "write"));
        json.put("repository_selection", "all");
        return Reply.json(201, json);
    }

    private Reply installationOf(String org, String authorization, ForgeApi api) {
        Optional<Long> caller = verifiedApp(authorization);
        if (caller.isEmpty()) {
            return api.error(401, "A JSON web token could not be decoded");
        }
        Long id = orgInstallations.get(org.toLowerCase(Locale.ROOT));
        if (id == null || !caller.get().equals(installations.get(id))) {
            return api.error(404, "Not Found");
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", id);
        json.put("account", Map.of("login", org, "type", "Organization"));
        json.put("app_id", caller.get());
        json.put("target_type", "Organization");
        return Reply.json(200, json);
    }

    /** The App a {@code Bearer} JWT proves to be, or empty when it is not a valid, current JWT of a registered App. */
    private Optional<Long> verifiedApp(String authorization) {
        if (authorization == null || !authorization.startsWith("Bearer ")) {
            return Optional.empty();
        }
        String[] parts = authorization.substring("Bearer ".length()).split("\\.", -1);
        if (parts.length != 3) {
            return Optional.empty();
        }
        try {
            Base64.Decoder base64url = Base64.getUrlDecoder();
            JsonNode header = Json.MAPPER.readTree(base64url.decode(parts[0]));
            JsonNode claims = Json.MAPPER.readTree(base64url.decode(parts[1]));
            if (!"RS256".equals(header.path("alg").asText())) {
                return Optional.empty();
            }
            JsonNode iss = claims.path("iss");
            long appId = iss.isNumber() ? iss.asLong() : Long.parseLong(iss.asText());
            App app = apps.get(appId);
            if (app == null) {
                return Optional.empty();
            }
            Signature rs256 = Signature.getInstance("SHA256withRSA");
            rs256.initVerify(app.key());
            rs256.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            if (!rs256.verify(base64url.decode(parts[2]))) {
                return Optional.empty();
            }
            long now = clock.instant().getEpochSecond();
            long iat = claims.path("iat").asLong(Long.MAX_VALUE);
            long exp = claims.path("exp").asLong(Long.MIN_VALUE);
            boolean current = iat <= now + 60 && exp > now && exp - iat <= MAX_JWT_LIFETIME.toSeconds();
            return current ? Optional.of(appId) : Optional.empty();
        } catch (IOException | IllegalArgumentException | GeneralSecurityException malformed) {
            return Optional.empty();
        }
    }

    private static byte[] randomBytes() {
        byte[] bytes = new byte[18];
        RANDOM.nextBytes(bytes);
        return bytes;
    }
}
