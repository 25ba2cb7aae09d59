package dev.tocsin.monitor;

import java.security.GeneralSecurityException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The certificate that runs out first on the path a handshake trusted: from the server's own certificate up through
 * the ones it sent, to the trusted authority that issued the last of them. The JDK's PKIX validation checks the dates
 * of the certificates the server sent, but never those of the trust anchor it ends at (RFC 5280 treats an anchor as
 * trusted input, not as a certificate to validate), so a private CA in {@code ca_pem} that has expired still lets the
 * handshake succeed: clients built on OpenSSL refuse the same server.
 */
final class CertificatePath {

    /**
     * When the first certificate of the path runs out; {@code authority} is null when it is the server's own, else
     * the subject of the issuing certificate that runs out first.
     */
    record Expiry(Instant notAfter, String authority) {

        /** "the certificate", or "the certificate of the issuing authority CN=…", as the reasons name it. */
        String certificate() {
            return authority == null ? "the certificate" : "the certificate of the issuing authority " + authority;
        }
    }

    private CertificatePath() {
    }

    /**
     * The earliest expiry on the path from {@code presented[0]}, the server's certificate, to the authority among
     * {@code trusted} that issued the last certificate followed; null when the server presented none. Certificates
     * the server sent that are not on that path (a cross-signed root past the anchor, say) are not counted.
     */
    static Expiry earliest(Certificate[] presented, Collection<X509Certificate> trusted) {
        List<X509Certificate> chain = new ArrayList<>();
        for (Certificate c : presented) {
            if (c instanceof X509Certificate x) {
                chain.add(x);
            }
        }
        if (chain.isEmpty()) {
            return null;
        }
        X509Certificate current = chain.get(0);
        Expiry earliest = new Expiry(current.getNotAfter().toInstant(), null);
        List<X509Certificate> path = new ArrayList<>(List.of(current));
        while (!trusted.contains(current)) {
            X509Certificate anchor = longestLivedIssuer(current, trusted);
            X509Certificate next = anchor != null ? anchor : longestLivedIssuer(current, chain);
            if (next == null || path.contains(next)) {
                break;
            }
            path.add(next);
            Instant notAfter = next.getNotAfter().toInstant();
            if (notAfter.isBefore(earliest.notAfter())) {
                earliest = new Expiry(notAfter, next.getSubjectX500Principal().getName());
            }
            if (anchor != null) {
                break;
            }
            current = next;
        }
        return earliest;
    }

    /**
     * The certificate among {@code candidates} that signed {@code issued}. Of several (a CA renewed with the same name
     * and key), the one valid longest: the handshake would have trusted any of them, since it checks no anchor's dates.
     */
    private static X509Certificate longestLivedIssuer(X509Certificate issued, Collection<X509Certificate> candidates) {
        X509Certificate best = null;
        for (X509Certificate candidate : candidates) {
            if (candidate.equals(issued) || !candidate.getSubjectX500Principal().equals(issued.getIssuerX500Principal())) {
                continue;
            }
            try {
                issued.verify(candidate.getPublicKey());
            } catch (GeneralSecurityException | RuntimeException e) {
                continue;
            }
            if (best == null || candidate.getNotAfter().after(best.getNotAfter())) {
                best = candidate;
            }
        }
        return best;
    }
}
