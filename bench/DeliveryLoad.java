/*
 * Alert-in to message-delivered latency: an event POSTed to /v2/enqueue opens an incident, whose "opened" message
 * goes through the outbox to a webhook; the time from the POST to the webhook's arrival at our own receiver.
 *
 *   java bench/DeliveryLoad.java --url http://127.0.0.1:8080 --sink-port 9099 [--events 1200] [--rate 20]
 *        [--warmup 100]
 *
 * Single file, JDK only, run by bench/run-delivery.sh against a throw-away server with bench/delivery-config.yml.
 *   1. Listens on 127.0.0.1:--sink-port as the webhook receiver (the config points the channel there).
 *   2. Sends --warmup events, then --events events at a steady --rate per second, each a new incident.
 *   3. Waits (bounded, 30 s) for every message, matching each to its event by the incident title, and reports
 *      latency = arrival at the receiver - start of the POST as p50/p90/p99/max over the measured events.
 * Loopback only; every loop is bounded in count and time. Exit 1 if a message did not arrive.
 */

import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.sun.net.httpserver.HttpServer;

public class DeliveryLoad {

    static final String KEY = "bench-delivery-key-00001";
    static final Pattern TITLE = Pattern.compile("\"title\":\"dl-(\\d+)\"");

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            opt.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        String url = opt.get("url");
        if (url == null || !opt.containsKey("sink-port")) {
            System.err.println("usage: --url http://127.0.0.1:PORT --sink-port PORT [--events N] [--rate R] [--warmup N]");
            System.exit(2);
        }
        if (!InetAddress.getByName(URI.create(url).getHost()).isLoopbackAddress()) {
            System.err.println("refusing a non-loopback target: " + url);
            System.exit(2);
        }
        int sinkPort = Integer.parseInt(opt.get("sink-port"));
        int events = Math.min(Integer.parseInt(opt.getOrDefault("events", "1200")), 100_000);
        double rate = Double.parseDouble(opt.getOrDefault("rate", "20"));
        int warmup = Math.min(Integer.parseInt(opt.getOrDefault("warmup", "100")), 10_000);

        Map<Integer, Long> sentAt = new ConcurrentHashMap<>();
        Map<Integer, Long> arrivedAt = new ConcurrentHashMap<>();
        HttpServer sink = HttpServer.create(new InetSocketAddress("127.0.0.1", sinkPort), 200);
        sink.setExecutor(Executors.newFixedThreadPool(8));
        sink.createContext("/hook", exchange -> {
            long now = System.nanoTime();
            String body;
            try (InputStream in = exchange.getRequestBody()) {
                body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            Matcher m = TITLE.matcher(body);
            while (m.find()) {
                arrivedAt.putIfAbsent(Integer.parseInt(m.group(1)), now);
            }
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        sink.start();

        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        String run = Long.toString(System.currentTimeMillis(), 36);
        int total = warmup + events;
        long periodNanos = (long) (1_000_000_000L / rate);
        long start = System.nanoTime();
        long deadline = start + Duration.ofSeconds((long) (total / rate) + 60).toNanos();
        int failures = 0;
        for (int i = 0; i < total && System.nanoTime() < deadline; i++) {
            long due = start + i * periodNanos;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
            String body = """
                    {"routing_key":"%s","event_action":"trigger","dedup_key":"dl-%s-%d",
                     "payload":{"summary":"dl-%d","source":"bench","severity":"critical"}}""".formatted(KEY, run, i, i);
            sentAt.put(i, System.nanoTime());
            HttpResponse<Void> r = client.send(HttpRequest.newBuilder(URI.create(url + "/v2/enqueue"))
                    .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.discarding());
            if (r.statusCode() != 202) {
                failures++;
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long waitUntil = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (arrivedAt.size() < sentAt.size() && System.nanoTime() < waitUntil) {
            Thread.sleep(50);
        }
        sink.stop(0);

        List<Double> millis = new ArrayList<>();
        int missing = 0;
        for (int i = warmup; i < total; i++) {
            Long s = sentAt.get(i);
            Long a = arrivedAt.get(i);
            if (s == null || a == null) {
                missing++;
            } else {
                millis.add((a - s) / 1e6);
            }
        }
        Collections.sort(millis);
        System.out.println();
        System.out.println("| events | rate (/s) | sent in (s) | rejected | missing | p50 (ms) | p90 (ms) | p99 (ms) | max (ms) |");
        System.out.println("|---|---|---|---|---|---|---|---|---|");
        System.out.printf(Locale.ROOT, "| %d (+%d warm-up) | %.0f | %.1f | %d | %d | %.1f | %.1f | %.1f | %.1f |%n",
                events, warmup, rate, seconds, failures, missing, pct(millis, 50), pct(millis, 90), pct(millis, 99),
                millis.isEmpty() ? Double.NaN : millis.get(millis.size() - 1));
        System.exit(missing > 0 || failures > 0 ? 1 : 0);
    }

    static double pct(List<Double> sorted, double p) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
    }
}
