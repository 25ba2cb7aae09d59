package dev.tocsin.monitor;

import java.io.File;
import java.io.FileInputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

import dev.tocsin.config.MonitorSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** TLS certificates: days to expiry against the thresholds, and a real handshake with an untrusted certificate. */
class VerdictsTest {

    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

    @TempDir
    Path dir;

    private static Monitor tls(int port) {
        MonitorSpec spec = new MonitorSpec("cert", "web", "tls", null, "2s", null, null, null, null, null, null, null,
                null, null, null, null, null, "localhost", Integer.toString(port), null, null, null, 14, 3, List.of());
        return new Monitor("cert", "web", Monitor.Type.TLS, Duration.ofMinutes(1), Duration.ofSeconds(2), 0, "critical", 1,
                null, new Monitor.Endpoint("localhost", port, null, null, null, 14, 3), List.of(), true, List.of(), spec);
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
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "changeit".toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), null, null);
        try (SSLServerSocket server = (SSLServerSocket) context.getServerSocketFactory()
                .createServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            Thread t = new Thread(() -> {
                while (!server.isClosed()) {
                    try (SSLSocket s = (SSLSocket) server.accept()) {
                        s.startHandshake();
                    } catch (Exception e) {
                        // the client refused our certificate, as it should
                        if (server.isClosed()) {
                            return;
                        }
                    }
                }
            });
            t.setDaemon(true);
            t.start();
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
}
