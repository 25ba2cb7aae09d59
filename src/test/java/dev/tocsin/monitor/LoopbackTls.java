package dev.tocsin.monitor;

import java.io.FileInputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Certificates made by the JDK's keytool in {@code dir} (every store's password is "changeit"), and servers on
 * loopback that present them: real handshakes, no mocked TLS.
 */
final class LoopbackTls {

    private final Path dir;

    LoopbackTls(Path dir) {
        this.dir = dir;
    }

    void keytool(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        command.addAll(List.of(args));
        command.addAll(List.of("-storetype", "PKCS12", "-storepass", "changeit", "-keypass", "changeit"));
        Process keytool = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(keytool.waitFor()).as(output).isZero();
    }

    /**
     * A certificate authority {@code CN=<name>} in {@code <name>.p12}, valid from {@code start} (keytool's -startdate,
     * null for now) for {@code days}; answers its certificate as a ca_pem value.
     */
    String authority(String name, String start, int days) throws Exception {
        List<String> args = new ArrayList<>(List.of("-genkeypair", "-alias", "ca", "-keyalg", "RSA", "-keysize", "2048",
                "-dname", "CN=" + name, "-ext", "bc:c", "-validity", Integer.toString(days),
                "-keystore", dir.resolve(name + ".p12").toString()));
        if (start != null) {
            args.addAll(List.of("-startdate", start));
        }
        keytool(args.toArray(String[]::new));
        keytool("-exportcert", "-alias", "ca", "-rfc", "-keystore", dir.resolve(name + ".p12").toString(),
                "-file", dir.resolve(name + ".pem").toString());
        return Files.readString(dir.resolve(name + ".pem"));
    }

    /**
     * A server certificate for {@code san} issued by {@link #authority authority} {@code ca} from {@code start} (null
     * for now) for {@code days}; the key entry "server" holds it with the authority's certificate after it.
     */
    KeyStore issued(String name, String san, String ca, String start, int days) throws Exception {
        String store = dir.resolve(name + ".p12").toString();
        keytool("-genkeypair", "-alias", "server", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=" + name,
                "-keystore", store);
        keytool("-certreq", "-alias", "server", "-keystore", store, "-file", dir.resolve(name + ".csr").toString());
        List<String> gencert = new ArrayList<>(List.of("-gencert", "-alias", "ca", "-keystore",
                dir.resolve(ca + ".p12").toString(), "-infile", dir.resolve(name + ".csr").toString(),
                "-outfile", dir.resolve(name + ".cer").toString(), "-validity", Integer.toString(days),
                "-ext", "SAN=" + san, "-rfc"));
        if (start != null) {
            gencert.addAll(List.of("-startdate", start));
        }
        keytool(gencert.toArray(String[]::new));
        keytool("-importcert", "-alias", "ca", "-file", dir.resolve(ca + ".pem").toString(), "-keystore", store,
                "-noprompt");
        keytool("-importcert", "-alias", "server", "-file", dir.resolve(name + ".cer").toString(), "-keystore", store,
                "-noprompt");
        return load(store);
    }

    /** A self-signed server certificate for localhost and 127.0.0.1, from {@code start} (null for now) for {@code days}. */
    KeyStore selfSigned(String name, String start, int days) throws Exception {
        String store = dir.resolve(name + ".p12").toString();
        List<String> args = new ArrayList<>(List.of("-genkeypair", "-alias", "server", "-keyalg", "RSA", "-keysize", "2048",
                "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", Integer.toString(days),
                "-keystore", store));
        if (start != null) {
            args.addAll(List.of("-startdate", start));
        }
        keytool(args.toArray(String[]::new));
        return load(store);
    }

    /** The same key with its own certificate alone: a server that does not send the authority's. */
    static KeyStore leafOnly(KeyStore ks) throws Exception {
        KeyStore out = KeyStore.getInstance("PKCS12");
        out.load(null, null);
        Key key = ks.getKey("server", "changeit".toCharArray());
        out.setKeyEntry("server", key, "changeit".toCharArray(), new Certificate[] {ks.getCertificate("server")});
        return out;
    }

    private static KeyStore load(String store) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (FileInputStream in = new FileInputStream(store)) {
            ks.load(in, "changeit".toCharArray());
        }
        return ks;
    }

    /** The server's certificate as a ca_pem value. */
    static String pem(KeyStore ks) throws Exception {
        return "-----BEGIN CERTIFICATE-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(ks.getCertificate("server").getEncoded())
                + "\n-----END CERTIFICATE-----\n";
    }

    /** An HTTPS server on loopback whose /health answers 200 with an empty body, with the key store's certificate. */
    static HttpsServer healthyOverHttps(KeyStore ks) throws Exception {
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
    static SSLServerSocket handshakes(KeyStore ks) throws Exception {
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
}
