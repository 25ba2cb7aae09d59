package dev.tocsin.monitor;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.net.ssl.SSLServerSocket;

import com.sun.net.httpserver.HttpsServer;
import dev.tocsin.config.ConfigException;
import dev.tocsin.config.ConfigLoader;
import dev.tocsin.config.MonitorSpec;
import dev.tocsin.config.TocsinConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static dev.tocsin.monitor.LoopbackTls.handshakes;
import static dev.tocsin.monitor.LoopbackTls.healthyOverHttps;
import static dev.tocsin.monitor.LoopbackTls.leafOnly;
import static dev.tocsin.monitor.LoopbackTls.pem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * TLS certificates: days to expiry against the thresholds, for tls monitors and https ones alike, and real handshakes
 * with loopback servers whose certificates are untrusted, expiring, or issued by an authority that has expired.
 */
class VerdictsTest {

    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

    @TempDir
    Path dir;

    private static Monitor tls(int port) {
        MonitorSpec spec = new MonitorSpec("cert", "web", "tls", null, "2s", null, null, null, null, null, null, null,
                null, null, null, null, null, null, null, "localhost", Integer.toString(port), null, null, null, 14, 3, null,
                List.of());
        return new Monitor("cert", "web", Monitor.Type.TLS, Duration.ofMinutes(1), Duration.ofSeconds(2), 0, "critical", 1,
                null, new Monitor.Endpoint("localhost", port, null, null, null, 14, 3), List.of(), null, true, List.of(),
                spec);
    }

    private static CheckResult judge(Instant expires) {
        Probes.Probe probe = new Probes.Probe(true, 12, null, null, null, new CertificatePath.Expiry(expires, null));
        return Verdicts.judge(tls(443), probe, new Instant[0], NOW);
    }

    @Test
    void aCertificateIsWarnedAboutThenCriticalThenExpired() {
        assertThat(judge(NOW.plus(Duration.ofDays(30))).level()).isEqualTo(Level.UP);
        CheckResult soon = judge(NOW.plus(Duration.ofDays(10)));
        assertThat(soon.level()).isEqualTo(Level.WARNING);
        assertThat(soon.reason()).isEqualTo("the certificate expires in 10 days (2026-03-11T12:00:00Z)");
        assertThat(judge(NOW.plus(Duration.ofDays(2))).level()).isEqualTo(Level.CRITICAL);
        CheckResult expired = judge(NOW.minus(Duration.ofDays(1)));
        assertThat(expired.level()).isEqualTo(Level.CRITICAL);
        assertThat(expired.reason()).startsWith("the certificate expired on ");
    }

    @Test
    void anUntrustedCertificateIsATlsError() throws Exception {
        KeyStore ks = new LoopbackTls(dir).selfSigned("server", null, 5);
        try (SSLServerSocket server = handshakes(ks)) {
            Probes probes = new Probes(2);
            try {
                Monitor m = tls(server.getLocalPort());
                CheckResult r = Verdicts.judge(m, probes.probe(m).join(), new Instant[0], NOW);
                assertThat(r.level()).isEqualTo(Level.CRITICAL);
                assertThat(r.reason()).startsWith("TLS error: ");
            } finally {
                probes.destroy();
            }
        }
    }

