/*
 * Seeds a large database for the reads benchmark: a year of incidents written by Tocsin itself, through its own
 * intake, with a clock the seeder turns.
 *
 *   java -cp "EXTRACTED/lib/*:EXTRACTED/tocsin.jar" bench/ReadsSeed.java --data-dir DIR --config bench/reads-config.yml
 *        [--incidents 50000] [--alerts-per-incident 6] [--open 300] [--long-timeline 3000] [--days 365] [--minutes 10]
 *
 * Run by bench/run-reads.sh. Starts Tocsin in this JVM (the application's classes from the extracted jar) on DIR with a
 * clock of its own, bound to 127.0.0.1, engine and monitors off, delivery on to a receiver in this JVM, then:
 *   1. --incidents Alertmanager notifications over the last --days days, sent in rounds of 64 by 16 threads: each a
 *      group of --alerts-per-incident firing alerts (one incident, its alerts; for a P0 an outbox message), resolved
 *      later by the same group resolved (the alerts, the incident, a second message). A round's incidents open over
 *      the first half of its share of the year and resolve over the second half. No new round starts after --minutes
 *      minutes: the database then holds fewer incidents, as the summary line says. Then --open more over the last
 *      day, left open; every fifth of those is acknowledged.
 *   2. One open incident with --long-timeline notes.
 *   3. Waits until the outbox has nothing pending, then stops Tocsin: the database is what a year of use leaves.
 * Loopback only; counts are capped and every wait is bounded (the seeding gives up after 40 minutes).
 */

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import com.sun.net.httpserver.HttpServer;
import dev.tocsin.TocsinApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

public class ReadsSeed {

    static final String ADMIN_KEY = "bench-reads-admin-key-0000000000000001";
    static final String[] SERVICES = {"checkout-api", "discord-bot", "tocsin", "data-sync", "search-api"};
    static final String[] KEYS = {"bench-reads-checkout-0001", "bench-reads-discord-00001", "bench-reads-tocsin-000001",
            "bench-reads-datasync-0001", "bench-reads-search-000001"};
    static final String[] SEVERITIES = {"critical", "error", "warning", "warning", "info"};
    static final long DEADLINE = System.nanoTime() + Duration.ofMinutes(40).toNanos();

    /**
     * The node's clock, never the wall's: within a phase it moves on by a quantum at every reading, up to the phase's
     * end, so that the incidents of one round open (and resolve) at different times, in the order they are written.
     * The quantum is re-estimated after each phase from how often the node read the clock.
     */
    static final class SeedClock extends Clock {
        private final AtomicLong readings = new AtomicLong();
        private volatile long fromNanos;
        private volatile long toNanos;
        /** Readings per phase, by kind of phase (firing, resolving, other): the last one of each kind. */
        private final long[] readingsOfKind = {2000, 2000, 2000};
        private int kind = 2;
        private volatile long quantumNanos = 1_000_000;

        SeedClock(Instant at) {
            phase(2, at, at);
        }

        /** Time runs from {@code from} to at most {@code to} until the next phase. */
        void phase(int nextKind, Instant from, Instant to) {
            long readingsBefore = readings.getAndSet(0);
            if (readingsBefore > 0) {
                readingsOfKind[kind] = readingsBefore;
            }
            kind = nextKind;
            long span = nanos(to) - nanos(from);
            quantumNanos = Math.max(1, span / readingsOfKind[kind]);
            fromNanos = nanos(from);
            toNanos = nanos(to);
        }

        private static long nanos(Instant i) {
            return i.getEpochSecond() * 1_000_000_000L + i.getNano();
        }

