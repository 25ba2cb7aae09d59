package dev.tocsin.monitor;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import org.springframework.util.function.SingletonSupplier;

/**
 * Looks at a target once and says what it saw, never throwing: every failure becomes a {@link Probe} with a reason
 * (timeout, refused, TLS error, …). HTTP runs on the JDK's non-blocking client; TCP, TLS, Redis and PostgreSQL on a
 * small pool of blocking threads, each bounded by the monitor's timeout.
 */
@Component
class Probes implements DisposableBean {

    /**
     * What one look found. {@code reached}: the target answered at the protocol level (any HTTP status counts).
     * {@code redirectTo}: the Location of an HTTP redirect, which is not followed. {@code certificate}: the first
     * certificate to run out on the path the TLS session trusted, null without TLS.
     */
    record Probe(boolean reached, long latencyMs, Integer status, String body, String error,
                 CertificatePath.Expiry certificate, String redirectTo) {

        Probe(boolean reached, long latencyMs, Integer status, String body, String error,
              CertificatePath.Expiry certificate) {
            this(reached, latencyMs, status, body, error, certificate, null);
        }

        static Probe failed(long latencyMs, String error) {
            return new Probe(false, latencyMs, null, null, error, null);
        }
    }

    /** Bodies beyond this are cut: conditions look at health documents, not downloads. */
    private static final int MAX_BODY = 1024 * 1024;

    /** Built at the first HTTP check: the JDK's TLS set-up (reading its trusted certificates) is not start-up work. */
    private final SingletonSupplier<HttpClient> http = SingletonSupplier.of(() -> client(null));
    private final Map<SSLContext, HttpClient> clientsByTrust = new ConcurrentHashMap<>();
    /** The JDK's trusted authorities, where the path of a monitor without {@code ca_pem} ends; read at first use. */
    private final SingletonSupplier<List<X509Certificate>> defaultAuthorities = SingletonSupplier.of(Probes::jdkAuthorities);
    private final ExecutorService blocking;

    Probes(@Value("${tocsin.monitors.blocking-threads:32}") int blockingThreads) {
        AtomicInteger n = new AtomicInteger();
        this.blocking = Executors.newFixedThreadPool(blockingThreads, r -> {
            Thread t = new Thread(r, "tocsin-probe-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** The client for monitors that trust {@code trust} (a private CA), or the JDK's default trust for null. */
    private HttpClient client(SSLContext trust) {
        HttpClient.Builder builder = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NEVER);
        return (trust == null ? builder : builder.sslContext(trust)).build();
    }

    CompletableFuture<Probe> probe(Monitor m) {
        return switch (m.type()) {
            case HTTP -> http(m);
            case TCP -> blocking(m, () -> tcp(m));
            case TLS -> blocking(m, () -> tls(m));
            case REDIS -> blocking(m, () -> redis(m));
            case POSTGRES -> blocking(m, () -> postgres(m));
        };
    }

    private CompletableFuture<Probe> http(Monitor m) {
        Monitor.Http h = m.http();
        long start = System.nanoTime();
        try {
            // Built inside the try: a request the client refuses is a failed check with its reason, never an
            // exception that would end the monitor's schedule.
            HttpRequest.Builder request = HttpRequest.newBuilder(h.url()).timeout(m.timeout())
                    .header("User-Agent", "Tocsin-Monitor")
                    .method(h.method(), h.body() == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(h.body(), StandardCharsets.UTF_8));
            h.headers().forEach(request::header);
            HttpClient client = m.trust() == null ? http.obtain()
                    : clientsByTrust.computeIfAbsent(m.trust().context(), this::client);
            // The timeout covers the body too: the client's own request timeout ends with the headers, and a
            // server that then stalls must not hold a check (and its permit) for ever.
            CompletableFuture<HttpResponse<byte[]>> exchange = client.sendAsync(request.build(), r -> new BoundedBody(MAX_BODY));
            return exchange
                    .thenApply(r -> new Probe(true, millisSince(start), r.statusCode(),
                            new String(r.body(), StandardCharsets.UTF_8), null, earliestExpiry(m, r),
                            r.statusCode() / 100 == 3 ? r.headers().firstValue("Location").orElse(null) : null))
                    .orTimeout(m.timeout().toMillis(), TimeUnit.MILLISECONDS)
                    .exceptionally(e -> {
                        exchange.cancel(true); // a stalled body's connection is closed, not left open
                        return Probe.failed(millisSince(start), reason(unwrap(e), m.timeout()));
                    });
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(Probe.failed(0, reason(e, m.timeout())));
        }
    }

    /**
     * The first certificate to run out on the path the request's own TLS session trusted (no second connection). The
     * JDK checks no dates of a trusted authority's certificate, so a self-signed certificate or an issuing CA given as
     * {@code ca_pem} would pass the handshake long after it expired; the verdict judges the dates, as for a tls check.
     * Null over plain HTTP.
     */
    private CertificatePath.Expiry earliestExpiry(Monitor m, HttpResponse<?> r) {
        return r.sslSession().map(session -> {
            try {
                return CertificatePath.earliest(session.getPeerCertificates(), authorities(m));
            } catch (SSLPeerUnverifiedException e) {
                return null;
            }
        }).orElse(null);
    }

    private List<X509Certificate> authorities(Monitor m) {
        return m.trust() == null ? defaultAuthorities.obtain() : m.trust().authorities();
    }

    private static List<X509Certificate> jdkAuthorities() {
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init((KeyStore) null);
            for (TrustManager tm : tmf.getTrustManagers()) {
                if (tm instanceof X509TrustManager x) {
                    return List.of(x.getAcceptedIssuers());
                }
            }
            return List.of();
        } catch (GeneralSecurityException e) {
            // Without the list, a path ends at the last certificate the server sent: still its dates are judged.
            return List.of();
        }
    }

    /** Collects at most {@code max} bytes of a body as they arrive, without a thread waiting on it, then stops reading. */
    static final class BoundedBody implements HttpResponse.BodySubscriber<byte[]> {
        private final int max;
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private final CompletableFuture<byte[]> result = new CompletableFuture<>();
        private Flow.Subscription subscription;

        BoundedBody(int max) {
            this.max = max;
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> items) {
            for (ByteBuffer b : items) {
                int n = Math.min(b.remaining(), max - out.size());
                byte[] chunk = new byte[n];
                b.get(chunk);
                out.write(chunk, 0, n);
            }
            if (out.size() >= max && result.complete(out.toByteArray())) {
                subscription.cancel();
            }
        }

        @Override
        public void onError(Throwable t) {
            result.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            result.complete(out.toByteArray());
        }
    }

    private CompletableFuture<Probe> blocking(Monitor m, java.util.function.Supplier<Probe> look) {
        try {
            return CompletableFuture.supplyAsync(look, blocking);
        } catch (RuntimeException rejected) {
            return CompletableFuture.completedFuture(Probe.failed(0, "the probe pool is shutting down"));
        }
    }

    private static Probe tcp(Monitor m) {
        long start = System.nanoTime();
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(m.endpoint().host(), m.endpoint().port()), timeoutMillis(m));
            return new Probe(true, millisSince(start), null, null, null, null);
        } catch (IOException | RuntimeException e) {
            return Probe.failed(millisSince(start), reason(e, m.timeout()));
        }
    }