    @Test
    void aPrivateCaGivenAsCaPemIsTrustedByTlsAndHttpsMonitorsAndOnlyByThem() throws Exception {
        KeyStore ks = new LoopbackTls(dir).selfSigned("own-ca", null, 365);
        String pem = pem(ks);
        HttpsServer https = healthyOverHttps(ks);
        Probes probes = new Probes(2);
        try {
            int port = https.getAddress().getPort();
            Path file = dir.resolve("tocsin.yml");
            Files.writeString(file, """
                    severities: [{id: P0, response_target: 5m}]
                    services: [{id: web, name: Web, integration_keys: [web-key-0000000000001]}]
                    monitors:
                      - {id: https-private, service: web, type: http, url: "https://localhost:%1$d/health", ca_pem: "${CA_PEM}"}
                      - {id: https-default, service: web, type: http, url: "https://localhost:%1$d/health"}
                      - {id: tls-private, service: web, type: tls, host: localhost, port: %1$d, ca_pem: "${CA_PEM}"}
                      - {id: tls-default, service: web, type: tls, host: localhost, port: %1$d}
                    """.formatted(port));
            TocsinConfig config = new ConfigLoader(Map.of("CA_PEM", pem)::get).load(file.toString());
            Monitors monitors = new Monitors(config, null, null);
            Map<String, CheckResult> results = new LinkedHashMap<>();
            for (String id : List.of("https-private", "https-default", "tls-private", "tls-default")) {
                Monitor m = monitors.find(id).orElseThrow();
                results.put(id, Verdicts.judge(m, probes.probe(m).join(), new Instant[0], Instant.now()));
            }
            assertThat(results.get("https-private").level()).as(results.get("https-private").reason()).isEqualTo(Level.UP);
            assertThat(results.get("tls-private").level()).as(results.get("tls-private").reason()).isEqualTo(Level.UP);
            assertThat(results.get("https-default").level()).isEqualTo(Level.CRITICAL);
            assertThat(results.get("tls-default").reason()).startsWith("TLS error: ");
        } finally {
            probes.destroy();
            https.stop(0);
        }

        Path bad = dir.resolve("bad.yml");
        Files.writeString(bad, """
                severities: [{id: P0, response_target: 5m}]
                services: [{id: web, name: Web, integration_keys: [web-key-0000000000001]}]
                monitors:
                  - {id: a, service: web, type: tls, host: x.test, ca_pem: "not a certificate"}
                  - {id: b, service: web, type: tcp, host: x.test, port: 5432, ca_pem: "${CA_PEM}"}
                """);
        TocsinConfig badConfig = new ConfigLoader(Map.of("CA_PEM", pem)::get).load(bad.toString());
        assertThatThrownBy(() -> new Monitors(badConfig, null, null)).isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).problems())
                        .anyMatch(p -> p.startsWith("monitors[0].ca_pem: "))
                        .contains("monitors[1].ca_pem: does not apply to a tcp monitor"));
    }
    /**
     * The JDK checks no dates of a trusted authority's own certificate: a self-signed server certificate given as
     * ca_pem passed the https check long after it expired, while the tls check said so.
     */
    @Test
    void anExpiredSelfSignedCertificateGivenAsCaPemFailsTheHttpsCheckAsTheTlsCheck() throws Exception {
        KeyStore ks = new LoopbackTls(dir).selfSigned("expired-self", "2020/01/01 00:00:00", 30);
        String pem = pem(ks);
        HttpsServer https = healthyOverHttps(ks);
        Probes probes = new Probes(2);
        try {
            Path file = dir.resolve("tocsin.yml");
            Files.writeString(file, """
                    severities: [{id: P0, response_target: 5m}]
                    services: [{id: web, name: Web, integration_keys: [web-key-0000000000001]}]
                    monitors:
                      - {id: https-expired, service: web, type: http, url: "https://localhost:%1$d/health", timeout: 5s, ca_pem: "${CA_PEM}"}
                      - {id: tls-expired, service: web, type: tls, host: localhost, port: %1$d, timeout: 5s, ca_pem: "${CA_PEM}"}
                    """.formatted(https.getAddress().getPort()));
            TocsinConfig config = new ConfigLoader(Map.of("CA_PEM", pem)::get).load(file.toString());
            Monitors monitors = new Monitors(config, null, null);
            Map<String, CheckResult> results = new LinkedHashMap<>();
            for (String id : List.of("https-expired", "tls-expired")) {
                Monitor m = monitors.find(id).orElseThrow();
                results.put(id, Verdicts.judge(m, probes.probe(m).join(), new Instant[0], Instant.now()));
            }
            assertThat(results.get("tls-expired").reason()).startsWith("the certificate expired on 2020-01-3");
            assertThat(results.get("https-expired").level()).as(results.get("https-expired").reason())
                    .isEqualTo(Level.CRITICAL);
            assertThat(results.get("https-expired").reason()).isEqualTo(results.get("tls-expired").reason());
        } finally {
            probes.destroy();
            https.stop(0);
        }
    }

    /** The JDK says "PKIX path building failed: sun.security...": a responder reading the alert needs the cause. */
    @Test
    void aTlsErrorSaysWhetherTheCertificateIsExpiredUntrustedOrForAnotherHost() throws Exception {
        LoopbackTls tls = new LoopbackTls(dir);
        String caPem = tls.authority("test-ca", null, 3650);
        KeyStore expired = tls.issued("expired", "dns:localhost", "test-ca", "2020/01/01 00:00:00", 30);
        KeyStore elsewhere = tls.issued("elsewhere", "dns:other.test", "test-ca", "-1d", 365);
        Probes probes = new Probes(2);
        try (SSLServerSocket expiredServer = handshakes(expired); SSLServerSocket elsewhereServer = handshakes(elsewhere)) {
            Path file = dir.resolve("tocsin.yml");
            Files.writeString(file, """
                    severities: [{id: P0, response_target: 5m}]
                    services: [{id: web, name: Web, integration_keys: [web-key-0000000000001]}]
                    monitors:
                      - {id: expired, service: web, type: tls, host: localhost, port: %1$d, timeout: 5s, ca_pem: "${CA_PEM}"}
                      - {id: untrusted, service: web, type: tls, host: localhost, port: %1$d, timeout: 5s}
                      - {id: untrusted-https, service: web, type: http, url: "https://localhost:%1$d/", timeout: 5s}
                      - {id: elsewhere, service: web, type: tls, host: localhost, port: %2$d, timeout: 5s, ca_pem: "${CA_PEM}"}
                    """.formatted(expiredServer.getLocalPort(), elsewhereServer.getLocalPort()));
            TocsinConfig config = new ConfigLoader(Map.of("CA_PEM", caPem)::get).load(file.toString());
            Monitors monitors = new Monitors(config, null, null);
            Map<String, String> reasons = new LinkedHashMap<>();
            for (String id : List.of("expired", "untrusted", "untrusted-https", "elsewhere")) {
                Monitor m = monitors.find(id).orElseThrow();
                CheckResult r = Verdicts.judge(m, probes.probe(m).join(), new Instant[0], Instant.now());
                assertThat(r.level()).as(r.reason()).isEqualTo(Level.CRITICAL);
                reasons.put(id, r.reason());
            }
            assertThat(reasons.get("expired")).startsWith("TLS error: the certificate has expired (NotAfter: ");
            assertThat(reasons.get("untrusted")).isEqualTo("TLS error: the certificate is not trusted: self-signed, or "
                    + "from an authority this node does not trust (a private CA goes in ca_pem)");
            assertThat(reasons.get("untrusted-https")).isEqualTo(reasons.get("untrusted"));
            assertThat(reasons.get("elsewhere")).startsWith("TLS error: the certificate is not for this host (No subject "
                    + "alternative DNS name matching localhost");
        } finally {
            probes.destroy();
        }
    }

    /** The monitors of {@code yaml} (with {@code ${CA_PEM}} set to {@code caPem}), each checked once, judged at one instant. */
    private Map<String, CheckResult> checkOnce(String yaml, String caPem, String... ids) throws Exception {
        Path file = dir.resolve("tocsin.yml");
        Files.writeString(file, """
                severities: [{id: P0, response_target: 5m}]
                services: [{id: web, name: Web, integration_keys: [web-key-0000000000001]}]
                """ + yaml);
        TocsinConfig config = new ConfigLoader(Map.of("CA_PEM", caPem)::get).load(file.toString());
        Monitors monitors = new Monitors(config, null, null);
        Probes probes = new Probes(2);
        try {
            Map<String, Probes.Probe> seen = new LinkedHashMap<>();
            for (String id : ids) {
                seen.put(id, probes.probe(monitors.find(id).orElseThrow()).join());
            }
            Instant now = Instant.now();
            Map<String, CheckResult> results = new LinkedHashMap<>();
            seen.forEach((id, probe) -> results.put(id,
                    Verdicts.judge(monitors.find(id).orElseThrow(), probe, new Instant[0], now)));
            return results;
        } finally {
            probes.destroy();
        }
    }

    /**
     * Uptime Kuma's "certificate expiry notification": an https monitor with certificate days warns as a tls monitor of
     * the same server does, in the same words, read from the request's own session; off unless asked for; and a
     * warning from the certificate never hides a failing status or body.
     */
    @Test
    void anHttpsMonitorWithCertificateDaysWarnsAboutItsCertificateAsTheTlsMonitorDoes() throws Exception {
        LoopbackTls tls = new LoopbackTls(dir);
        String caPem = tls.authority("private-ca", null, 3650);
        HttpsServer soon = healthyOverHttps(tls.issued("soon", "dns:localhost", "private-ca", null, 5));
        HttpsServer later = healthyOverHttps(tls.issued("later", "dns:localhost", "private-ca", null, 60));
        try {
            Map<String, CheckResult> r = checkOnce("""
                    monitors:
                      - {id: https-soon, service: web, type: http, url: "https://localhost:%1$d/health", ca_pem: "${CA_PEM}", certificate_warn_days: 14}
                      - {id: https-soon-critical, service: web, type: http, url: "https://localhost:%1$d/health", ca_pem: "${CA_PEM}", certificate_warn_days: 30, certificate_critical_days: 7}
                      - {id: https-soon-unasked, service: web, type: http, url: "https://localhost:%1$d/health", ca_pem: "${CA_PEM}"}
                      - {id: https-soon-body, service: web, type: http, url: "https://localhost:%1$d/health", ca_pem: "${CA_PEM}", certificate_warn_days: 14, body_contains: healthy}
                      - {id: https-soon-status, service: web, type: http, url: "https://localhost:%1$d/health", ca_pem: "${CA_PEM}", certificate_warn_days: 14, expect_status: [204]}
                      - {id: tls-soon, service: web, type: tls, host: localhost, port: %1$d, ca_pem: "${CA_PEM}"}
                      - {id: https-later, service: web, type: http, url: "https://localhost:%2$d/health", ca_pem: "${CA_PEM}", certificate_warn_days: 30}
                    """.formatted(soon.getAddress().getPort(), later.getAddress().getPort()), caPem,
                    "https-soon", "https-soon-critical", "https-soon-unasked", "https-soon-body", "https-soon-status",
                    "tls-soon", "https-later");

            assertThat(r.get("tls-soon").level()).as(r.get("tls-soon").reason()).isEqualTo(Level.WARNING);
            assertThat(r.get("tls-soon").reason()).matches("the certificate expires in 4 days \\(\\S+Z\\)");
            assertThat(r.get("https-soon").level()).as(r.get("https-soon").reason()).isEqualTo(Level.WARNING);
            assertThat(r.get("https-soon").reason()).isEqualTo(r.get("tls-soon").reason());
            assertThat(r.get("https-soon-critical").level()).isEqualTo(Level.CRITICAL);
            assertThat(r.get("https-soon-critical").reason()).isEqualTo(r.get("tls-soon").reason());
            assertThat(r.get("https-soon-unasked").level()).as("off unless asked for, as in Uptime Kuma").isEqualTo(Level.UP);
            assertThat(r.get("https-soon-body").level()).isEqualTo(Level.CRITICAL);
            assertThat(r.get("https-soon-body").reason()).isEqualTo("body does not contain 'healthy'");
            assertThat(r.get("https-soon-status").level()).isEqualTo(Level.CRITICAL);
            assertThat(r.get("https-soon-status").reason()).isEqualTo("HTTP 200, expected [204]");
            assertThat(r.get("https-later").level()).as(r.get("https-later").reason()).isEqualTo(Level.UP);
        } finally {
            soon.stop(0);
            later.stop(0);
        }
    }

    /**
     * The JDK validates the certificates a server sends but not the trusted authority the path ends at: a server that
     * sends only its own certificate, issued by a ca_pem authority that has since expired, passed the https and the tls
     * check (OpenSSL clients refuse it). A server that sends the expired authority too passed the tls check.
     */
    @Test
    void anExpiredAuthorityInCaPemFailsTheHttpsAndTlsChecks() throws Exception {
        LoopbackTls tls = new LoopbackTls(dir);
        String caPem = tls.authority("old-ca", "2020/01/01 00:00:00", 365);
        KeyStore withAuthority = tls.issued("current", "dns:localhost", "old-ca", null, 365);
        HttpsServer leafOnly = healthyOverHttps(leafOnly(withAuthority));
        HttpsServer chain = healthyOverHttps(withAuthority);
        try {
            Map<String, CheckResult> r = checkOnce("""
                    monitors:
                      - {id: https-leaf, service: web, type: http, url: "https://localhost:%1$d/health", ca_pem: "${CA_PEM}"}
                      - {id: tls-leaf, service: web, type: tls, host: localhost, port: %1$d, ca_pem: "${CA_PEM}"}
                      - {id: https-chain, service: web, type: http, url: "https://localhost:%2$d/health", ca_pem: "${CA_PEM}"}
                      - {id: tls-chain, service: web, type: tls, host: localhost, port: %2$d, ca_pem: "${CA_PEM}"}
                    """.formatted(leafOnly.getAddress().getPort(), chain.getAddress().getPort()), caPem,
                    "https-leaf", "tls-leaf", "https-chain", "tls-chain");
            r.forEach((id, result) -> {
                assertThat(result.level()).as(id + ": " + result.reason()).isEqualTo(Level.CRITICAL);
                assertThat(result.reason()).as(id)
                        .startsWith("the certificate of the issuing authority CN=old-ca expired on 2020-12-");
            });
        } finally {
            leafOnly.stop(0);
            chain.stop(0);
        }
    }
}