        @Override
        public Instant instant() {
            long t = Math.min(toNanos, fromNanos + readings.incrementAndGet() * quantumNanos);
            return Instant.ofEpochSecond(Math.floorDiv(t, 1_000_000_000L), Math.floorMod(t, 1_000_000_000L));
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opt = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            opt.put(args[i].replaceFirst("^--", ""), args[i + 1]);
        }
        if (!opt.containsKey("data-dir") || !opt.containsKey("config")) {
            System.err.println("usage: --data-dir DIR --config FILE [--incidents N] [--alerts-per-incident N] [--open N]");
            System.exit(2);
        }
        int incidents = Math.min(Integer.parseInt(opt.getOrDefault("incidents", "50000")), 200_000);
        int alertsPer = Math.min(Integer.parseInt(opt.getOrDefault("alerts-per-incident", "6")), 50);
        int open = Math.min(Integer.parseInt(opt.getOrDefault("open", "300")), incidents);
        int longTimeline = Math.min(Integer.parseInt(opt.getOrDefault("long-timeline", "3000")), 20_000);
        int days = Math.min(Integer.parseInt(opt.getOrDefault("days", "365")), 3650);
        int minutes = Math.min(Integer.parseInt(opt.getOrDefault("minutes", "10")), 30);
        long sendUntil = System.nanoTime() + Duration.ofMinutes(minutes).toNanos();

