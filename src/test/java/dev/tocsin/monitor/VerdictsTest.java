package dev.tocsin.monitor;

import java.io.File;
import java.io.FileInputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.tocsin.config.ConfigException;
import dev.tocsin.config.ConfigLoader;
import dev.tocsin.config.MonitorSpec;
import dev.tocsin.config.TocsinConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** TLS certificates: days to expiry against the thresholds, and a real handshake with an untrusted certificate. */
class VerdictsTest {

    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

    @TempDir
    Path dir;

    private static Monitor tls(int port) {
        MonitorSpec spec = new MonitorSpec("cert", "web", "tls", null, "2s", null, null, null, null, null, null, null,
                null, null, null, null, null, "localhost", Integer.toString(port), null, null, null, 14, 3, null, List.of());
        return new Monitor("cert", "web", Monitor.Type.TLS, Duration.ofMinutes(1), Duration.ofSeconds(2), 0, "critical", 1,
                null, new Monitor.Endpoint("localhost", port, null, null, null, 14, 3), List.of(), null, true, List.of(),
                spec);
    }

    private static CheckResult judge(Instant expires) {
        Probes.Probe probe = new Probes.Probe(true, 12, null, null, null, expires);
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
        File keystore = dir.resolve("server.p12").toFile();
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "server", "-keyalg", "RSA", "-keysize", "2048", "-validity", "5",
                "-dname", "CN=localhost", "-storetype", "PKCS12", "-keystore", keystore.toString(),
                "-storepass", "changeit", "-keypass", "changeit").redirectErrorStream(true).start();
        assertThat(keytool.waitFor()).isZero();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (FileInputStream in = new FileInputStream(keystore)) {
            ks.load(in, "changeit".toCharArray());
        }
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

    /** A server certificate of our own making, for localhost and 127.0.0.1, valid for a year. */
    private KeyStore selfSigned() throws Exception {
        File keystore = dir.resolve("own-ca.p12").toFile();
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "server", "-keyalg", "RSA", "-keysize", "2048", "-validity", "365",
                "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-storetype", "PKCS12",
                "-keystore", keystore.toString(), "-storepass", "changeit", "-keypass", "changeit")
                .redirectErrorStream(true).start();
        assertThat(keytool.waitFor()).isZero();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (FileInputStream in = new FileInputStream(keystore)) {
            ks.load(in, "changeit".toCharArray());
        }
        return ks;
    }

    @Test
    void aPrivateCaGivenAsCaPemIsTrustedByTlsAndHttpsMonitorsAndOnlyByThem() throws Exception {
        KeyStore ks = selfSigned();
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
        keytool("-genkeypair", "-alias", "server", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=localhost",
                "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-startdate", "2020/01/01 00:00:00", "-validity", "30",
                "-keystore", dir.resolve("expired-self.p12").toString());
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (FileInputStream in = new FileInputStream(dir.resolve("expired-self.p12").toFile())) {
            ks.load(in, "changeit".toCharArray());
        }
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

    private void keytool(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        command.addAll(List.of(args));
        command.addAll(List.of("-storetype", "PKCS12", "-storepass", "changeit", "-keypass", "changeit"));
        Process keytool = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(keytool.waitFor()).as(output).isZero();
    }

    /** A server certificate for {@code san}, issued by the CA in ca.p12 from {@code start} for {@code days}. */
    private KeyStore issued(String name, String san, String start, int days) throws Exception {
        String store = dir.resolve(name + ".p12").toString();
        String ca = dir.resolve("ca.p12").toString();
        keytool("-genkeypair", "-alias", "server", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=" + name,
                "-keystore", store);
        keytool("-certreq", "-alias", "server", "-keystore", store, "-file", dir.resolve(name + ".csr").toString());
        keytool("-gencert", "-alias", "ca", "-keystore", ca, "-infile", dir.resolve(name + ".csr").toString(),
                "-outfile", dir.resolve(name + ".cer").toString(), "-startdate", start, "-validity", Integer.toString(days),
                "-ext", "SAN=" + san, "-rfc");
        keytool("-importcert", "-alias", "ca", "-file", dir.resolve("ca.pem").toString(), "-keystore", store, "-noprompt");
        keytool("-importcert", "-alias", "server", "-file", dir.resolve(name + ".cer").toString(), "-keystore", store,
                "-noprompt");
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (FileInputStream in = new FileInputStream(store)) {
            ks.load(in, "changeit".toCharArray());
        }
        return ks;
    }

    /** The server's certificate as a ca_pem value. */
    private static String pem(KeyStore ks) throws Exception {
        return "-----BEGIN CERTIFICATE-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(ks.getCertificate("server").getEncoded())
                + "\n-----END CERTIFICATE-----\n";
    }

    /** An HTTPS server on loopback whose /health answers 200, with the key store's certificate. */
    private static HttpsServer healthyOverHttps(KeyStore ks) throws Exception {
        HttpsServer https = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
        https.setHttpsConfigurator(new HttpsConfigurator(serverContext(ks)));
        https.createContext("/health", exchange -> {
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        https.start();
        return https;
    }

    private static SSLContext serverContext(KeyStore ks) throws Exception {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "changeit".toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), null, null);
        return context;
    }

    /** A TLS server on loopback that only shakes hands. */
    private static SSLServerSocket handshakes(KeyStore ks) throws Exception {
        SSLServerSocket server = (SSLServerSocket) serverContext(ks).getServerSocketFactory()
                .createServerSocket(0, 10, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            while (!server.isClosed()) {
                try (SSLSocket s = (SSLSocket) server.accept()) {
                    s.startHandshake();
                } catch (Exception e) {
                    if (server.isClosed()) {
                        return;
                    }
                }
            }
        });
        t.setDaemon(true);
        t.start();
        return server;
    }

    /** The JDK says "PKIX path building failed: sun.security...": a responder reading the alert needs the cause. */
    @Test
    void aTlsErrorSaysWhetherTheCertificateIsExpiredUntrustedOrForAnotherHost() throws Exception {
        keytool("-genkeypair", "-alias", "ca", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=Test CA",
                "-ext", "bc:c", "-validity", "3650", "-keystore", dir.resolve("ca.p12").toString());
        keytool("-exportcert", "-alias", "ca", "-rfc", "-keystore", dir.resolve("ca.p12").toString(),
                "-file", dir.resolve("ca.pem").toString());
        String caPem = Files.readString(dir.resolve("ca.pem"));
        KeyStore expired = issued("expired", "dns:localhost", "2020/01/01 00:00:00", 30);
        KeyStore elsewhere = issued("elsewhere", "dns:other.test", "-1d", 365);
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
}
