package dev.tocsin.auth;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import dev.tocsin.jdbc.SqlTime;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Short, expiring, tamper-proof tokens for links in messages ("acknowledge", a calendar feed): the payload and its
 * expiry, signed with HMAC-SHA256. The key is {@code TOCSIN_SIGNING_KEY} if set, otherwise a random key that the
 * first node stores in the database, so that every node of a cluster accepts every other node's links.
 */
@Service
public class SignedTokens {

    /** A token's content once its signature and expiry have been checked. */
    public record Verified(String purpose, String subject, Instant expiresAt) {
    }

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64_DECODE = Base64.getUrlDecoder();

    private final SecretKeySpec key;
    private final Clock clock;

    SignedTokens(JdbcClient jdbc, TransactionTemplate tx, Clock clock, @Value("${tocsin.signing-key:}") String configured) {
        this.clock = clock;
        String secret = configured == null || configured.isBlank() ? storedKey(jdbc, tx, clock) : configured;
        this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    }

    private static String storedKey(JdbcClient jdbc, TransactionTemplate tx, Clock clock) {
        String select = "SELECT secret FROM signing_key WHERE name = 'links'";
        Optional<String> existing = jdbc.sql(select).query(String.class).optional();
        if (existing.isPresent()) {
            return existing.get();
        }
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        try {
            tx.executeWithoutResult(status -> jdbc.sql("INSERT INTO signing_key (name, secret, created_at) VALUES ('links', :secret, :at)")
                    .param("secret", B64.encodeToString(random)).param("at", SqlTime.param(clock.instant())).update());
        } catch (DuplicateKeyException anotherNodeWasFirst) {
            // its key is the one every node uses
        }
        return jdbc.sql(select).query(String.class).single();
    }

    /** A token for {@code purpose} (such as "ack") and {@code subject} (such as "42:ana") valid until {@code expiresAt}. */
    public String sign(String purpose, String subject, Instant expiresAt) {
        String payload = purpose + "|" + subject + "|" + expiresAt.getEpochSecond();
        String encoded = B64.encodeToString(payload.getBytes(StandardCharsets.UTF_8));
        return encoded + "." + B64.encodeToString(mac(encoded));
    }

    /** The token's content if it is well-formed, signed by this installation, for {@code purpose}, and not expired. */
    public Optional<Verified> verify(String purpose, String token) {
        if (token == null || token.length() > 1000) {
            return Optional.empty();
        }
        int dot = token.indexOf('.');
        if (dot <= 0) {
            return Optional.empty();
        }
        String encoded = token.substring(0, dot);
        // The signature is compared as text, not decoded: the decoder ignores a last character's unused bits, so
        // several spellings of one signature would otherwise pass, and a link would have more than one valid form.
        byte[] signature = token.substring(dot + 1).getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(signature, B64.encodeToString(mac(encoded)).getBytes(StandardCharsets.US_ASCII))) {
            return Optional.empty();
        }
        String payload;
        try {
            payload = new String(B64_DECODE.decode(encoded), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException notBase64) {
            return Optional.empty();
        }
        String[] parts = payload.split("\\|", -1);
        if (parts.length != 3 || !parts[0].equals(purpose)) {
            return Optional.empty();
        }
        Instant expiresAt;
        try {
            expiresAt = Instant.ofEpochSecond(Long.parseLong(parts[2]));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        if (!clock.instant().isBefore(expiresAt)) {
            return Optional.empty();
        }
        return Optional.of(new Verified(parts[0], parts[1], expiresAt));
    }

    private byte[] mac(String encodedPayload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal(encodedPayload.getBytes(StandardCharsets.US_ASCII));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
