package dev.forgebus.gateway;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Signs bodies the way forges do, independently of the production verifier. */
final class Signing {
    private Signing() {
    }

    static String hex(String algorithm, String secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance(algorithm);
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), algorithm));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String github(String secret, byte[] body) {
        return "sha256=" + hex("HmacSHA256", secret, body);
    }

    static String gitea(String secret, byte[] body) {
        return hex("HmacSHA256", secret, body);
    }
}
