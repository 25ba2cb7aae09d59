/*
 * The public status page under load: requests/s for /status with 50 components and 20 past incidents, against the
 * same HTML served as a static file by the same server (the ceiling).
 *
 *   java bench/StatusLoad.java --url http://127.0.0.1:8080 --admin-key KEY --static-dir DIR
 *        [--clients 32] [--seconds 20] [--incidents 20]
 *
 * Single file, JDK only, run by bench/run-status.sh against a throw-away server whose configuration has 50
 * services and which also serves DIR as static files.
 *   1. Declares --incidents incidents (each with a status update, then resolved): the page's history.
 *   2. Saves /status as DIR/status-copy.html, so the server can serve the very same bytes as a file.
 *   3. For each of the two URLs: --clients closed-loop clients for --seconds (after 5 s of warm-up), counting
 *      answers per second and their latency.
 * Loopback only; every loop is bounded in count and time.
 */

import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

public class StatusLoad {

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            opt.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        String url = opt.get("url");
        if (url == null || !opt.containsKey("admin-key") || !opt.containsKey("static-dir")) {
            System.err.println("usage: --url http://127.0.0.1:PORT --admin-key KEY --static-dir DIR");
            System.exit(2);
        }
        if (!InetAddress.getByName(URI.create(url).getHost()).isLoopbackAddress()) {
            System.err.println("refusing a non-loopback target: " + url);
            System.exit(2);
        }
        int clients = Math.min(Integer.parseInt(opt.getOrDefault("clients", "32")), 256);
        long seconds = Math.min(Long.parseLong(opt.getOrDefault("seconds", "20")), 300);
        int incidents = Math.min(Integer.parseInt(opt.getOrDefault("incidents", "20")), 1000);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        String key = opt.get("admin-key");

        for (int i = 0; i < incidents; i++) {
            String body = post(http, url + "/api/v1/incidents", key, """
                    {"title":"Past incident %d: elevated error rates","service":"component-%d","severity":"P1"}"""
                    .formatted(i, i % 50));
            String id = body.replaceAll("(?s).*?\"id\":(\\d+).*", "$1");
            post(http, url + "/api/v1/incidents/" + id + "/updates", key,
                    "{\"message\":\"We have identified the cause and are rolling back.\",\"status\":\"identified\"}");
            post(http, url + "/api/v1/incidents/" + id + "/resolve", key, "{\"resolution\":\"Rolled back; errors are back to normal.\"}");
        }
        String html = http.send(HttpRequest.newBuilder(URI.create(url + "/status")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Files.writeString(Path.of(opt.get("static-dir"), "status-copy.html"), html);
        System.out.printf(Locale.ROOT, "== /status is %d bytes with %d incidents in its history%n", html.length(),
                html.split("class=\"incident past\"", -1).length - 1);

        double[] dynamic = load(http, url + "/status", clients, seconds);
        double[] ceiling = load(http, url + "/status-copy.html", clients, seconds);
        System.out.println();
        System.out.println("| url | clients | requests/s | p50 | p99 | errors |");
        System.out.println("|---|---|---|---|---|---|");
        row("/status", clients, dynamic);
        row("/status-copy.html (static file)", clients, ceiling);
        System.out.printf(Locale.ROOT, "%n/status reaches %.0f %% of the static ceiling%n", 100 * dynamic[0] / ceiling[0]);
    }

    static void row(String name, int clients, double[] r) {
        System.out.printf(Locale.ROOT, "| %s | %d | %.0f | %.1f ms | %.1f ms | %.0f |%n", name, clients, r[0], r[1], r[2], r[3]);
    }

    static String post(HttpClient http, String url, String key, String json) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    /** Closed loop: each client sends its next request when the last answer arrived. Returns rps, p50, p99, errors. */
    static double[] load(HttpClient http, String url, int clients, long seconds) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build();
        long warmupEnd = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        long end = warmupEnd + Duration.ofSeconds(seconds).toNanos();
        AtomicLong errors = new AtomicLong();
        List<List<Long>> latencies = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            List<Long> mine = new ArrayList<>();
            latencies.add(mine);
            Thread t = new Thread(() -> {
                while (System.nanoTime() < end) {
                    long start = System.nanoTime();
                    try {
                        HttpResponse<byte[]> r = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
                        if (r.statusCode() != 200) {
                            errors.incrementAndGet();
                        }
                    } catch (Exception e) {
                        errors.incrementAndGet();
                    }
                    if (start >= warmupEnd) {
                        mine.add(System.nanoTime() - start);
                    }
                }
            });
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            t.join(Duration.ofSeconds(seconds + 30).toMillis());
        }
        List<Long> all = new ArrayList<>();
        latencies.forEach(all::addAll);
        Collections.sort(all);
        double rps = all.size() / (double) seconds;
        return new double[] {rps, pct(all, 50) / 1e6, pct(all, 99) / 1e6, errors.get()};
    }

    static double pct(List<Long> sorted, double p) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
    }
}
