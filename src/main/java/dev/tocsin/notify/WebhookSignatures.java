package dev.tocsin.notify;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import dev.tocsin.text.Sha256;

/**
 * The two signatures of a signed webhook request: Tocsin's own {@code X-Tocsin-Signature}, kept for the receivers
 * written against it, and Standard Webhooks' {@code webhook-signature} (standardwebhooks.com), which receivers verify
 * with a ready library in their language.
 */
final class WebhookSignatures {

    /** Standard Webhooks' mark of a symmetric secret: what follows is the key's bytes in base64. */
    static final String STANDARD_PREFIX = "whsec_";

    private WebhookSignatures() {
    }

    /**
     * Why a configured secret cannot sign, or null. Only a {@code whsec_} secret has a format; any other text is its
     * own key, because existing receivers already hold it as text.
     */
    static String secretProblem(String secret) {
        if (!secret.startsWith(STANDARD_PREFIX)) {
            return null;
        }
        try {
            if (standardKey(secret).length == 0) {
                return "a whsec_ secret needs the key after the prefix, in base64 (Standard Webhooks)";
            }
            return null;
        } catch (IllegalArgumentException e) {
            // The decoder's message quotes the offending character: keep the secret out of the report.
            return "a whsec_ secret must be base64 after the prefix (Standard Webhooks); generate one with "
                    + "\"echo whsec_$(openssl rand -base64 32)\", or drop the prefix to use the text itself as the key";
        }
    }

    /**
     * The {@code webhook-id}: the same for every attempt at one request, as the Idempotency-Key is, but free of the
     * dots a configured id may carry, which would blur where the signed {@code id.timestamp.body} splits.
     */
    static String messageId(String idempotencyKey) {
        return "msg_" + Sha256.hex(idempotencyKey).substring(0, 32);
    }

    /** {@code v1,} and the base64 HMAC-SHA256 of {@code id.timestamp.body}, under the Standard Webhooks key. */
    static String standard(String secret, String messageId, long timestamp, String body) {
        return "v1," + Base64.getEncoder().encodeToString(
                hmac(standardKey(secret), messageId + "." + timestamp + "." + body));
    }

    /** {@code v1=} and the hex HMAC-SHA256 of {@code timestamp.body}, keyed with the secret's text as configured. */
    static String tocsin(String secret, long timestamp, String body) {
        return "v1=" + HexFormat.of().formatHex(hmac(secret.getBytes(StandardCharsets.UTF_8), timestamp + "." + body));
    }

    /**
     * A {@code whsec_} secret is the base64 of its key; any other secret is keyed by its UTF-8 bytes, which a Standard
     * Webhooks library takes as {@code whsec_} and the base64 of those bytes (docs/notifications/webhook.md).
     */
    private static byte[] standardKey(String secret) {
        return secret.startsWith(STANDARD_PREFIX)
                ? Base64.getDecoder().decode(secret.substring(STANDARD_PREFIX.length()))
                : secret.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] hmac(byte[] key, String payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(payload.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }
}
