/*
 * Escalation timer lateness: how long after a level's delay runs out the next level is actually paged, while
 * many other timers are pending.
 *
 *   java bench/EscalationLoad.java --url http://127.0.0.1:8080 --admin-key SECRET [--pending 10000]
 *        [--probes 600] [--probe-rate 10] [--delay-seconds 30]
 *
 * Single file, JDK only, run by bench/run-escalation.sh against a throw-away server with bench/escalation-config.yml.
 *   1. Opens --pending incidents on service "backlog" (policy delay 1 h): each leaves an escalation timer and a
 *      response-target timer pending for the whole run.
 *   2. Opens --probes incidents on service "probe" (policy delay 30 s) at --probe-rate per second.
 *   3. Waits for the last probe's delay to pass (bounded), then reads each probe incident's pages and reports
 *      lateness = paged_at(level 2) - paged_at(level 1) - delay as p50/p90/p99/max; a probe without a level-2
 *      page counts as missing. Both times are taken by the server's clock.
 * Loopback only; every loop is bounded in count and time. Exit 1 if a probe is missing its level-2 page.
 */

import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

public class EscalationLoad {

    static final String BACKLOG_KEY = "bench-backlog-key-000001";
    static final String PROBE_KEY = "bench-probe-key-00000001";
    static final Pattern INCIDENT_ID = Pattern.compile("\"incident_id\":(\\d+)");
    static final Pattern PAGED_AT = Pattern.compile("\"paged_at\":\"([^\"]+)\"");

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            opt.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        String url = opt.get("url");
        String adminKey = opt.get("admin-key");
        if (url == null || adminKey == null) {
            System.err.println("usage: --url http://127.0.0.1:PORT --admin-key KEY [--pending N] [--probes N] [--probe-rate R]");
            System.exit(2);
        }
        if (!InetAddress.getByName(URI.create(url).getHost()).isLoopbackAddress()) {
            System.err.println("refusing a non-loopback target: " + url);
            System.exit(2);
        }
        int pending = Integer.parseInt(opt.getOrDefault("pending", "10000"));
        int probes = Integer.parseInt(opt.getOrDefault("probes", "600"));
        double probeRate = Double.parseDouble(opt.getOrDefault("probe-rate", "10"));
        long delaySeconds = Long.parseLong(opt.getOrDefault("delay-seconds", "30"));
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

        Instant start = Instant.now();
        Semaphore inFlight = new Semaphore(32);
        List<CompletableFuture<HttpResponse<String>>> sends = new ArrayList<>();
        for (int i = 0; i < pending; i++) {
            inFlight.acquire();
            sends.add(http.sendAsync(trigger(url, BACKLOG_KEY, "backlog-" + i), HttpResponse.BodyHandlers.ofString())
                    .whenComplete((r, e) -> inFlight.release()));
        }
        long refused = sends.stream().map(CompletableFuture::join).filter(r -> r.statusCode() != 202).count();
        System.out.printf(Locale.ROOT, "opened %,d backlog incidents in %.1f s (%d refused)%n", pending,
                Duration.between(start, Instant.now()).toMillis() / 1000.0, refused);

        long intervalNanos = (long) (1_000_000_000L / probeRate);
        long t0 = System.nanoTime();
        for (int i = 0; i < probes; i++) {
            long wait = t0 + i * intervalNanos - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            }
            HttpResponse<String> r = http.send(trigger(url, PROBE_KEY, "probe-" + i), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 202) {
                throw new IllegalStateException("probe " + i + " refused: " + r.statusCode() + " " + r.body());
            }
        }
        System.out.printf(Locale.ROOT, "sent %d probes at %.1f/s; waiting %d s for the last delay to pass%n", probes,
                probeRate, delaySeconds + 5);
        Thread.sleep((delaySeconds + 5) * 1000);

        List<Double> latenessMs = new ArrayList<>();
        int missing = 0;
        Instant readDeadline = Instant.now().plusSeconds(120);
        for (int i = 0; i < probes && Instant.now().isBefore(readDeadline); i++) {
            String alerts = get(http, url + "/api/v1/alerts?dedup_key=probe-" + i, adminKey);
            Matcher id = INCIDENT_ID.matcher(alerts);
            if (!id.find()) {
                missing++;
                continue;
            }
            Matcher paged = PAGED_AT.matcher(get(http, url + "/api/v1/incidents/" + id.group(1) + "/escalation", adminKey));
            List<Instant> times = new ArrayList<>();
            while (paged.find()) {
                times.add(Instant.parse(paged.group(1)));
            }
            if (times.size() < 2) {
                missing++;
                continue;
            }
            latenessMs.add(Duration.between(times.get(0).plusSeconds(delaySeconds), times.get(1)).toNanos() / 1e6);
        }
        Collections.sort(latenessMs);
        System.out.println();
        System.out.println("| pending timers | probes | probe rate | lateness p50 | p90 | p99 | max | missing |");
        System.out.println("|---:|---:|---:|---:|---:|---:|---:|---:|");
        System.out.printf(Locale.ROOT, "| %,d | %d | %.0f/s | %.0f ms | %.0f ms | %.0f ms | %.0f ms | %d |%n",
                pending * 2, latenessMs.size(), probeRate, pct(latenessMs, 50), pct(latenessMs, 90), pct(latenessMs, 99),
                latenessMs.isEmpty() ? Double.NaN : latenessMs.get(latenessMs.size() - 1), missing);
        System.out.printf(Locale.ROOT, "target p99 < 1000 ms: %s%n", pct(latenessMs, 99) < 1000 ? "met" : "NOT met");
        System.exit(missing == 0 ? 0 : 1);
    }

    static HttpRequest trigger(String url, String key, String dedup) {
        String body = """
                {"routing_key":"%s","event_action":"trigger","dedup_key":"%s",
                 "payload":{"summary":"escalation benchmark","source":"bench","severity":"error"}}""".formatted(key, dedup);
        return HttpRequest.newBuilder(URI.create(url + "/v2/enqueue")).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    static String get(HttpClient http, String uri, String key) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(uri)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + key).GET().build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    static double pct(List<Double> sorted, int p) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }
}
