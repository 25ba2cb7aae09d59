package dev.tocsin.timeline;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;

/** SHA-256 over an entry's fields and its predecessor's hash; changing any stored field breaks the chain. */
final class ChainHash {

    static final String GENESIS = "0".repeat(64);

    private ChainHash() {
    }

    static String of(long seq, Instant occurredAt, String kind, String actor, Long incidentId, Long alertId,
                     String serviceId, String data, String prevHash) {
        String canonical = seq + "\n" + occurredAt.toEpochMilli() + "\n" + kind + "\n" + actor + "\n"
                + (incidentId == null ? "" : incidentId) + "\n" + (alertId == null ? "" : alertId) + "\n"
                + (serviceId == null ? "" : serviceId) + "\n" + data + "\n" + prevHash;
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(sha.digest(canonical.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
