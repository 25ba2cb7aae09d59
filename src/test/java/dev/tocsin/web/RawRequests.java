package dev.tocsin.web;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Requests written by hand, as a reverse proxy (or a client talking to Tocsin directly) sends them: with the Host and
 * X-Forwarded-* headers that java.net.http will not set. One request per connection.
 */
final class RawRequests {

    record Response(int status, List<String> headers, String body) {

        String header(String name) {
            String prefix = name.toLowerCase(Locale.ROOT) + ":";
            return headers.stream().filter(h -> h.toLowerCase(Locale.ROOT).startsWith(prefix))
                    .map(h -> h.substring(prefix.length()).trim()).findFirst().orElse(null);
        }

        /** The session cookie this response set ("JSESSIONID=…"), or null. */
        String sessionCookie() {
            String cookie = header("Set-Cookie");
            return cookie == null ? null : cookie.split(";", 2)[0];
        }
    }

    private final int port;
    private final List<String> proxyHeaders;
    private final InetAddress from;

    /** @param proxyHeaders every request's Host and X-Forwarded-* headers ("Name: value"); a Host of Tocsin's if none. */
    RawRequests(int port, List<String> proxyHeaders) {
        this(port, proxyHeaders, null);
    }

    private RawRequests(int port, List<String> proxyHeaders, InetAddress from) {
        this.port = port;
        this.proxyHeaders = proxyHeaders.stream().anyMatch(h -> h.regionMatches(true, 0, "Host:", 0, 5))
                ? List.copyOf(proxyHeaders) : concat(List.of("Host: localhost:" + port), proxyHeaders);
        this.from = from;
    }

    /**
     * The same requests sent from another loopback address ("127.0.0.2"): Linux routes all of 127/8 to the loopback
     * interface, so the server sees a client of that address, with no header to believe or not.
     */
    RawRequests from(String loopbackAddress) throws IOException {
        return new RawRequests(port, proxyHeaders, InetAddress.getByName(loopbackAddress));
    }

    Response get(String path, String cookie) throws IOException {
        return send("GET " + path, cookie, null);
    }

    Response postForm(String path, String cookie, String form) throws IOException {
        return send("POST " + path, cookie, form);
    }

    /**
     * Signs in as someone who first asked for {@code page}: the page sends them to the sign-in form, and signing in
     * sends them back. The answer to the form.
     */
    Response signInFrom(String page, String user, String password) throws IOException {
        Response asked = get(page, null);
        assertThat(asked.status()).isEqualTo(302);
        String cookie = asked.sessionCookie();
        Response form = get("/login", cookie);
        if (form.sessionCookie() != null) {
            cookie = form.sessionCookie();
        }
        Response signedIn = postForm("/login", cookie, "username=" + user + "&password=" + SignedInBrowser.enc(password)
                + "&_csrf=" + SignedInBrowser.enc(SignedInBrowser.csrf(form.body())));
        assertThat(signedIn.status()).as(signedIn.headers().toString()).isEqualTo(302);
        return signedIn;
    }

    private Response send(String requestLine, String cookie, String form) throws IOException {
        StringBuilder request = new StringBuilder(requestLine).append(" HTTP/1.1\r\n");
        proxyHeaders.forEach(h -> request.append(h).append("\r\n"));
        if (cookie != null) {
            request.append("Cookie: ").append(cookie).append("\r\n");
        }
        byte[] body = form == null ? new byte[0] : form.getBytes(StandardCharsets.UTF_8);
        if (form != null) {
            request.append("Content-Type: application/x-www-form-urlencoded\r\nContent-Length: ").append(body.length)
                    .append("\r\n");
        }
        request.append("Connection: close\r\n\r\n");
        try (Socket socket = from == null ? new Socket("127.0.0.1", port)
                : new Socket(InetAddress.getByName("127.0.0.1"), port, from, 0)) {
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            out.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
            out.flush();
            // Read as ISO-8859-1, one character per byte, so that chunk sizes count characters; the body is UTF-8.
            String response = readAll(socket.getInputStream());
            int end = response.indexOf("\r\n\r\n");
            List<String> lines = List.of(response.substring(0, end).split("\r\n"));
            String content = unchunked(lines, response.substring(end + 4));
            return new Response(Integer.parseInt(lines.get(0).split(" ")[1]), lines.subList(1, lines.size()),
                    new String(content.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8));
        }
    }

    private static String readAll(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        in.transferTo(all);
        return all.toString(StandardCharsets.ISO_8859_1);
    }

    private static String unchunked(List<String> headers, String body) {
        if (headers.stream().noneMatch(h -> h.equalsIgnoreCase("Transfer-Encoding: chunked"))) {
            return body;
        }
        StringBuilder out = new StringBuilder();
        int at = 0;
        while (true) {
            int lineEnd = body.indexOf("\r\n", at);
            int size = Integer.parseInt(body.substring(at, lineEnd).split(";")[0].trim(), 16);
            if (size == 0) {
                return out.toString();
            }
            out.append(body, lineEnd + 2, lineEnd + 2 + size);
            at = lineEnd + 2 + size + 2;
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
