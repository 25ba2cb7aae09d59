/*
 * Read latencies on a large database: what a team's reads cost after a year of use.
 *
 *   java bench/ReadsLoad.java --url http://127.0.0.1:8080 --admin-key KEY --long-incident ID
 *        [--requests 40] [--only REGEX]
 *
 * Single file, JDK only, run by bench/run-reads.sh against a throw-away server on the database bench/ReadsSeed.java
 * left (a year of incidents; ID is the incident with thousands of timeline entries). For each read: 3 warm-up
 * requests, then --requests requests one after the other (one client: the latency of one read on an idle server, not
 * a throughput), at most 60 s per read; prints p50, p99 and the largest answer. The status page is read twice: as
 * visitors mostly get it (built at most every 10 s), and right after an incident's status update, when it is rebuilt. The audit verification walks the whole
 * chain, so it runs 3 times, while the server's heap is sampled from /actuator/prometheus.
 * Loopback only; every loop is bounded in count and time.
 */

import java.net.CookieManager;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

public class ReadsLoad {

    /** A read; with {@code afterAChange}, each request follows a status update, after which no cached page may be shown. */
    record Read(String name, String path, boolean api, boolean afterAChange) {
        Read(String name, String path, boolean api) {
            this(name, path, api, false);
        }
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            opt.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        String url = opt.get("url");
        if (url == null || !opt.containsKey("admin-key") || !opt.containsKey("long-incident")) {
            System.err.println("usage: --url http://127.0.0.1:PORT --admin-key KEY --long-incident ID");
            System.exit(2);
        }
        if (!InetAddress.getByName(URI.create(url).getHost()).isLoopbackAddress()) {
            System.err.println("refusing a non-loopback target: " + url);
            System.exit(2);
        }
        int requests = Math.max(1, Math.min(Integer.parseInt(opt.getOrDefault("requests", "40")), 1000));
        String only = opt.get("only");
        String key = opt.get("admin-key");
        long incident = Long.parseLong(opt.get("long-incident"));
        HttpClient api = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpClient browser = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
                .cookieHandler(new CookieManager()).followRedirects(HttpClient.Redirect.NEVER).build();
        signIn(browser, url);

        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        String dayAgo30 = now.minus(Duration.ofDays(30)).toString();
        String dayAgo29 = now.minus(Duration.ofDays(29)).toString();
        String dayAgo200 = now.minus(Duration.ofDays(200)).toString();
        String dayAgo170 = now.minus(Duration.ofDays(170)).toString();
        long newest = Long.parseLong(first(get(api, url + "/api/v1/incidents?limit=1", key).body(), "\"id\":(\\d+)"));
        long deep = Math.max(2, newest / 50);
        List<Read> reads = List.of(
                new Read("incidents, newest 50", "/api/v1/incidents", true),
                new Read("incidents, status=open", "/api/v1/incidents?status=open", true),
                new Read("incidents, status=triggered", "/api/v1/incidents?status=triggered", true),
                new Read("incidents, status=resolved", "/api/v1/incidents?status=resolved", true),
                new Read("incidents, service", "/api/v1/incidents?service=checkout-api", true),
                new Read("incidents, severity", "/api/v1/incidents?severity=P1", true),
                new Read("incidents, one day 30 days ago", "/api/v1/incidents?since=" + dayAgo30 + "&until=" + dayAgo29, true),
                new Read("incidents, a month 200 days ago", "/api/v1/incidents?since=" + dayAgo200 + "&until=" + dayAgo170 + "&limit=500", true),
                new Read("incidents, page near the oldest", "/api/v1/incidents?before=" + deep, true),
                new Read("incidents, status=resolved, page near the oldest", "/api/v1/incidents?status=resolved&before=" + deep, true),
                new Read("incidents, service + severity, near the oldest", "/api/v1/incidents?service=tocsin&severity=P3&before=" + deep, true),
                new Read("incidents, severity=P3, status=open", "/api/v1/incidents?severity=P3&status=open", true),
                new Read("incident (long timeline)", "/api/v1/incidents/" + incident, true),
                new Read("incident timeline, first 500", "/api/v1/incidents/" + incident + "/timeline", true),
                new Read("incident escalation", "/api/v1/incidents/" + incident + "/escalation", true),
                new Read("alerts, newest 50", "/api/v1/alerts", true),
                new Read("alerts, status=triggered", "/api/v1/alerts?status=triggered", true),
                new Read("alerts, of one incident", "/api/v1/alerts?incident=" + incident, true),
                new Read("alerts, service", "/api/v1/alerts?service=search-api", true),
                new Read("outbox, newest 50", "/api/v1/outbox", true),
                new Read("outbox, of one incident", "/api/v1/outbox?incident=" + deep, true),
                new Read("outbox, status=failed", "/api/v1/outbox?status=failed", true),
                new Read("audit events, a page mid-chain", "/api/v1/audit/events?after=" + newest * 5 + "&limit=500", true),
                new Read("on-call now", "/api/v1/oncall", true),
                new Read("schedule shifts", "/api/v1/schedules/platform/shifts", true),
                new Read("user calendar (ics)", "/api/v1/users/ana/shifts.ics", true),
                new Read("services", "/api/v1/services", true),
                new Read("health, deep", "/api/health/deep", false),
                new Read("Prometheus scrape", "/actuator/prometheus", true),
                new Read("status page", "/status", false),
                new Read("status page, rebuilt after an incident's update", "/status", false, true),
                new Read("status RSS", "/status/feed.rss", false),
                new Read("status Atom", "/status/feed.atom", false),
                new Read("status summary.json", "/status/summary.json", false),
                new Read("UI dashboard", "/dashboard", false),
                new Read("UI incidents list", "/ui/incidents", false),
                new Read("UI incidents list, resolved", "/ui/incidents?status=resolved", false),
                new Read("UI incident page (long timeline)", "/incidents/" + incident, false),
                new Read("UI service page", "/ui/services/checkout-api", false),
                new Read("UI services", "/ui/services", false),
                new Read("UI schedules", "/ui/schedules", false));

