package dev.tocsin;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A real HTTP server on loopback standing in for Slack, Discord, Teams and webhook receivers: it records every
 * request and answers as a test scripts it (a status, a Retry-After, a delay, or a dropped connection), by path.
 * One per JVM, shared by the application contexts the tests start.
 */
public final class LoopbackSink {

    /** How to answer one request. {@code delayMillis} before answering; {@code status} 0 drops the connection. */
    public record Answer(int status, String body, String retryAfter, long delayMillis) {

        public static Answer status(int status) {
            return new Answer(status, status == 204 ? "" : "ok", null, 0);
        }

        public static Answer status(int status, String body) {
            return new Answer(status, body, null, 0);
        }

        public static Answer retryAfter(String seconds) {
            return new Answer(429, "{\"message\":\"You are being rate limited.\",\"retry_after\":" + seconds + "}", seconds, 0);
        }

        public static Answer slow(long delayMillis) {
            return new Answer(200, "ok", null, delayMillis);
        }
    }

    public record Request(String path, Map<String, List<String>> headers, String body, long receivedNanos) {

        public String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().get(0)).findFirst().orElse(null);
        }
    }

    private static LoopbackSink shared;

    private final HttpServer server;
    private final Map<String, Deque<Answer>> scripts = new ConcurrentHashMap<>();
    private final Map<String, Answer> defaults = new ConcurrentHashMap<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();

    private LoopbackSink() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 100);
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "loopback-sink");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/", this::handle);
        server.start();
    }

    public static synchronized LoopbackSink shared() {
        if (shared == null) {
            try {
                shared = new LoopbackSink();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return shared;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Answers the next requests to {@code path} with these, in order, then with the path's default. */
    public void script(String path, Answer... answers) {
        scripts.computeIfAbsent(path, p -> new ArrayDeque<>()).addAll(List.of(answers));
    }

    /** The answer to {@code path} once any script is used up (200 "ok" unless set). */
    public void answer(String path, Answer answer) {
        defaults.put(path, answer);
    }

    public List<Request> requests(String path) {
        return requests.stream().filter(r -> r.path().equals(path)).toList();
    }

    public List<Request> all() {
        return new ArrayList<>(requests);
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String body;
        try (InputStream in = exchange.getRequestBody()) {
            body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        requests.add(new Request(path, Map.copyOf(exchange.getRequestHeaders()), body, System.nanoTime()));
        Deque<Answer> script = scripts.get(path);
        Answer answer = null;
        if (script != null) {
            synchronized (script) {
                answer = script.pollFirst();
            }
        }
        if (answer == null) {
            answer = defaults.getOrDefault(path, Answer.status(200));
        }
        try {
            if (answer.delayMillis() > 0) {
                Thread.sleep(answer.delayMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (answer.status() == 0) {
            exchange.close(); // a receiver that drops the connection
            return;
        }
        if (answer.retryAfter() != null) {
            exchange.getResponseHeaders().add("Retry-After", answer.retryAfter());
        }
        byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
        try {
            exchange.sendResponseHeaders(answer.status(), answer.status() == 204 || bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0 && answer.status() != 204) {
                exchange.getResponseBody().write(bytes);
            }
        } catch (IOException clientGaveUp) {
            // the sender timed out first; that is what a slow-sink test wants
        } finally {
            exchange.close();
        }
    }
}
