package dev.forgebus.workers.notifications;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import dev.forgebus.common.config.Secret;

/**
 * The Standard Webhooks signature (standardwebhooks.com) of a webhook channel's POST, so that a
 * receiver can check the body came from us and is recent: {@code webhook-signature: v1,<base64 of
 * HMAC-SHA256(key, "<webhook-id>.<webhook-timestamp>.<body>")>}. The key is the base64 after
 * {@code whsec_} when the secret is written that way (the form the standard's libraries generate),
 * else the secret's UTF-8 bytes.
 */
final class WebhookSignature {

    static final String ID_HEADER = "webhook-id";
    static final String TIMESTAMP_HEADER = "webhook-timestamp";
    static final String SIGNATURE_HEADER = "webhook-signature";
    private static final String PREFIX = "whsec_";

    private WebhookSignature() {
    }

    /** {@code v1,<signature>} of {@code body} sent as message {@code id} at {@code timestampSeconds}. */
    static String sign(Secret secret, String id, long timestampSeconds, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key(secret), "HmacSHA256"));
            mac.update((id + "." + timestampSeconds + ".").getBytes(StandardCharsets.UTF_8));
            return "v1," + Base64.getEncoder().encodeToString(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JVM", e);
        }
    }

    private static byte[] key(Secret secret) {
        String value = secret.reveal();
        if (value.startsWith(PREFIX)) {
            try {
                return Base64.getDecoder().decode(value.substring(PREFIX.length()));
            } catch (IllegalArgumentException notBase64) {
                // Not the standard's form after all: the whole value is the key, as for any other secret.
            }
        }
        return value.getBytes(StandardCharsets.UTF_8);
    }
}
