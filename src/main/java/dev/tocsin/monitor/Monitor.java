package dev.tocsin.monitor;

import java.net.URI;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import javax.net.ssl.SSLContext;

import dev.tocsin.config.MonitorSpec;

/**
 * A validated monitor. Failing checks raise an alert on {@code serviceId} through the same path as the Events API
 * (dedup key {@code monitor:<id>}): at event severity "warning" for a warning, at {@code severity} when critical,
 * once {@code retries} more checks in a row agree; {@code recoverAfter} successes in a row resolve it.
 */
record Monitor(String id, String serviceId, Type type, Duration interval, Duration timeout, int retries,
               String severity, int recoverAfter, Http http, Endpoint endpoint, List<Condition> conditions,
               Trust trust, boolean declaredInConfig, List<String> missingVariables, MonitorSpec spec) {

    enum Type {
        HTTP, TCP, POSTGRES, REDIS, TLS;

        String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * What an HTTP check sends and what it expects; {@code expectStatus} empty means any 2xx or 3xx.
     * {@code certificateDays}: the expiry thresholds of an https URL's certificates, null when not asked for.
     */
    record Http(URI url, String method, Map<String, String> headers, String body, List<Integer> expectStatus,
                Duration warnAbove, Duration criticalAbove, String bodyContains, String bodyNotContains,
                CertificateDays certificateDays) {
    }

    /** Fewer days than {@code warn} to a certificate's expiry is a warning, fewer than {@code critical} critical. */
    record CertificateDays(int warn, int critical) {
    }

    /**
     * The private authorities of {@code ca_pem}: the context the handshake trusts them with, and the certificates
     * themselves, whose dates the handshake does not check (see {@link CertificatePath}).
     */
    record Trust(SSLContext context, List<X509Certificate> authorities) {
    }

    /** TCP, Redis, TLS and PostgreSQL targets. {@code warnDays}/{@code criticalDays}: TLS certificate expiry. */
    record Endpoint(String host, int port, String username, String password, String database, int warnDays,
                    int criticalDays) {

        CertificateDays certificateDays() {
            return new CertificateDays(warnDays, criticalDays);
        }

        @Override
        public String toString() {
            return host + ":" + port;
        }
    }

    /**
     * {@code expect}: the check fails (critical) unless the expression holds. Otherwise the check is at {@code level}
     * while the expression holds, once it has held for {@code holdFor}.
     */
    record Condition(boolean expect, Expression expression, Level level, Duration holdFor) {
    }

    /** Where the monitor points, for messages and the API; never a password. */
    String target() {
        return http != null ? http.url().toString() : endpoint.toString();
    }

    boolean runnable() {
        return missingVariables.isEmpty();
    }

    @Override
    public String toString() {
        return "Monitor[" + id + "]";
    }
}