        System.out.printf(Locale.ROOT, "== %d requests per read after 3 warm-up, one client; newest incident #%d%n%n",
                requests, newest);
        System.out.println("| read | p50 | p99 | max | bytes |");
        System.out.println("|---|---:|---:|---:|---:|");
        for (Read read : reads) {
            if (only != null && !Pattern.compile(only).matcher(read.name()).find()) {
                continue;
            }
            HttpClient client = read.path().startsWith("/status") || read.api() ? api : browser;
            List<Long> took = new ArrayList<>();
            long bytes = 0;
            long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            for (int n = 0; n < requests + 3 && System.nanoTime() < until; n++) {
                if (read.afterAChange()) {
                    post(api, url + "/api/v1/incidents/" + incident + "/updates", key,
                            "{\"message\":\"Still investigating the connection pool (" + n + ").\"}");
                }
                long start = System.nanoTime();
                HttpResponse<byte[]> r = client.send(request(url + read.path(), read.api() ? key : null),
                        HttpResponse.BodyHandlers.ofByteArray());
                long elapsed = System.nanoTime() - start;
                if (r.statusCode() != 200) {
                    throw new IllegalStateException(read.path() + " answered " + r.statusCode() + ": "
                            + new String(r.body(), StandardCharsets.UTF_8));
                }
                bytes = Math.max(bytes, r.body().length);
                if (n >= 3) {
                    took.add(elapsed);
                }
            }
            row(read.name() + " `" + read.path().replaceAll("\\d{4}-\\d\\d-\\d\\dT[\\d:]+Z", "…") + "`", took, bytes);
        }
        if (only == null || Pattern.compile(only).matcher("audit verify").find()) {
            verify(api, url, key);
        }
    }

    /** Walks the chain three times while sampling the server's heap: it must stream, so the heap must not grow with the chain. */
    static void verify(HttpClient api, String url, String key) throws Exception {
        AtomicLong maxHeap = new AtomicLong();
        long before = heapUsed(api, url, key);
        Thread sampler = new Thread(() -> {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    maxHeap.accumulateAndGet(heapUsed(api, url, key), Math::max);
                    Thread.sleep(200);
                }
            } catch (Exception stopped) {
                // interrupted: done sampling
            }
        });
        sampler.setDaemon(true);
        sampler.start();
        List<Long> took = new ArrayList<>();
        String body = "";
        for (int n = 0; n < 3; n++) {
            long start = System.nanoTime();
            HttpResponse<String> r = api.send(HttpRequest.newBuilder(URI.create(url + "/api/v1/audit/verify"))
                    .timeout(Duration.ofMinutes(5)).header("Authorization", "Bearer " + key).build(),
                    HttpResponse.BodyHandlers.ofString());
            took.add(System.nanoTime() - start);
            body = r.body();
        }
        sampler.interrupt();
        sampler.join(2000);
        row("audit verify `/api/v1/audit/verify` (3 runs)", took, body.length());
        System.out.printf(Locale.ROOT, "%n== audit verify: %s; heap used %d MB before, at most %d MB while verifying%n",
                body.length() > 200 ? body.substring(0, 200) : body, before >> 20, maxHeap.get() >> 20);
    }

    static long heapUsed(HttpClient api, String url, String key) throws Exception {
        String text = get(api, url + "/actuator/prometheus", key).body();
        long sum = 0;
        for (String line : text.split("\n")) {
            if (line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\"")) {
                sum += (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    static void row(String name, List<Long> took, long bytes) {
        Collections.sort(took);
        System.out.printf(Locale.ROOT, "| %s | %.1f ms | %.1f ms | %.1f ms | %,d |%n", name, pct(took, 50) / 1e6,
                pct(took, 99) / 1e6, took.isEmpty() ? Double.NaN : took.get(took.size() - 1) / 1e6, bytes);
    }

    static HttpRequest request(String url, String key) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60));
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        return b.build();
    }

    static void post(HttpClient http, String url, String key, String json) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + key).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) {
            throw new IllegalStateException(url + " answered " + r.statusCode() + ": " + r.body());
        }
    }

    static HttpResponse<String> get(HttpClient http, String url, String key) throws Exception {
        return http.send(request(url, key), HttpResponse.BodyHandlers.ofString());
    }

    static void signIn(HttpClient browser, String url) throws Exception {
        String login = browser.send(HttpRequest.newBuilder(URI.create(url + "/login")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        String token = first(login, "name=\"_csrf\" value=\"([^\"]+)\"");
        HttpResponse<String> r = browser.send(HttpRequest.newBuilder(URI.create(url + "/login"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("username=ana&password="
                        + URLEncoder.encode("tocsin-demo", StandardCharsets.UTF_8) + "&_csrf=" + token)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 302 || !r.headers().firstValue("Location").orElse("").endsWith("/dashboard")) {
            throw new IllegalStateException("could not sign in as ana: " + r.statusCode());
        }
    }

    static String first(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        if (!m.find()) {
            throw new IllegalStateException("not found: " + regex);
        }
        return m.group(1);
    }

    static double pct(List<Long> sorted, double p) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
    }
}
