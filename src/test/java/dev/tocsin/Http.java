package dev.tocsin;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A small client for the real server on loopback: JSON in, JSON out, every status visible to the test. */
public final class Http {

    public static final String ADMIN_KEY = "test-admin-key-0001";
    public static final String READ_KEY = "test-read-key-0001";
    public static final String CALENDAR_KEY = "test-calendar-key-0001";
    public static final String WRITE_KEY = "test-write-key-0001";

    public record Response(int status, String body, HttpResponse<String> raw) {
        public JsonNode json() {
            return MAPPER.readTree(body);
        }

        public String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }
    }

    private static final JsonMapper MAPPER = JsonMapper.builder().build();
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final String base;
    private final String key;

    public Http(int port, String key) {
        this.base = "http://127.0.0.1:" + port;
        this.key = key;
    }

    public Http as(String otherKey) {
        return new Http(Integer.parseInt(base.substring(base.lastIndexOf(':') + 1)), otherKey);
    }

    public Response get(String path) {
        return send(request(path).GET());
    }

    public Response post(String path, String json) {
        return send(request(path).header("Content-Type", "application/json")
                .POST(json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json)));
    }

    public Response postForm(String path, String form) {
        return send(request(path).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)));
    }

    public Response put(String path, String json) {
        return send(request(path).header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(json)));
    }

    public Response delete(String path) {
        return send(request(path).DELETE());
    }

    public Response send(HttpRequest.Builder builder) {
        try {
            HttpResponse<String> r = CLIENT.send(builder.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(r.statusCode(), r.body(), r);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        return b;
    }

    /** Every entry of the audit ledger, oldest first, read a page at a time (the key needs the read scope). */
    public List<JsonNode> ledger() {
        List<JsonNode> all = new ArrayList<>();
        long after = 0;
        while (true) {
            JsonNode page = get("/api/v1/audit/events?limit=1000&after=" + after).json();
            if (page.isEmpty()) {
                return all;
            }
            page.valueStream().forEach(all::add);
            after = page.get(page.size() - 1).get("seq").asLong();
        }
    }

    public static JsonNode parse(String json) {
        return MAPPER.readTree(json);
    }
}
