package dev.forgebus.forge;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.interfaces.RSAPrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import dev.forgebus.common.config.Secret;
import dev.forgebus.common.event.Json;

/**
 * The JSON Web Token a GitHub App authenticates with to ask for installation tokens: RS256
 * (RSASSA-PKCS1-v1_5 with SHA-256, {@link Signature} {@code SHA256withRSA}), built with the JDK
 * alone. Claims as GitHub documents them: {@code iat} a minute in the past (clock drift between
 * us and GitHub), {@code exp} nine minutes ahead (GitHub refuses more than ten), {@code iss} the
 * App id.
 */
final class GitHubAppJwt {
    static final Duration BACKDATE = Duration.ofSeconds(60);
    static final Duration LIFETIME = Duration.ofMinutes(9);
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();
    private static final String HEADER = BASE64URL.encodeToString(
            "{\"alg\":\"RS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));

    private GitHubAppJwt() {
    }

    /** A token for App {@code appId}, signed with its private key, valid from {@code now - 60 s} to {@code now + 9 min}. */
    static Secret sign(long appId, RSAPrivateKey key, Instant now) {
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iat", now.minus(BACKDATE).getEpochSecond());
        claims.put("exp", now.plus(LIFETIME).getEpochSecond());
        // A string: GitHub accepts the App id or the client id here, and both as strings.
        claims.put("iss", Long.toString(appId));
        String signingInput = HEADER + "." + BASE64URL.encodeToString(Json.write(claims));
        try {
            Signature rs256 = Signature.getInstance("SHA256withRSA");
            rs256.initSign(key);
            rs256.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return Secret.of(signingInput + "." + BASE64URL.encodeToString(rs256.sign()));
        } catch (GeneralSecurityException e) {
            // Every JDK has SHA256withRSA; an RSA key that cannot sign is broken.
            throw new IllegalStateException("cannot sign the GitHub App JWT (" + e.getClass().getSimpleName() + ")", e);
        }
    }
}
