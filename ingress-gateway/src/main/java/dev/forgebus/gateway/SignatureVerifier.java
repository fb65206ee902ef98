package dev.forgebus.gateway;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Function;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import dev.forgebus.common.config.Secret;

/**
 * Checks a delivery's HMAC against every currently valid secret. Digests are compared with
 * {@link MessageDigest#isEqual}, whose time does not depend on where the bytes differ, so a
 * sender cannot learn a valid signature byte by byte.
 */
final class SignatureVerifier {

    /** The outcome of one check: closed set, so callers switch over it exhaustively. */
    sealed interface Verdict {
        record Valid(String header) implements Verdict {
        }

        record Missing() implements Verdict {
        }

        /** The header is there but cannot be a signature of that header's kind. */
        record Malformed(String header, String reason) implements Verdict {
        }

        record Mismatch(String header) implements Verdict {
        }
    }

    private static final HexFormat HEX = HexFormat.of();

    private SignatureVerifier() {
    }

    /**
     * @param headers     header lookup (case-insensitive), null when absent
     * @param signedBytes the exact bytes the forge signed
     * @param secrets     every secret valid right now (several during a rotation)
     */
    static Verdict verify(ForgeDialect dialect, Function<String, String> headers, byte[] signedBytes, List<Secret> secrets) {
        for (SignatureHeader header : dialect.signatureHeaders()) {
            String value = headers.apply(header.name());
            if (value == null || value.isBlank()) {
                continue; // Gitea and Forgejo send empty signature headers when unsigned.
            }
            // The first non-empty header decides: a wrong value there is not rescued by another header.
            return verifyOne(header, value.trim(), signedBytes, secrets);
        }
        return new Verdict.Missing();
    }

    private static Verdict verifyOne(SignatureHeader header, String value, byte[] signedBytes, List<Secret> secrets) {
        if (!value.startsWith(header.prefix())) {
            return new Verdict.Malformed(header.name(), "expected prefix '" + header.prefix() + "'");
        }
        String hex = value.substring(header.prefix().length());
        if (header.prefix().isEmpty() && hex.contains("=")) {
            return new Verdict.Malformed(header.name(), "this header carries bare hex, without a prefix");
        }
        byte[] presented;
        try {
            presented = HEX.parseHex(hex.toLowerCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return new Verdict.Malformed(header.name(), "not hexadecimal");
        }
        boolean matched = false;
        for (Secret secret : secrets) {
            // No early exit: the time taken does not tell which secret (if any) matched.
            matched |= MessageDigest.isEqual(hmac(header.hmacAlgorithm(), secret, signedBytes), presented);
        }
        return matched ? new Verdict.Valid(header.name()) : new Verdict.Mismatch(header.name());
    }

    static byte[] hmac(String algorithm, Secret secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance(algorithm);
            mac.init(new SecretKeySpec(secret.reveal().getBytes(StandardCharsets.UTF_8), algorithm));
            return mac.doFinal(body);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HMAC unavailable: " + algorithm, e);
        }
    }
}
