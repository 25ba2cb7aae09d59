package dev.tocsin.cli;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.net.ssl.SSLException;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.NullNode;

/**
 * The HTTP API as the command line uses it: JSON in and out, and every failure turned into a {@link CliFailure} with
 * the server's own words (a problem document's detail, the Events API's errors) and the exit code that goes with it.
 */
final class ApiClient {

    /** Snake case, as the API writes: what the CLI prints itself (check --once --json) reads like what it relays. */
    static final JsonMapper JSON = JsonMapper.builder().propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE).build();

    /** The file name of a Content-Disposition, kept to plain characters: never a path. */
    private static final Pattern FILE_NAME = Pattern.compile("filename=\"?([A-Za-z0-9._-]+)");

    /** HTTP/1.1, which is what Tocsin serves: offering HTTP/2 (the client's default) in the handshake gains nothing. */
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final String apiKey;

    ApiClient(String base, String apiKey) {
        this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        this.apiKey = apiKey;
    }

    JsonNode get(String path) {
        return send(request(path).GET());
    }

    /**
     * A GET whose answer is read with status {@code alsoRead} too: deep health answers 503 with its whole document
     * when the database is down, and that document is what the person asked to see.
     */
    JsonNode get(String path, int alsoRead) {
        HttpRequest request = request(path).GET().build();
        HttpResponse<String> r = exchange(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        JsonNode body = parse(r.body());
        if (r.statusCode() == alsoRead && body.isObject()) {
            return body;
        }
        return answer(request, r);
    }

    JsonNode post(String path, Object body) {
        return send(request(path).header("Content-Type", "application/json")
                .POST(body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body))));
    }

    JsonNode put(String path, Object body) {
        return send(request(path).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body))));
    }

    /** A JSON merge patch (RFC 7396): the fields given change, null clears one, the others are left alone. */
    JsonNode patch(String path, Object body) {
        return send(request(path).header("Content-Type", "application/merge-patch+json")
                .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body))));
    }

    JsonNode delete(String path) {
        return send(request(path).DELETE());
    }

    /**
     * Downloads {@code path} into {@code target}, or, when it is null, into the current folder under the name Tocsin
     * gives; returns the file. Nothing is written when Tocsin refuses.
     */
    Path download(String path, Path target) {
        Path folder = target == null ? null : target.toAbsolutePath().getParent();
        if (folder != null && !Files.isDirectory(folder)) {
            // Asked before the server does the work (a backup takes a while): a typo in -o is the person's to fix.
            throw new CliFailure(CliFailure.USAGE, "the folder " + folder + " does not exist");
        }
        HttpRequest request = request(path).GET().build();
        HttpResponse<InputStream> r = exchange(request, HttpResponse.BodyHandlers.ofInputStream());
        Path partial = null;
        try (InputStream body = r.body()) {
            if (r.statusCode() != 200) {
                String text = new String(body.readAllBytes(), StandardCharsets.UTF_8);
                throw refusal(request, r.statusCode(), text);
            }
            Path file = target != null ? target : Path.of(r.headers().firstValue("Content-Disposition")
                    .map(FILE_NAME::matcher).filter(Matcher::find).map(m -> m.group(1)).orElse("tocsin-download"));
            partial = file.resolveSibling(file.getFileName() + ".part");
            Files.copy(body, partial, StandardCopyOption.REPLACE_EXISTING);
            Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING);
            return file;
        } catch (IOException e) {
            deleteQuietly(partial);
            throw new CliFailure(CliFailure.UNREACHABLE, "the download of " + path + " failed: " + e.getMessage());
        }
    }

    /** A half-written download is not left behind to be taken for a backup. */
    private static void deleteQuietly(Path partial) {
        if (partial == null) {
            return;
        }
        try {
            Files.deleteIfExists(partial);
        } catch (IOException ignored) {
            // the message about the failed download says enough
        }
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b;
        try {
            b = HttpRequest.newBuilder(URI.create(base + path));
        } catch (IllegalArgumentException e) {
            throw new CliFailure(CliFailure.USAGE, "--url '" + base + "' is not a URL (expected e.g. http://localhost:8080)");
        }
        b.timeout(Duration.ofSeconds(30)).header("Accept", "application/json");
        if (apiKey != null && !apiKey.isBlank()) {
            b.header("Authorization", "Bearer " + apiKey);
        }
        return b;
    }

    private JsonNode send(HttpRequest.Builder builder) {
        HttpRequest request = builder.build();
        return answer(request, exchange(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8)));
    }

    private JsonNode answer(HttpRequest request, HttpResponse<String> r) {
        int status = r.statusCode();
        if (status >= 200 && status < 300) {
            JsonNode body = parse(r.body());
            if (body.isNull() && r.body() != null && !r.body().isBlank()) {
                // Tocsin answers JSON or nothing: a page here comes from another server at this address.
                throw new CliFailure(CliFailure.UNREACHABLE, what(request) + ": " + status + ", " + notTocsin());
            }
            return body;
        }
        throw refusal(request, status, r.body());
    }

    private <T> HttpResponse<T> exchange(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
        try {
            return http.send(request, handler);
        } catch (ConnectException e) {
            if (causedBy(e, UnresolvedAddressException.class)) {
                // The JDK reports a name that does not resolve as a failed connection: "is it running?" would mislead.
                throw new CliFailure(CliFailure.UNREACHABLE, "cannot reach Tocsin at " + base + ": unknown host '"
                        + request.uri().getHost() + "' (check --url or TOCSIN_URL)");
            }
            throw new CliFailure(CliFailure.UNREACHABLE, "cannot reach Tocsin at " + base
                    + ": connection refused (is it running? set --url or TOCSIN_URL)");
        } catch (HttpTimeoutException e) {
            throw new CliFailure(CliFailure.UNREACHABLE, "Tocsin at " + base + " did not answer in time");
        } catch (SSLException e) {
            throw new CliFailure(CliFailure.UNREACHABLE, "cannot reach Tocsin at " + base + ": the TLS handshake failed ("
                    + e.getMessage() + "); is it served over " + (base.startsWith("https:") ? "http" : "https") + "?");
        } catch (IOException e) {
            // The JDK's own words, without its class names: "HTTP/1.1 header parser received no bytes".
            throw new CliFailure(CliFailure.UNREACHABLE, "cannot reach Tocsin at " + base + ": "
                    + (e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliFailure(CliFailure.UNREACHABLE, "interrupted");
        }
    }

    private static boolean causedBy(Throwable failure, Class<? extends Throwable> kind) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (kind.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private CliFailure refusal(HttpRequest request, int status, String text) {
        String what = what(request);
        JsonNode body = parse(text);
        if (body.isNull() && text != null && !text.isBlank()) {
            // Tocsin refuses with a problem document: a page or a line of text is from something else at this address
            // (another server, a proxy), and its status says nothing of Tocsin: a 404 there is no unknown incident.
            return new CliFailure(CliFailure.UNREACHABLE, what + ": " + status + quotedIfShort(text) + ", " + notTocsin());
        }
        if (status == 401) {
            return new CliFailure(CliFailure.REFUSED, what + ": 401, no valid API key (set --api-key or TOCSIN_API_KEY)");
        }
        return new CliFailure(status >= 500 ? CliFailure.UNREACHABLE : CliFailure.REFUSED,
                what + ": " + status + ", " + reason(body));
    }

    /** A proxy's "Bad Gateway" is worth repeating; a page is not: the error stays one line. */
    private static String quotedIfShort(String text) {
        String line = text.strip();
        return line.length() <= 120 && line.lines().count() == 1 && !line.startsWith("<") ? " \"" + line + "\"" : "";
    }

    private static String what(HttpRequest request) {
        return request.method() + " " + request.uri().getPath();
    }

    private String notTocsin() {
        return "not an answer from Tocsin's API (is " + base + " where Tocsin runs? set --url or TOCSIN_URL)";
    }

    private static JsonNode parse(String text) {
        if (text == null || text.isBlank()) {
            return NullNode.getInstance();
        }
        try {
            return JSON.readTree(text);
        } catch (JacksonException e) {
            return NullNode.getInstance();
        }
    }

    /** The server's explanation: a problem document's detail, or the Events API's errors. */
    private static String reason(JsonNode body) {
        if (body.hasNonNull("detail")) {
            return body.get("detail").asString();
        }
        if (body.has("errors") && body.get("errors").isArray() && !body.get("errors").isEmpty()) {
            StringBuilder s = new StringBuilder();
            body.get("errors").forEach(e -> s.append(s.isEmpty() ? "" : "; ").append(e.asString()));
            return s.toString();
        }
        if (body.hasNonNull("message")) {
            return body.get("message").asString();
        }
        if (body.hasNonNull("title")) {
            return body.get("title").asString();
        }
        return "no explanation given";
    }
}
