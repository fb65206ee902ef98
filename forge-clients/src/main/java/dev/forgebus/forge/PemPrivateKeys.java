package dev.forgebus.forge;

import java.io.ByteArrayOutputStream;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.RSAPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads an RSA private key from PEM text with the JDK alone. GitHub hands App keys out as PKCS#1
 * ({@code BEGIN RSA PRIVATE KEY}), which the JDK's {@link KeyFactory} does not read; such a key is
 * wrapped in the PKCS#8 structure it does read ({@code PrivateKeyInfo}: version 0, the
 * rsaEncryption algorithm, the PKCS#1 key as an octet string). {@code BEGIN PRIVATE KEY} (PKCS#8,
 * what {@code openssl pkcs8 -topk8 -nocrypt} writes) is read as is.
 *
 * <p>Error messages never quote the file's content.
 */
final class PemPrivateKeys {
    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN (RSA PRIVATE KEY|PRIVATE KEY)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");
    /** DER of AlgorithmIdentifier { rsaEncryption (1.2.840.113549.1.1.1), NULL }. */
    private static final byte[] RSA_ALGORITHM = {
            0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};
    /** DER of INTEGER 0 (PrivateKeyInfo version). */
    private static final byte[] VERSION_0 = {0x02, 0x01, 0x00};

    private PemPrivateKeys() {
    }

    /** @throws IllegalArgumentException when the text holds no readable RSA private key (the message names no content) */
    static RSAPrivateKey rsa(String pem) {
        Matcher block = BLOCK.matcher(pem);
        if (!block.find()) {
            throw new IllegalArgumentException("no 'BEGIN RSA PRIVATE KEY' or 'BEGIN PRIVATE KEY' PEM block");
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(block.group(2));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the PEM block is not valid base64");
        }
        byte[] pkcs8 = block.group(1).equals("RSA PRIVATE KEY") ? pkcs8FromPkcs1(der) : der;
        try {
            return (RSAPrivateKey) KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        } catch (GeneralSecurityException | ClassCastException e) {
            throw new IllegalArgumentException("the PEM block is not an RSA private key (" + e.getClass().getSimpleName() + ")");
        }
    }

    /** PrivateKeyInfo ::= SEQUENCE { version INTEGER 0, algorithm AlgorithmIdentifier, privateKey OCTET STRING }. */
    static byte[] pkcs8FromPkcs1(byte[] pkcs1) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(VERSION_0);
        body.writeBytes(RSA_ALGORITHM);
        body.writeBytes(der(0x04, pkcs1));
        return der(0x30, body.toByteArray());
    }

    /** One DER TLV with a definite length (short form below 128, long form above). */
    private static byte[] der(int tag, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(tag);
        int length = content.length;
        if (length < 0x80) {
            out.write(length);
        } else {
            int bytes = (Integer.SIZE - Integer.numberOfLeadingZeros(length) + 7) / 8;
            out.write(0x80 | bytes);
            for (int i = bytes - 1; i >= 0; i--) {
                out.write(length >>> (8 * i));
            }
        }
        out.writeBytes(content);
        return out.toByteArray();
    }
}