    private Probe tls(Monitor m) {
        long start = System.nanoTime();
        Monitor.Endpoint e = m.endpoint();
        try (Socket plain = new Socket()) {
            plain.connect(new InetSocketAddress(e.host(), e.port()), timeoutMillis(m));
            plain.setSoTimeout(timeoutMillis(m));
            SSLSocketFactory factory = m.trust() == null ? (SSLSocketFactory) SSLSocketFactory.getDefault()
                    : m.trust().context().getSocketFactory();
            try (SSLSocket socket = (SSLSocket) factory.createSocket(plain, e.host(), e.port(), true)) {
                SSLParameters parameters = socket.getSSLParameters();
                parameters.setEndpointIdentificationAlgorithm("HTTPS"); // the name must match, as for a browser
                socket.setSSLParameters(parameters);
                socket.startHandshake();
                return new Probe(true, millisSince(start), null, null, null,
                        CertificatePath.earliest(socket.getSession().getPeerCertificates(), authorities(m)));
            }
        } catch (IOException | RuntimeException ex) {
            return Probe.failed(millisSince(start), reason(ex, m.timeout()));
        }
    }

    /** RESP by hand: AUTH when a password is set, then PING, expecting +PONG. */
    private static Probe redis(Monitor m) {
        long start = System.nanoTime();
        Monitor.Endpoint e = m.endpoint();
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(e.host(), e.port()), timeoutMillis(m));
            socket.setSoTimeout(timeoutMillis(m));
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            if (e.password() != null) {
                out.write(resp(e.username() == null ? new String[] {"AUTH", e.password()}
                        : new String[] {"AUTH", e.username(), e.password()}));
                out.flush();
                String auth = line(in);
                if (!auth.startsWith("+OK")) {
                    return new Probe(true, millisSince(start), null, auth, "AUTH refused: " + auth, null);
                }
            }
            out.write(resp(new String[] {"PING"}));
            out.flush();
            String reply = line(in);
            return reply.equals("+PONG") ? new Probe(true, millisSince(start), null, reply, null, null)
                    : new Probe(true, millisSince(start), null, reply, "PING answered '" + reply + "', expected +PONG", null);
        } catch (IOException | RuntimeException ex) {
            return Probe.failed(millisSince(start), reason(ex, m.timeout()));
        }
    }

    private static byte[] resp(String[] parts) {
        StringBuilder b = new StringBuilder("*").append(parts.length).append("\r\n");
        for (String p : parts) {
            b.append('$').append(p.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(p).append("\r\n");
        }
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        int c;
        while ((c = in.read()) != -1 && c != '\n' && b.length() < 512) {
            if (c != '\r') {
                b.append((char) c);
            }
        }
        if (c == -1 && b.length() == 0) {
            throw new IOException("connection closed without an answer");
        }
        return b.toString();
    }

    /**
     * {@code text} with {@code secret} starred out where it stands as a word of its own (between characters that are
     * not letters or digits, as a quoted or assigned value is): replaced anywhere, a short password starred letters of
     * every word ("***ostmaster is acce***ting") and an empty one every gap.
     */
    static String withoutSecret(String text, String secret) {
        if (secret == null || secret.isEmpty()) {
            return text;
        }
        return text.replaceAll("(?<![\\p{L}\\p{N}])" + Pattern.quote(secret) + "(?![\\p{L}\\p{N}])", "***");
    }

    /** Seed 002's "check connection": connect and SELECT 1. */
    private static Probe postgres(Monitor m) {
        long start = System.nanoTime();
        Monitor.Endpoint e = m.endpoint();
        int seconds = (int) Math.max(1, m.timeout().toSeconds());
        Properties props = new Properties();
        if (e.username() != null) {
            props.setProperty("user", e.username());
        }
        if (e.password() != null) {
            props.setProperty("password", e.password());
        }
        props.setProperty("connectTimeout", Integer.toString(seconds));
        props.setProperty("socketTimeout", Integer.toString(seconds));
        props.setProperty("loginTimeout", Integer.toString(seconds));
        String url = "jdbc:postgresql://" + e.host() + ":" + e.port() + "/" + e.database();
        try (Connection c = DriverManager.getConnection(url, props); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT 1")) {
            rs.next();
            return new Probe(true, millisSince(start), null, null, null, null);
        } catch (SQLException ex) {
            // The driver's message names the cause (refused, authentication failed, database does not exist).
            String message = ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage().lines().findFirst().orElse("");
            return Probe.failed(millisSince(start), "PostgreSQL: " + withoutSecret(message, e.password()));
        } catch (RuntimeException ex) {
            return Probe.failed(millisSince(start), reason(ex, m.timeout()));
        }
    }

    private static Throwable unwrap(Throwable e) {
        return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    }

    static String reason(Throwable e, Duration timeout) {
        if (e instanceof HttpConnectTimeoutException || e instanceof HttpTimeoutException
                || e instanceof SocketTimeoutException || e instanceof java.util.concurrent.TimeoutException) {
            return "timeout: no answer within " + timeout.toMillis() + " ms";
        }
        if (e instanceof ConnectException) {
            return "connection refused";
        }
        if (e instanceof UnknownHostException) {
            return "unknown host " + e.getMessage();
        }
        if (e instanceof SSLException) {
            return "TLS error: " + tlsProblem(e);
        }
        if (e instanceof IOException) {
            return "connection failed: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        }
        return "check failed: " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")");
    }

    /**
     * What a failed handshake says about the certificate, in words for whoever reads the alert rather than the JDK's
     * ("PKIX path building failed: sun.security.provider.certpath.SunCertPathBuilderException: ..."); the JDK's
     * message for anything else.
     */
    private static String tlsProblem(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof CertificateExpiredException) {
                return "the certificate has expired (" + c.getMessage() + ")";
            }
            if (c instanceof CertificateNotYetValidException) {
                return "the certificate is not valid yet (" + c.getMessage() + ")";
            }
            if (c instanceof CertPathBuilderException) {
                return "the certificate is not trusted: self-signed, or from an authority this node does not trust "
                        + "(a private CA goes in ca_pem)";
            }
            String message = c.getMessage() == null ? "" : c.getMessage();
            if (c instanceof CertificateException
                    && (message.startsWith("No subject alternative") || message.startsWith("No name matching"))) {
                return "the certificate is not for this host (" + message + ")";
            }
        }
        return e.getMessage();
    }

    private static int timeoutMillis(Monitor m) {
        return (int) Math.min(Integer.MAX_VALUE, m.timeout().toMillis());
    }

    private static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    @Override
    public void destroy() {
        blocking.shutdownNow();
    }
}