        AtomicLong received = new AtomicLong();
        HttpServer sink = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        sink.createContext("/hook", exchange -> {
            exchange.getRequestBody().readAllBytes();
            received.incrementAndGet();
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        sink.setExecutor(Executors.newFixedThreadPool(4));
        sink.start();

        // The year ends now: the last incidents are today's, so "open" ones are recent and the status page's 90 days
        // hold a quarter of them.
        Instant end = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        Instant start = end.minus(Duration.ofDays(days));
        SeedClock clock = new SeedClock(start);
        ConfigurableApplicationContext node = new SpringApplicationBuilder(TocsinApplication.class)
                .initializers(ctx -> ctx.getBeanFactory().registerSingleton("seedClock", clock))
                .properties("BENCH_SINK_PORT=" + sink.getAddress().getPort())
                .run("--server.port=0", "--server.address=127.0.0.1", "--tocsin.data-dir=" + opt.get("data-dir"),
                        "--tocsin.config=" + opt.get("config"), "--tocsin.admin-key=" + ADMIN_KEY,
                        "--tocsin.engine.enabled=false", "--tocsin.monitors.enabled=false",
                        "--logging.level.root=WARN");
        int port = ((WebServerApplicationContext) node).getWebServer().getPort();
        String base = "http://127.0.0.1:" + port;
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        long began = System.nanoTime();
        try {
            Duration step = Duration.ofDays(days).dividedBy(incidents);
            int round = 64;
            ExecutorService senders = Executors.newFixedThreadPool(16);
            int resolved = incidents - open;
            int sent = 0;
            for (int first = 0; first < resolved; first += round) {
                if (System.nanoTime() > sendUntil) {
                    System.out.printf(Locale.ROOT, "   stopped sending after %d minutes: --minutes%n", minutes);
                    break;
                }
                int last = Math.min(resolved, first + round);
                // A round's incidents open over the first half of its time and resolve over the second half.
                Instant roundAt = start.plus(step.multipliedBy(first));
                Duration half = step.multipliedBy(last - first).dividedBy(2);
                clock.phase(0, roundAt, roundAt.plus(half));
                send(senders, http, base, first, last, alertsPer, "firing");
                clock.phase(1, roundAt.plus(half), roundAt.plus(half).plus(half));
                send(senders, http, base, first, last, alertsPer, "resolved");
                sent = last;
                if ((first / round) % 100 == 0) {
                    System.out.printf(Locale.ROOT, "   %,d incidents sent, %.0f s%n", last, (System.nanoTime() - began) / 1e9);
                }
            }
            // The open ones are the last day's.
            clock.phase(0, end.minus(Duration.ofDays(1)), end);
            send(senders, http, base, resolved, incidents, alertsPer, "firing");
            sent += open;
            clock.phase(2, end, end.plus(Duration.ofHours(1)));
            senders.shutdown();
            List<Long> openIds = openIncidents(http, base);
            for (int k = 0; k < openIds.size(); k += 5) {
                post(http, base + "/api/v1/incidents/" + openIds.get(k) + "/acknowledge", "{}");
            }
            long busy = openIds.get(openIds.size() / 2);
            for (int n = 0; n < longTimeline; n++) {
                checkDeadline();
                post(http, base + "/api/v1/incidents/" + busy + "/notes",
                        "{\"text\":\"Note %d: still looking at the connection pool; nothing new yet.\"}".formatted(n));
            }
            while (pending(http, base)) {
                checkDeadline();
                Thread.sleep(500);
            }
            System.out.printf(Locale.ROOT, "== seeded %,d incidents (%,d open; #%d has %,d notes), %,d alerts, %,d messages"
                            + " delivered, in %.0f s%n", sent, openIds.size(), busy, longTimeline, (long) sent * alertsPer,
                    received.get(), (System.nanoTime() - began) / 1e9);
            System.out.println("LONG_TIMELINE_INCIDENT=" + busy);
        } finally {
            node.close();
            sink.stop(0);
            System.exit(0);
        }
    }

    /** One Alertmanager notification per incident of [first, last): a group of alerts, all firing or all resolved. */
    static void send(ExecutorService senders, HttpClient http, String base, int first, int last, int alertsPer,
                     String status) throws Exception {
        List<Future<?>> sent = new ArrayList<>();
        for (int i = first; i < last; i++) {
            int incident = i;
            sent.add(senders.submit(() -> {
                int service = incident % SERVICES.length;
                StringBuilder alerts = new StringBuilder();
                for (int a = 0; a < alertsPer; a++) {
                    if (a > 0) {
                        alerts.append(',');
                    }
                    alerts.append("""
                            {"status":"%s","fingerprint":"i%d-a%d","labels":{"alertname":"HighErrorRate","instance":"node-%d",\
                            "severity":"%s","region":"eu-west-%d"},"annotations":{"summary":"Error rate above 5%% on node-%d",\
                            "description":"5xx responses above 5%% for 5 minutes; see the service dashboard."}}"""
                            .formatted(status, incident, a, a, SEVERITIES[(incident / 5) % SEVERITIES.length], incident % 3, a));
                }
                String body = """
                        {"version":"4","groupKey":"{}:{alertname=\\"HighErrorRate\\",group=\\"%d\\"}","status":"%s",\
                        "groupLabels":{"alertname":"HighErrorRate"},"commonLabels":{"alertname":"HighErrorRate"},\
                        "commonAnnotations":{},"alerts":[%s]}""".formatted(incident, status, alerts);
                String answer = post(http, base + "/api/v1/integrations/alertmanager/" + KEYS[service], body);
                if (!answer.contains("\"success\"")) {
                    throw new IllegalStateException("not accepted: " + answer);
                }
                return null;
            }));
        }
        for (Future<?> f : sent) {
            f.get();
        }
    }

    static List<Long> openIncidents(HttpClient http, String base) throws Exception {
        List<Long> ids = new ArrayList<>();
        Long before = null;
        do {
            String json = get(http, base + "/api/v1/incidents?status=open&limit=500" + (before == null ? "" : "&before=" + before));
            for (var m : java.util.regex.Pattern.compile("\\{\"id\":(\\d+)").matcher(json).results().toList()) {
                ids.add(Long.parseLong(m.group(1)));
            }
            String next = json.replaceAll("(?s).*\"next_before\":(null|\\d+).*", "$1");
            before = "null".equals(next) ? null : Long.parseLong(next);
        } while (before != null && ids.size() < 100_000);
        return ids;
    }

    static boolean pending(HttpClient http, String base) throws Exception {
        return get(http, base + "/api/v1/outbox?status=pending&limit=1").contains("\"id\"");
    }

    static void checkDeadline() {
        if (System.nanoTime() > DEADLINE) {
            throw new IllegalStateException("seeding took more than 40 minutes");
        }
    }

    static String get(HttpClient http, String url) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + ADMIN_KEY).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException(url + " answered " + r.statusCode() + ": " + r.body());
        }
        return r.body();
    }

    static String post(HttpClient http, String url, String json) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + ADMIN_KEY).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) {
            throw new IllegalStateException(url + " answered " + r.statusCode() + ": " + r.body());
        }
        return r.body();
    }
}
