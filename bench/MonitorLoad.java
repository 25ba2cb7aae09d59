/*
 * Monitor scheduling at scale: N HTTP monitors at a fixed interval against a stub server on loopback, measured at
 * the stub: how many checks arrive per second, and how late each arrives against its own schedule.
 *
 *   java bench/MonitorLoad.java --stub-port 9100 --url http://127.0.0.1:8080 --monitors 10000 --interval 30
 *        [--warmup 60] [--measure 120]
 *
 * Single file, JDK only, run by bench/run-monitors.sh, which writes a configuration with --monitors monitors, each
 * GET http://127.0.0.1:<stub-port>/m/<i> every --interval seconds, and starts a throw-away Tocsin on it.
 *   1. Serves the stub (204, no body) and records the arrival of every check per monitor.
 *   2. Waits for Tocsin to be healthy, lets --warmup seconds pass (first checks are spread over one interval),
 *      then measures for --measure seconds, sampling Tocsin's CPU and heap from /actuator/prometheus every 5 s.
 *   3. Lateness of a check = its arrival - (the monitor's first arrival in the window + k x interval): drift from
 *      the monitor's own fixed-rate schedule, HTTP time included. Reports checks/s, lateness p50/p99/max, monitors
 *      never checked, CPU and heap.
 * Loopback only; every loop is bounded in count and time.
 */

import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.sun.net.httpserver.HttpServer;

public class MonitorLoad {

    static final Pattern CPU = Pattern.compile("(?m)^process_cpu_usage(?:\\{[^}]*\\})? ([0-9.eE+-]+)");
    static final Pattern HEAP = Pattern.compile("(?m)^jvm_memory_used_bytes\\{[^}]*area=\"heap\"[^}]*\\} ([0-9.eE+-]+)");

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            opt.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        String url = opt.get("url");
        if (url == null || !opt.containsKey("stub-port")) {
            System.err.println("usage: --stub-port PORT --url http://127.0.0.1:PORT [--monitors N] [--interval S]");
            System.exit(2);
        }
        if (!InetAddress.getByName(URI.create(url).getHost()).isLoopbackAddress()) {
            System.err.println("refusing a non-loopback target: " + url);
            System.exit(2);
        }
        int monitors = Math.min(Integer.parseInt(opt.getOrDefault("monitors", "10000")), 200_000);
        long intervalMs = Long.parseLong(opt.getOrDefault("interval", "30")) * 1000;
        long warmupMs = Long.parseLong(opt.getOrDefault("warmup", "60")) * 1000;
        long measureMs = Math.min(Long.parseLong(opt.getOrDefault("measure", "120")) * 1000, 1_800_000);

        long t0 = System.nanoTime();
        AtomicLong windowStart = new AtomicLong(Long.MAX_VALUE);
        AtomicLong windowEnd = new AtomicLong(Long.MAX_VALUE);
        Map<Integer, ConcurrentLinkedQueue<Long>> arrivals = new ConcurrentHashMap<>();
        HttpServer stub = HttpServer.create(new InetSocketAddress("127.0.0.1", Integer.parseInt(opt.get("stub-port"))), 1024);
        stub.setExecutor(Executors.newFixedThreadPool(8));
        stub.createContext("/m/", exchange -> {
            long now = System.nanoTime();
            try (InputStream in = exchange.getRequestBody()) {
                in.readAllBytes();
            }
            if (now >= windowStart.get() && now < windowEnd.get()) {
                int id = Integer.parseInt(exchange.getRequestURI().getPath().substring(3));
                arrivals.computeIfAbsent(id, k -> new ConcurrentLinkedQueue<>()).add(now);
            }
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        stub.start();
        System.out.println("== stub listening; waiting for Tocsin at " + url);

        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long healthyBy = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        boolean healthy = false;
        while (!healthy && System.nanoTime() < healthyBy) {
            try {
                healthy = client.send(HttpRequest.newBuilder(URI.create(url + "/health")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
            } catch (Exception notYet) {
                // starting
            }
            if (!healthy) {
                Thread.sleep(500);
            }
        }
        if (!healthy) {
            System.err.println("!! Tocsin did not become healthy within 180 s");
            stub.stop(0);
            System.exit(1);
        }
        System.out.println("== Tocsin healthy; warming up " + warmupMs / 1000 + " s, then measuring " + measureMs / 1000 + " s");
        Thread.sleep(warmupMs);
        windowStart.set(System.nanoTime());
        windowEnd.set(System.nanoTime() + measureMs * 1_000_000);
        List<Double> cpu = new ArrayList<>();
        List<Double> heap = new ArrayList<>();
        while (System.nanoTime() < windowEnd.get()) {
            Thread.sleep(5000);
            try {
                String metrics = client.send(HttpRequest.newBuilder(URI.create(url + "/actuator/prometheus")).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                Matcher c = CPU.matcher(metrics);
                if (c.find()) {
                    cpu.add(Double.parseDouble(c.group(1)));
                }
                Matcher h = HEAP.matcher(metrics);
                double used = 0;
                while (h.find()) {
                    used += Double.parseDouble(h.group(1));
                }
                heap.add(used);
            } catch (Exception ignored) {
                // a missed sample
            }
        }
        Thread.sleep(200);
        stub.stop(0);

        List<Double> lateness = new ArrayList<>();
        long checks = 0;
        for (ConcurrentLinkedQueue<Long> q : arrivals.values()) {
            List<Long> times = new ArrayList<>(q);
            Collections.sort(times);
            checks += times.size();
            for (int k = 1; k < times.size(); k++) {
                double late = (times.get(k) - times.get(0)) / 1e6 - k * intervalMs;
                lateness.add(Math.abs(late));
            }
        }
        Collections.sort(lateness);
        double seconds = measureMs / 1000.0;
        double expected = monitors * (measureMs / (double) intervalMs);
        System.out.println();
        System.out.println("| monitors | interval | target checks/s | measured checks/s | lateness p50 | p99 | max | never checked | Tocsin CPU (avg, of 2 cores) | heap used (max) |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|");
        System.out.printf(Locale.ROOT, "| %d | %d s | %.0f | %.0f | %.0f ms | %.0f ms | %.0f ms | %d | %.0f %% | %.0f MB |%n",
                monitors, intervalMs / 1000, monitors * 1000.0 / intervalMs, checks / seconds, pct(lateness, 50),
                pct(lateness, 99), lateness.isEmpty() ? Double.NaN : lateness.get(lateness.size() - 1),
                monitors - arrivals.size(), cpu.stream().mapToDouble(d -> d).average().orElse(Double.NaN) * 100,
                heap.stream().mapToDouble(d -> d).max().orElse(Double.NaN) / 1e6);
        System.out.printf(Locale.ROOT, "(expected %.0f checks in the window, received %d)%n", expected, checks);
        System.exit(0);
    }

    static double pct(List<Double> sorted, double p) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
    }
}
