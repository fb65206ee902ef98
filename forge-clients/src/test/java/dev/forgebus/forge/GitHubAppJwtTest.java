package dev.forgebus.forge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.RSAPrivateKey;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;

import com.fasterxml.jackson.databind.JsonNode;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.forgebus.common.event.Json;

/** The App JWT and the PEM keys it is signed with, checked with the JDK's own RSA verification. */
class GitHubAppJwtTest {
    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    private static KeyPair keys;

    @BeforeAll
    static void generateKey() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        keys = generator.generateKeyPair();
    }

    /** The PKCS#1 RSAPrivateKey inside the JDK's PKCS#8 encoding: the content of its last element, an OCTET STRING. */
    static byte[] pkcs1Of(byte[] pkcs8) {
        int at = 0;
        at += 1 + lengthOfLength(pkcs8, at + 1); // outer SEQUENCE header
        at += 3;                                 // INTEGER 0
        at += 2 + pkcs8[at + 1];                 // AlgorithmIdentifier SEQUENCE (short form)
        int contentAt = at + 1 + lengthOfLength(pkcs8, at + 1);
        return Arrays.copyOfRange(pkcs8, contentAt, pkcs8.length);
    }

    private static int lengthOfLength(byte[] der, int at) {
        int first = der[at] & 0xff;
        return first < 0x80 ? 1 : 1 + (first & 0x7f);
    }

    static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    @Test
    void a_pkcs1_key_as_github_hands_it_out_is_read() {
        byte[] pkcs8 = keys.getPrivate().getEncoded();

        RSAPrivateKey read = PemPrivateKeys.rsa(pem("RSA PRIVATE KEY", pkcs1Of(pkcs8)));

        assertThat(read.getEncoded()).isEqualTo(pkcs8);
    }

    @Test
    void a_pkcs8_key_is_read(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("app.pem");
        Files.writeString(file, "comment line\n" + pem("PRIVATE KEY", keys.getPrivate().getEncoded()));

        RSAPrivateKey read = PemPrivateKeys.rsa(Files.readString(file));

        assertThat(read.getEncoded()).isEqualTo(keys.getPrivate().getEncoded());
    }

    @Test
    void wrapping_pkcs1_gives_the_jdks_pkcs8() {
        byte[] pkcs8 = keys.getPrivate().getEncoded();

        assertThat(PemPrivateKeys.pkcs8FromPkcs1(pkcs1Of(pkcs8))).isEqualTo(pkcs8);
    }

    @Test
    void a_file_without_a_key_is_refused_without_quoting_it() {
        assertThatThrownBy(() -> PemPrivateKeys.rsa("-----BEGIN CERTIFICATE-----\nc2VjcmV0\n-----END CERTIFICATE-----"))
                .isInstanceOf(IllegalArgumentException.class).message().doesNotContain("c2VjcmV0");
        assertThatThrownBy(() -> PemPrivateKeys.rsa(pem("PRIVATE KEY", "not a key".getBytes(StandardCharsets.UTF_8))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not an RSA private key");
    }

    @Test
    void the_jwt_is_rs256_signed_with_githubs_claims() throws Exception {
        RSAPrivateKey key = (RSAPrivateKey) keys.getPrivate();

        String jwt = GitHubAppJwt.sign(4242, key, NOW).reveal();

        String[] parts = jwt.split("\\.");
        assertThat(parts).hasSize(3);
        Signature verifier = Signature.getInstance("SHA256withRSA");
        verifier.initVerify(keys.getPublic());
        verifier.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
        assertThat(verifier.verify(Base64.getUrlDecoder().decode(parts[2]))).as("signature").isTrue();
        JsonNode header = Json.MAPPER.readTree(Base64.getUrlDecoder().decode(parts[0]));
        JsonNode claims = Json.MAPPER.readTree(Base64.getUrlDecoder().decode(parts[1]));
        assertThat(header.path("alg").asText()).isEqualTo("RS256");
        assertThat(header.path("typ").asText()).isEqualTo("JWT");
        assertThat(claims.path("iss").asText()).isEqualTo("4242");
        assertThat(claims.path("iat").asLong()).isEqualTo(NOW.getEpochSecond() - 60);
        assertThat(claims.path("exp").asLong()).isEqualTo(NOW.getEpochSecond() + 9 * 60);
        assertThat(jwt).doesNotContain("=").doesNotContain("+").doesNotContain("/");
    }
}
