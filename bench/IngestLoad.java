/*
 * Load harness for Tocsin's alert intake, POST /v2/enqueue (PagerDuty Events API v2).
 *
 *   java bench/IngestLoad.java --url http://127.0.0.1:8080 --admin-key SECRET [options]
 *
 * Single file, JDK only, Java 17 source launcher. bench/run-ingest.sh starts a throw-away server and runs this
 * against it; see docs/performance.md for the figures it produced.
 *
 * What it does:
 *   1. Closed-loop load: --concurrency worker threads, each with one persistent HTTP/1.1 keep-alive connection
 *      (a plain blocking java.net.Socket), send one event, read the answer, send the next. Bounded by
 *      --max-events and --max-seconds (whichever comes first, warm-up included); the target must be a loopback
 *      address. Why not java.net.http: the target is measured "loader included" on a 2-core machine, so the
 *      loader's own CPU per request counts against it, and HttpClient.sendAsync cost ~0.15 ms of CPU per
 *      request (0.3 of a core at 2,000 requests/s: selector thread, executor hand-offs, CompletableFutures).
 *      The hand-written client (Worker, below: request bytes built in a reused buffer, one write, a small
 *      response parser that handles Content-Length, chunked and Connection: close) costs a few tens of
 *      microseconds. java.net.http still does everything off the hot path: preflight, metrics, verification.
 *      With --rate R it is an open loop instead: events are due on a fixed schedule of R a second, each worker
 *      takes the next slot when it is free, and latency counts from the slot's due time, so a stall shows in every
 *      event queued behind it (a closed loop would just send less meanwhile).
 *   2. A realistic mix: ~60% triggers that open a new alert (mostly new dedup keys, a few keys that were
 *      resolved earlier and now fire again), ~25% repeats of open keys, ~15% resolves of open keys.
 *      Open alerts then pile up (45% of events open one for good); --max-open N keeps at most N open by sending
 *      a resolve where a new trigger was due, as a live system's alerts resolve.
 *      The loader keeps its own book of every key, so it knows what the server must hold afterwards.
 *   3. Statistics exclude the first --warmup-seconds (JIT, connection set-up, H2 page cache).
 *   4. Verification: for every event answered 202 the server must hold its timeline entry
 *      (alert.triggered / alert.repeated / alert.resolved). It pages the whole ledger through
 *      /api/v1/audit/events, counts entries per dedup key and compares with the book; then checks the
 *      hash chain (/api/v1/audit/verify) and cross-checks a sample of keys against /api/v1/alerts.
 *
 * Exit status: 0 = every 202'd event was found and the chain verifies; 1 = loss, surplus or mismatch;
 * 2 = bad usage or the server could not be reached. Whether the throughput/latency target was met is printed,
 * not turned into the exit status (a slow machine is not a correctness failure).
 */

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

public class IngestLoad {

    /** The integration keys of bench/bench-config.yml: one per service, so the load spreads over services. */
    static final List<String> DEFAULT_ROUTING_KEYS = List.of("bench-checkout-key-000001", "bench-discord-key-0000001",
            "bench-datasync-key-000001", "bench-search-key-00000001");

    // The three timeline kinds that an accepted /v2/enqueue event appends (acknowledge is not in the mix).
    static final String COMMON_POOL_PARALLELISM = "java.util.concurrent.ForkJoinPool.common.parallelism";
    static final String TRIGGERED = "alert.triggered";
    static final String REPEATED = "alert.repeated";
    static final String RESOLVED = "alert.resolved";

    // ---------------------------------------------------------------------------------------------------
    // Options
    // ---------------------------------------------------------------------------------------------------

    static final class Options {
        URI url = URI.create("http://127.0.0.1:8080");
        String adminKey = System.getenv("TOCSIN_ADMIN_KEY");
        List<String> routingKeys = DEFAULT_ROUTING_KEYS;
        int concurrency = 64;
        /** Events a second offered on a fixed schedule (an open loop); 0 = closed loop, each answer sends the next. */
        double rate = 0;
        // Defaults: 30 s of warm-up, then 30 s measured. On two cores the server's JIT needs ~45 s of load to
        // reach steady state (C2 competes with the server and the loader for the same cores), so a 5 s warm-up
        // would mostly measure compilation. 300,000 events = 60 s at 5,000 events/s, the target.
        long maxEvents = 300_000;
        double maxSeconds = 60;
        double warmupSeconds = 30;
        int newPct = 60;
        int repeatPct = 25;
        int resolvePct = 15;
        /** Share of "new alert" triggers that reuse a key resolved earlier (a trigger after a resolve = new alert). */
        int reopenPct = 10;
        /**
         * At most this many alerts open at once, 0 for no bound. At the bound a new trigger is sent as a resolve of an
         * open alert instead, so that triggers and resolves balance, as they do in a live system.
         */
        int maxOpen = 0;
        int requestTimeoutMs = 10_000;
        /** Threads of the java.net.http client used off the hot path (preflight, metrics, verification). */
        int clientThreads = 2;
        boolean verify = true;
        int sampleAlerts = 200;
        long seed = System.nanoTime();
        /** Optional: the server's pid, to report its CPU use next to the loader's (Linux /proc). */
        long serverPid = -1;
        /** Optional: a database server's main process (PostgreSQL's postmaster), whose CPU counts with its children's. */
        long databasePid = -1;
        double targetEventsPerSecond = 5000;
        double targetP99Ms = 50;

        static Options parse(String[] args) {
            Options o = new Options();
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (a.equals("-h") || a.equals("--help")) {
                    usage(null);
                }
                if (!a.startsWith("--")) {
                    usage("unexpected argument '" + a + "'");
                }
                String name = a;
                String value;
                int eq = a.indexOf('=');
                if (eq > 0) {
                    name = a.substring(0, eq);
                    value = a.substring(eq + 1);
                } else if (name.equals("--no-verify")) {
                    value = "";
                } else {
                    if (i + 1 >= args.length) {
                        usage(a + " needs a value");
                    }
                    value = args[++i];
                }
                try {
                    switch (name) {
                        case "--url" -> o.url = URI.create(value.endsWith("/") ? value.substring(0, value.length() - 1) : value);
                        case "--admin-key" -> o.adminKey = value;
                        case "--routing-keys" -> o.routingKeys = List.of(value.split(","));
                        case "--concurrency" -> o.concurrency = Integer.parseInt(value);
                        case "--rate" -> o.rate = Double.parseDouble(value);
                        case "--max-events" -> o.maxEvents = Long.parseLong(value.replace("_", ""));
                        case "--max-seconds" -> o.maxSeconds = Double.parseDouble(value);
                        case "--warmup-seconds" -> o.warmupSeconds = Double.parseDouble(value);
                        case "--mix" -> {
                            String[] p = value.split(",");
                            if (p.length != 3) {
                                usage("--mix is NEW,REPEAT,RESOLVE percentages, e.g. 60,25,15");
                            }
                            o.newPct = Integer.parseInt(p[0].trim());
                            o.repeatPct = Integer.parseInt(p[1].trim());
                            o.resolvePct = Integer.parseInt(p[2].trim());
                        }
                        case "--reopen-percent" -> o.reopenPct = Integer.parseInt(value);
                        case "--max-open" -> o.maxOpen = Integer.parseInt(value.replace("_", ""));
                        case "--request-timeout-ms" -> o.requestTimeoutMs = Integer.parseInt(value);
                        case "--client-threads" -> o.clientThreads = Integer.parseInt(value);
                        case "--no-verify" -> o.verify = false;
                        case "--sample-alerts" -> o.sampleAlerts = Integer.parseInt(value);
                        case "--seed" -> o.seed = Long.parseLong(value);
                        case "--server-pid" -> o.serverPid = Long.parseLong(value);
                        case "--database-pid" -> o.databasePid = Long.parseLong(value);
                        case "--target-events-per-second" -> o.targetEventsPerSecond = Double.parseDouble(value);
                        case "--target-p99-ms" -> o.targetP99Ms = Double.parseDouble(value);
                        default -> usage("unknown option " + name);
                    }
                } catch (NumberFormatException e) {
                    usage(name + ": not a number: '" + value + "'");
                }
            }
            if (o.concurrency < 1 || o.concurrency > 1024) {
                usage("--concurrency must be 1..1024");
            }
            if (o.rate < 0 || o.rate > 1_000_000) {
                usage("--rate must be 0 (closed loop) up to 1000000 events/s");
            }
            if (o.maxEvents < 1) {
                usage("--max-events must be positive");
            }
            if (o.maxSeconds <= 0 || o.maxSeconds > 3600) {
                usage("--max-seconds must be in (0, 3600]");
            }
            if (o.warmupSeconds < 0 || o.warmupSeconds >= o.maxSeconds) {
                usage("--warmup-seconds must be >= 0 and below --max-seconds");
            }
            if (o.newPct < 0 || o.repeatPct < 0 || o.resolvePct < 0 || o.newPct + o.repeatPct + o.resolvePct != 100) {
                usage("--mix percentages must be non-negative and add up to 100");
            }
            if (o.maxOpen < 0) {
                usage("--max-open must be 0 (no bound) or positive");
            }
            if (o.newPct == 0) {
                usage("--mix needs some new triggers: repeats and resolves act on keys that new triggers opened");
            }
            if (o.verify && (o.adminKey == null || o.adminKey.isBlank())) {
                usage("verification reads the audit API: pass --admin-key or set TOCSIN_ADMIN_KEY (or --no-verify)");
            }
            return o;
        }

        static void usage(String error) {
            if (error != null) {
                System.err.println("IngestLoad: " + error);
            }
            System.err.println("""
                    usage: java bench/IngestLoad.java [options]
                      --url URL                   Tocsin base URL, loopback only (default http://127.0.0.1:8080)
                      --admin-key KEY             read-scope key for verification (default $TOCSIN_ADMIN_KEY)
                      --routing-keys K1,K2,...    integration keys to spread events over (default: bench-config.yml's)
                      --concurrency N             requests in flight = loader threads, one keep-alive
                                                  connection each (default 64); with --rate, the most
                                                  requests that can be in flight at once
                      --rate R                    open loop: send R events/s on a fixed schedule, whatever
                                                  the answers; latency counts from each event's scheduled
                                                  time, so a slow answer also delays the events queued
                                                  behind it (default 0: closed loop)
                      --max-events N              stop after N events, warm-up included (default 300000)
                      --max-seconds S             stop after S seconds, warm-up included (default 60)
                      --warmup-seconds S          leading seconds excluded from statistics (default 30)
                      --mix NEW,REPEAT,RESOLVE    action mix in percent (default 60,25,15)
                      --reopen-percent P          share of new-alert triggers reusing a resolved key (default 10)
                      --max-open N                at most N alerts open at once: at N, a new trigger is sent
                                                  as a resolve of an open alert instead (default 0: no bound)
                      --request-timeout-ms MS     per-request timeout: socket read timeout of the load
                                                  connections (default 10000)
                      --client-threads N          threads of the java.net.http client used for the health
                                                  check, metrics and verification, not the load (default 2)
                      --no-verify                 skip the no-loss check
                      --sample-alerts N           keys cross-checked against /api/v1/alerts (default 200)
                      --seed N                    random seed for the action mix
                      --server-pid PID            report the server's CPU use too (Linux)
                      --database-pid PID          and a database server's, with its child processes (Linux)
                      --target-events-per-second  target to report against (default 5000)
                      --target-p99-ms             target to report against (default 50)""");
            System.exit(2);
        }
    }

    // ---------------------------------------------------------------------------------------------------
    // The loader's book of keys: what the server must hold after the run
    // ---------------------------------------------------------------------------------------------------

    enum Action { NEW, REOPEN, REPEAT, RESOLVE }

    static final class Key {
        final String dedupKey;
        final int service;          // index into routingKeys: repeats/resolves must use the same integration key
        final int template;         // which alert "kind" it is, so repeats read like the first trigger
        boolean open;               // the server holds an open alert for it
        int expectedEntries;        // alert.triggered + alert.repeated + alert.resolved the server must have
        int alertsCreated;          // triggers that created an alert (first trigger and re-triggers after a resolve)
        int currentCount;           // event_count of the newest alert
        boolean uncertain;          // some answer was neither 202 nor 429: the server may or may not hold it
        int actualEntries;          // filled in by verification
        int pool = -1;              // index in the idle pool it sits in, -1 = busy or out of play

        Key(String dedupKey, int service, int template) {
            this.dedupKey = dedupKey;
            this.service = service;
            this.template = template;
        }
    }

    /** One planned request: which key, which action, and whether it counts towards statistics. */
    record Planned(Action action, Key key, boolean measured) {
    }

    /**
     * A list from which a random element can be taken in O(1) (swap with the last). Keys in a pool are idle:
     * no request for them is in flight. Only idle keys are picked, so the requests for one key are strictly
     * sequential and the loader's expectation does not depend on the order in which the server sees them.
     */
    static final class Pool {
        private final ArrayList<Key> keys = new ArrayList<>();

        void add(Key k) {
            k.pool = keys.size();
            keys.add(k);
        }

        Key takeRandom(Random r) {
            if (keys.isEmpty()) {
                return null;
            }
            int i = r.nextInt(keys.size());
            Key k = keys.get(i);
            Key last = keys.remove(keys.size() - 1);
            if (last != k) {
                keys.set(i, last);
                last.pool = i;
            }
            k.pool = -1;
            return k;
        }

        int size() {
            return keys.size();
        }
    }

    static final class Book {
        private final Options o;
        private final Random random;
        private final String runId;
        private final Pool idleOpen = new Pool();
        private final Pool idleResolved = new Pool();
        final Map<String, Key> byDedupKey = new HashMap<>();
        private final long deadlineNanos;
        private final long warmupEndNanos;
        private long planned;
        private long fallbacks;       // repeat/resolve wanted but no idle open key: sent a new trigger instead
        private long heldOpen;        // trigger wanted but --max-open alerts open: sent a resolve instead
        /** Alerts open on the server or about to be: a trigger in flight counts, a resolve in flight does not. */
        private long open;
        final long[] plannedByAction = new long[Action.values().length];
        volatile boolean stopped;

        Book(Options o, long startNanos) {
            this.o = o;
            this.random = new Random(o.seed);
            // Dedup keys are unique per run, so a rerun against the same data dir cannot be confused with this one.
            this.runId = Long.toString(System.currentTimeMillis(), 36);
            this.deadlineNanos = startNanos + (long) (o.maxSeconds * 1e9);
            this.warmupEndNanos = startNanos + (long) (o.warmupSeconds * 1e9);
        }

        /** The next request, or null when a bound (count or time) is reached. */
        synchronized Planned plan() {
            long now = System.nanoTime();
            if (stopped || planned >= o.maxEvents || now >= deadlineNanos) {
                stopped = true;
                return null;
            }
            planned++;
            int roll = random.nextInt(100);
            Action action;
            Key key = null;
            if (roll >= o.newPct) {
                action = roll < o.newPct + o.repeatPct ? Action.REPEAT : Action.RESOLVE;
                key = idleOpen.takeRandom(random);
                if (key == null) {
                    fallbacks++;
                    action = Action.NEW;
                }
            } else {
                action = Action.NEW;
            }
            if (action == Action.NEW && o.maxOpen > 0 && open >= o.maxOpen) {
                key = idleOpen.takeRandom(random);
                if (key != null) {
                    heldOpen++;
                    action = Action.RESOLVE;
                }
            }
            if (action == Action.NEW && random.nextInt(100) < o.reopenPct) {
                key = idleResolved.takeRandom(random);
                if (key != null) {
                    action = Action.REOPEN;
                }
            }
            if (action == Action.NEW) {
                long n = byDedupKey.size();
                int service = (int) (n % o.routingKeys.size());
                key = new Key("bench-" + runId + "-" + service + "-" + n, service, random.nextInt(TEMPLATES.length));
                byDedupKey.put(key.dedupKey, key);
            }
            plannedByAction[action.ordinal()]++;
            open += opens(action);
            return new Planned(action, key, now >= warmupEndNanos);
        }

        /** Applies the answer to the book and puts the key back into play. */
        synchronized void complete(Planned p, int status) {
            Key k = p.key();
            if (status == 202) {
                k.expectedEntries++;
                switch (p.action()) {
                    case NEW, REOPEN -> {
                        k.open = true;
                        k.alertsCreated++;
                        k.currentCount = 1;
                    }
                    case REPEAT -> k.currentCount++;
                    case RESOLVE -> k.open = false;
                }
            } else if (status != 429) {
                // Timeout, connection error, 5xx...: the event may or may not have been committed. Such a key
                // is taken out of play and out of the loss check (it is counted and reported instead).
                k.uncertain = true;
                return;
            } else {
                // 429 means "not taken": nothing changed on the server, so the key goes back as it was.
                open -= opens(p.action());
            }
            if (k.alertsCreated == 0) {
                return; // a brand-new key whose first trigger was throttled: never existed on the server
            }
            (k.open ? idleOpen : idleResolved).add(k);
        }

        private static int opens(Action action) {
            return switch (action) {
                case NEW, REOPEN -> 1;
                case RESOLVE -> -1;
                case REPEAT -> 0;
            };
        }

        synchronized int openKeys() {
            int n = 0;
            for (Key k : byDedupKey.values()) {
                n += k.open && !k.uncertain ? 1 : 0;
            }
            return n;
        }
    }

    // ---------------------------------------------------------------------------------------------------
    // Event bodies
    // ---------------------------------------------------------------------------------------------------

    /** Alert kinds a small SaaS sees; %d is filled with a measurement. Checkout's "payment" hits a routing rule. */
    static final String[][] TEMPLATES = {
            // summary, component, group, class
            {"High 5xx rate on %s: %d%% of requests over 5m", "ingress", "web", "http_errors"},
            {"p99 latency above SLO on %s: %d ms", "api", "web", "latency"},
            {"Disk usage %2$d%% on %1$s data volume", "disk", "storage", "capacity"},
            {"Payment provider timeouts on %s: %d in 5m", "payments", "checkout", "dependency"},
            {"Consumer lag growing on %s queue: %d messages", "worker", "queues", "lag"},
            {"Pod crash-looping in %s: %d restarts in 10m", "kubernetes", "platform", "availability"},
            {"TLS certificate for %s expires in %d days", "tls", "edge", "expiry"},
            {"Error budget burn on %s: %dx over 1h", "slo", "web", "slo_burn"},
    };
    static final String[] SERVICES = {"checkout-api", "discord-bot", "data-sync", "search-api"};
    static final String[] SEVERITIES = {"critical", "error", "error", "error", "warning", "warning", "warning", "info"};
    static final String[] REGIONS = {"eu-west-1", "us-east-1", "ap-southeast-2"};

    static String body(Options o, Planned p) {
        Key k = p.key();
        String routingKey = o.routingKeys.get(k.service);
        StringBuilder b = new StringBuilder(640);
        b.append("{\"routing_key\":").append(quote(routingKey));
        if (p.action() == Action.RESOLVE) {
            // As PagerDuty senders do: a resolve names the key, no payload.
            b.append(",\"event_action\":\"resolve\",\"dedup_key\":").append(quote(k.dedupKey)).append('}');
            return b.toString();
        }
        ThreadLocalRandom r = ThreadLocalRandom.current();
        String[] t = TEMPLATES[k.template];
        String service = SERVICES[k.service % SERVICES.length];
        String host = "ip-10-0-" + r.nextInt(8) + "-" + r.nextInt(1, 250) + ".prod.internal";
        // 1 in 20 alerts comes from staging: the config's "staging is never paged" rule suppresses the incident.
        String env = Math.floorMod(k.dedupKey.hashCode(), 20) == 0 ? "staging" : "prod";
        b.append(",\"event_action\":\"trigger\",\"dedup_key\":").append(quote(k.dedupKey))
                .append(",\"client\":\"Prometheus Alertmanager\",\"client_url\":\"http://alertmanager.internal:9093\"")
                .append(",\"payload\":{\"summary\":").append(quote(String.format(Locale.ROOT, t[0], service, r.nextInt(2, 100))))
                .append(",\"source\":").append(quote(host))
                .append(",\"severity\":").append(quote(SEVERITIES[r.nextInt(SEVERITIES.length)]))
                .append(",\"component\":").append(quote(t[1]))
                .append(",\"group\":").append(quote(t[2]))
                .append(",\"class\":").append(quote(t[3]))
                .append(",\"custom_details\":{\"env\":").append(quote(env))
                .append(",\"region\":").append(quote(REGIONS[k.service % REGIONS.length]))
                .append(",\"value\":").append(r.nextInt(1000))
                .append(",\"runbook\":").append(quote("https://runbooks.internal/" + t[3]))
                .append("}}}");
        return b.toString();
    }

    static String quote(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }

    // ---------------------------------------------------------------------------------------------------
    // Per-worker statistics (no sharing on the hot path; merged at the end)
    // ---------------------------------------------------------------------------------------------------

    static final class Stats {
        long[] latencies = new long[4096];  // nanoseconds, 202 answers in the measured window only
        int n;
        long ok;          // 202
        long throttled;   // 429
        long other;       // any other status
        long failed;      // no answer: timeout or I/O error
        long badBody;     // 202 whose dedup_key is not the one sent
        long firstStart = Long.MAX_VALUE;
        long lastEnd = Long.MIN_VALUE;

        void record(long start, long end, int status) {
            firstStart = Math.min(firstStart, start);
            lastEnd = Math.max(lastEnd, end);
            switch (status) {
                case 202 -> {
                    ok++;
                    if (n == latencies.length) {
                        latencies = Arrays.copyOf(latencies, n * 2);
                    }
                    latencies[n++] = end - start;
                }
                case 429 -> throttled++;
                case -1 -> failed++;
                default -> other++;
            }
        }

        void add(Stats s) {
            if (n + s.n > latencies.length) {
                latencies = Arrays.copyOf(latencies, n + s.n);
            }
            System.arraycopy(s.latencies, 0, latencies, n, s.n);
            n += s.n;
            ok += s.ok;
            throttled += s.throttled;
            other += s.other;
            failed += s.failed;
            badBody += s.badBody;
            firstStart = Math.min(firstStart, s.firstStart);
            lastEnd = Math.max(lastEnd, s.lastEnd);
        }

        long total() {
            return ok + throttled + other + failed;
        }
    }

    /** Nearest-rank percentile of a sorted array, in milliseconds. */
    static double percentileMs(long[] sorted, int n, double pct) {
        if (n == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(pct / 100.0 * n);
        return sorted[Math.max(0, Math.min(n - 1, rank - 1))] / 1e6;
    }

    // ---------------------------------------------------------------------------------------------------
    // Main
    // ---------------------------------------------------------------------------------------------------

    public static void main(String[] args) throws Exception {
        // The load itself no longer goes through java.net.http (see Worker), but the preflight, metrics and
        // verification requests do. java.net.http hands async completions to CompletableFuture's default
        // executor; with fewer than 3 CPUs the common pool has parallelism 1 and CompletableFuture then starts a
        // new thread per task. When the load ran on sendAsync that was a thread per response and the loader ate
        // most of a core; off the hot path it hardly matters, but the setting is kept (run-ingest.sh passes it
        // too). Must be set before anything touches ForkJoinPool.
        if (System.getProperty(COMMON_POOL_PARALLELISM) == null) {
            System.setProperty(COMMON_POOL_PARALLELISM, "2");
        }
        Options o = Options.parse(args);
        requireLoopback(o.url);
        // The load connections go to the same host and port as --url (already checked to be loopback).
        InetSocketAddress target = new InetSocketAddress(InetAddress.getByName(o.url.getHost()),
                o.url.getPort() >= 0 ? o.url.getPort() : 80);

        ExecutorService callbacks = Executors.newFixedThreadPool(o.clientThreads, r -> {
            Thread t = new Thread(r, "loader-callbacks");
            t.setDaemon(true);
            return t;
        });
        HttpClient client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)   // what alert senders use; skips the h2c upgrade dance
                .connectTimeout(Duration.ofSeconds(5))
                .executor(callbacks)
                .build();

        // Preflight: the server is up (run-ingest.sh has waited for it; a hand-started run may not have).
        try {
            int health = get(client, o, "/health", false).statusCode();
            if (health != 200) {
                System.err.println("IngestLoad: GET " + o.url + "/health answered " + health);
                System.exit(2);
            }
        } catch (IOException e) {
            System.err.println("IngestLoad: cannot reach " + o.url + "/health: " + e);
            System.exit(2);
        }

        System.out.printf(Locale.ROOT, "IngestLoad: %s, %s, bound %d events / %.0f s (first %.0f s warm-up), "
                        + "mix new/repeat/resolve %d/%d/%d, %s, %d routing keys, seed %d%n",
                o.url, o.rate > 0
                        ? String.format(Locale.ROOT, "open loop at %,.0f events/s, up to %d in flight", o.rate,
                                o.concurrency)
                        : o.concurrency + " in flight",
                o.maxEvents, o.maxSeconds, o.warmupSeconds, o.newPct, o.repeatPct, o.resolvePct,
                o.maxOpen > 0 ? String.format(Locale.ROOT, "at most %,d open", o.maxOpen) : "open alerts unbounded",
                o.routingKeys.size(), o.seed);

        long start = System.nanoTime();
        Book book = new Book(o, start);
        Stats[] stats = new Stats[o.concurrency];
        Stats[] warmStats = new Stats[o.concurrency];
        AtomicLong completed = new AtomicLong();
        AtomicLong accepted = new AtomicLong();
        Schedule schedule = o.rate > 0 ? new Schedule(start, start + (long) (o.warmupSeconds * 1e9), o.rate) : null;
        CountDownLatch done = new CountDownLatch(o.concurrency);
        // "Host: host:port" as written in --url (an IPv6 literal keeps its brackets).
        byte[] requestHead = ("POST /v2/enqueue HTTP/1.1\r\nHost: " + o.url.getHost() + ":" + target.getPort()
                + "\r\nContent-Type: application/json\r\nContent-Length: ").getBytes(StandardCharsets.US_ASCII);

        // Closed loop: --concurrency worker threads, each with one keep-alive connection and one request in
        // flight. Daemon threads, so System.exit (report, or the give-up bound below) ends them wherever they are.
        for (int w = 0; w < o.concurrency; w++) {
            Worker worker = new Worker(o, book, target, requestHead, stats[w] = new Stats(), warmStats[w] = new Stats(),
                    completed, accepted, done, schedule);
            Thread t = new Thread(worker, "loader-" + w);
            t.setDaemon(true);
            t.start();
        }

        // Progress every 5 s on stderr, so a stuck run is visible; resource snapshots at the warm-up boundary.
        long warmupEnd = start + (long) (o.warmupSeconds * 1e9);
        Resources atWarmupEnd = null;
        Map<String, Double> metricsAtWarmupEnd = Map.of();
        long lastPrint = start;
        long lastAccepted = 0;
        // Hard stop: no request outlives the load bound by more than its timeout; past that something is stuck.
        long giveUp = start + (long) (o.maxSeconds * 1e9) + TimeUnit.MILLISECONDS.toNanos(o.requestTimeoutMs) + 15_000_000_000L;
        while (!done.await(200, TimeUnit.MILLISECONDS)) {
            long now = System.nanoTime();
            if (now > giveUp) {
                System.err.println("IngestLoad: requests still unanswered well past the time bound; giving up");
                System.exit(2);
            }
            if (atWarmupEnd == null && now >= warmupEnd) {
                atWarmupEnd = Resources.now(o);
                metricsAtWarmupEnd = scrapeMetrics(client, o);
            }
            if (now - lastPrint >= 5_000_000_000L) {
                long acc = accepted.get();
                System.err.printf(Locale.ROOT, "  %5.1f s  sent %,d  202s %,d  (%,.0f/s over the last %.0f s)%n",
                        (now - start) / 1e9, completed.get(), acc, (acc - lastAccepted) / ((now - lastPrint) / 1e9),
                        (now - lastPrint) / 1e9);
                lastPrint = now;
                lastAccepted = acc;
            }
        }
        Resources atEnd = Resources.now(o);
        Map<String, Double> metricsAtEnd = scrapeMetrics(client, o);
        if (atWarmupEnd == null) {
            atWarmupEnd = Resources.now(o); // the run ended inside the warm-up
        }

        Stats m = new Stats();
        Stats warm = new Stats();
        for (int w = 0; w < o.concurrency; w++) {
            m.add(stats[w]);
            warm.add(warmStats[w]);
        }
        Arrays.sort(m.latencies, 0, m.n);
        // The measured window runs from the end of the warm-up to the last measured answer.
        double seconds = m.total() == 0 ? Double.NaN : (m.lastEnd - Math.max(warmupEnd, start)) / 1e9;
        double eventsPerSecond = m.ok / seconds;
        double p50 = percentileMs(m.latencies, m.n, 50);
        double p90 = percentileMs(m.latencies, m.n, 90);
        double p99 = percentileMs(m.latencies, m.n, 99);
        double max = m.n == 0 ? Double.NaN : m.latencies[m.n - 1] / 1e6;
        double wallSeconds = (atEnd.nanos - atWarmupEnd.nanos) / 1e9;

        // ---- Verification ----
        Verification v = o.verify ? verify(client, o, book) : null;

        // ---- Report ----
        long sent = m.total() + warm.total();
        System.out.println();
        System.out.println("Results (measured window excludes the warm-up; latency = send to 202, client side)");
        row("events sent (total, incl. warm-up)", String.format(Locale.ROOT, "%,d  (warm-up %,d)", sent, warm.total()));
        row("mix sent new/reopen/repeat/resolve", String.format(Locale.ROOT, "%,d / %,d / %,d / %,d",
                book.plannedByAction[Action.NEW.ordinal()], book.plannedByAction[Action.REOPEN.ordinal()],
                book.plannedByAction[Action.REPEAT.ordinal()], book.plannedByAction[Action.RESOLVE.ordinal()])
                + (book.fallbacks > 0 ? String.format(Locale.ROOT, "  (%,d repeat/resolve became new: no idle open key)", book.fallbacks) : "")
                + (book.heldOpen > 0 ? String.format(Locale.ROOT, "  (%,d new became resolve: %,d alerts open)", book.heldOpen, o.maxOpen) : ""));
        row("open alerts at the end (loader's book)", String.format(Locale.ROOT, "%,d of %,d keys", book.openKeys(),
                book.byDedupKey.size()));
        row("answers 202 / 429 / other / no answer", String.format(Locale.ROOT, "%,d / %,d / %,d / %,d",
                m.ok + warm.ok, m.throttled + warm.throttled, m.other + warm.other, m.failed + warm.failed));
        row("measured window", String.format(Locale.ROOT, "%.1f s, %,d events answered 202", seconds, m.ok));
        row("events/s (202s in measured window)", String.format(Locale.ROOT, "%,.0f", eventsPerSecond));
        row("latency p50 / p90 / p99 / max", String.format(Locale.ROOT, "%.1f / %.1f / %.1f / %.1f ms", p50, p90, p99, max));
        double batches = metricsAtEnd.getOrDefault("tocsin_ingest_batch_size_count", Double.NaN)
                - metricsAtWarmupEnd.getOrDefault("tocsin_ingest_batch_size_count", 0.0);
        double batched = metricsAtEnd.getOrDefault("tocsin_ingest_batch_size_sum", Double.NaN)
                - metricsAtWarmupEnd.getOrDefault("tocsin_ingest_batch_size_sum", 0.0);
        row("group commit (measured window)", String.format(Locale.ROOT, "%,.0f commits, mean %.1f events/commit, max %.0f",
                batches, batched / batches, metricsAtEnd.getOrDefault("tocsin_ingest_batch_size_max", Double.NaN)));
        row("CPU cores used: loader / server" + (o.databasePid > 0 ? " / database" : "") + " (of N)",
                String.format(Locale.ROOT, "%.2f / %s%s (of %d)",
                        (atEnd.loaderCpuNanos - atWarmupEnd.loaderCpuNanos) / 1e9 / wallSeconds,
                        cores(atWarmupEnd.serverCpuTicks, atEnd.serverCpuTicks, wallSeconds),
                        o.databasePid > 0 ? " / " + cores(atWarmupEnd.databaseCpuTicks, atEnd.databaseCpuTicks, wallSeconds) : "",
                        Runtime.getRuntime().availableProcessors()));
        if (atEnd.cpuPressureMicros >= 0 && atWarmupEnd.cpuPressureMicros >= 0) {
            row("CPU pressure (time a task waited for CPU)", String.format(Locale.ROOT, "%.0f%%",
                    (atEnd.cpuPressureMicros - atWarmupEnd.cpuPressureMicros) / 1e4 / wallSeconds));
        }
        if (m.badBody + warm.badBody > 0) {
            row("202s naming a different dedup_key", String.format(Locale.ROOT, "%,d", m.badBody + warm.badBody));
        }
        boolean clean = m.badBody + warm.badBody == 0;
        if (v != null) {
            row("timeline entries read", String.format(Locale.ROOT, "%,d (in %.1f s)", v.entriesRead, v.seconds));
            row("202'd events expected in timeline", String.format(Locale.ROOT, "%,d", v.expected));
            row("lost events (202 but not stored)", String.format(Locale.ROOT, "%,d%s", v.lost, v.lost == 0 ? "" : "  <-- LOSS"));
            row("surplus entries (stored, not 202)", String.format(Locale.ROOT, "%,d", v.surplus));
            row("keys left out (answer not 202/429)", String.format(Locale.ROOT, "%,d", v.uncertainKeys));
            row("alerts API sample mismatches", String.format(Locale.ROOT, "%d of %d keys", v.sampleMismatches, v.sampled));
            row("audit verify", v.chainOk ? "ok (" + String.format(Locale.ROOT, "%,d", v.chainEntries) + " entries)" : "BROKEN: " + v.chainDetail);
            clean &= v.lost == 0 && v.surplus == 0 && v.sampleMismatches == 0 && v.chainOk;
        } else {
            row("lost events", "not checked (--no-verify)");
        }
        boolean targetMet = eventsPerSecond >= o.targetEventsPerSecond && p99 < o.targetP99Ms;
        row("target", String.format(Locale.ROOT, ">= %,.0f events/s and p99 < %.0f ms: %s", o.targetEventsPerSecond,
                o.targetP99Ms, targetMet ? "MET" : "NOT MET"));
        System.out.println(clean ? "RESULT: no loss" + (v == null ? " (not verified)" : "") : "RESULT: FAILED (see above)");
        System.exit(clean ? 0 : 1);
    }

    /**
     * One of the --concurrency closed-loop workers: a platform thread owning one persistent HTTP/1.1 keep-alive
     * connection, with at most one request in flight. A minimal client on purpose (see the top of the file:
     * the loader's CPU counts against the target): the request is built in a reused buffer and written with one
     * write; the answer is parsed straight from a reused read buffer. Still a correct HTTP/1.1 reader: status
     * line, headers (case-insensitive), Content-Length or chunked bodies (or up to the close when neither is
     * given), interim 1xx answers skipped, Connection: close honoured by reconnecting before the next request.
     */
    static final class Worker implements Runnable {
        static final int CONNECT_TIMEOUT_MS = 5_000;
        static final int MAX_LINE = 16 * 1024;
        static final int MAX_BODY = 16 * 1024 * 1024;
        static final byte[] CRLF_CRLF = {'\r', '\n', '\r', '\n'};

        private final Options o;
        private final Book book;
        private final InetSocketAddress target;
        private final byte[] requestHead;     // request line and headers up to "Content-Length: "
        private final Stats measured;
        private final Stats warm;
        private final AtomicLong completed;
        private final AtomicLong accepted;
        private final CountDownLatch done;
        private final Schedule schedule;      // null = closed loop

        private Socket socket;                // null = no connection: connect before the next request
        private InputStream in;
        private OutputStream out;
        private final ByteArrayOutputStream request = new ByteArrayOutputStream(2048);
        private final byte[] buf = new byte[8192];   // read buffer: buf[pos..lim) not yet consumed
        private int pos;
        private int lim;
        private byte[] line = new byte[256];  // current status/header/chunk-size line, without CRLF
        private int lineLen;
        private byte[] body = new byte[1024]; // body of the last answer
        private int bodyLen;
        private boolean closeAfter;           // the last answer asked for (or implied) the end of the connection
        private int connectFailures;

        Worker(Options o, Book book, InetSocketAddress target, byte[] requestHead, Stats measured, Stats warm,
               AtomicLong completed, AtomicLong accepted, CountDownLatch done, Schedule schedule) {
            this.o = o;
            this.book = book;
            this.target = target;
            this.requestHead = requestHead;
            this.measured = measured;
            this.warm = warm;
            this.completed = completed;
            this.accepted = accepted;
            this.done = done;
            this.schedule = schedule;
        }

        @Override
        public void run() {
            try {
                while (true) {
                    // Open loop: wait for the next free slot of the schedule, and count the latency from it.
                    long due = schedule == null ? 0 : schedule.awaitNext();
                    Planned planned;
                    try {
                        planned = book.plan();
                    } catch (RuntimeException e) {
                        e.printStackTrace();
                        planned = null;
                    }
                    if (planned == null) {
                        return;
                    }
                    byte[] payload = body(o, planned).getBytes(StandardCharsets.UTF_8);
                    request.reset();
                    request.write(requestHead, 0, requestHead.length);
                    writeDecimal(request, payload.length);
                    request.write(CRLF_CRLF, 0, CRLF_CRLF.length);
                    request.write(payload, 0, payload.length);

                    long t0 = schedule == null ? System.nanoTime() : due;
                    int status;
                    boolean connecting = socket == null;
                    try {
                        if (connecting) {
                            connect();
                            connecting = false;
                        }
                        request.writeTo(out);
                        out.flush();
                        status = readResponse();
                        if (closeAfter) {
                            closeConnection();
                        }
                    } catch (IOException | RuntimeException e) {
                        // No answer (timeout, refused, reset, malformed answer): the event may or may not be stored.
                        if (e instanceof RuntimeException) {
                            e.printStackTrace(); // a bug in this client, not the server's fault
                        }
                        status = -1;
                        bodyLen = 0;
                        closeConnection();
                    }
                    long t1 = System.nanoTime();

                    try {
                        // A 202 must name the key we sent: catches a server answering for the wrong event.
                        boolean bodyOk = status != 202 || new String(body, 0, bodyLen, StandardCharsets.UTF_8)
                                .contains("\"dedup_key\":\"" + planned.key().dedupKey + "\"");
                        book.complete(planned, status);
                        Stats into = planned.measured() ? measured : warm;
                        into.record(t0, t1, status);
                        if (!bodyOk) {
                            into.badBody++;
                        }
                        completed.incrementAndGet();
                        if (status == 202) {
                            accepted.incrementAndGet();
                        }
                    } catch (RuntimeException e) {
                        // A bug here must not silently stall the run: stop planning, report what we have.
                        e.printStackTrace();
                        book.stopped = true;
                    }

                    if (connecting) {
                        // The server refuses connections: back off (20 ms doubling to 1 s) rather than spin through
                        // the remaining events; the time bound still ends the run.
                        connectFailures++;
                        sleepMillis(Math.min(1000L, 10L << Math.min(connectFailures, 7)));
                    } else {
                        connectFailures = 0;
                    }
                }
            } finally {
                closeConnection();
                done.countDown();
            }
        }

        private void connect() throws IOException {
            Socket s = new Socket();
            try {
                s.setTcpNoDelay(true);
                s.setSoTimeout(o.requestTimeoutMs);
                s.connect(target, CONNECT_TIMEOUT_MS);
                in = s.getInputStream();
                out = new BufferedOutputStream(s.getOutputStream(), 4096);
            } catch (IOException e) {
                s.close();
                throw e;
            }
            socket = s;
            pos = 0;
            lim = 0;
        }

        private void closeConnection() {
            if (socket != null) {
                try {
                    socket.close();
                } catch (IOException e) {
                    // nothing to do
                }
            }
            socket = null;
            in = null;
            out = null;
            pos = 0;
            lim = 0;
        }

        /** Reads one answer into body/bodyLen and sets closeAfter; returns the status code. */
        private int readResponse() throws IOException {
            while (true) {
                bodyLen = 0;
                readLine();
                // "HTTP/1.1 202 Accepted": version, one space, three digits, then a space or the end of the line.
                if (lineLen < 12 || !startsWith("HTTP/1.") || line[8] != ' '
                        || !isDigit(line[9]) || !isDigit(line[10]) || !isDigit(line[11])
                        || (lineLen > 12 && line[12] != ' ')) {
                    throw new IOException("malformed status line: " + lineString(0));
                }
                int status = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
                boolean http10 = line[7] == '0';
                closeAfter = http10;   // HTTP/1.0 closes unless it says keep-alive; 1.1 keeps alive unless "close"
                long contentLength = -1;
                boolean chunked = false;
                boolean otherEncoding = false;
                while (true) {
                    readLine();
                    if (lineLen == 0) {
                        break;
                    }
                    int colon = headerName("content-length");
                    if (colon > 0) {
                        contentLength = parseContentLength(headerValue(colon));
                        continue;
                    }
                    colon = headerName("transfer-encoding");
                    if (colon > 0) {
                        // Only "chunked" as the last coding is framed by chunks; anything else runs to the close.
                        String v = headerValue(colon).toLowerCase(Locale.ROOT);
                        chunked = v.endsWith("chunked");
                        otherEncoding = !chunked;
                        continue;
                    }
                    colon = headerName("connection");
                    if (colon > 0) {
                        String v = headerValue(colon).toLowerCase(Locale.ROOT);
                        if (v.contains("close")) {
                            closeAfter = true;
                        } else if (http10 && v.contains("keep-alive")) {
                            closeAfter = false;
                        }
                    }
                }
                if (status >= 100 && status < 200) {
                    if (status == 101) {
                        throw new IOException("unexpected 101 Switching Protocols");
                    }
                    continue; // interim answer (100 Continue, 103 Early Hints): the real one follows
                }
                if (status == 204 || status == 304) {
                    return status; // never a body
                }
                if (chunked) {
                    readChunkedBody();
                } else if (otherEncoding || contentLength < 0) {
                    readBodyToClose();
                    closeAfter = true;
                } else {
                    readBody(contentLength);
                }
                return status;
            }
        }

        private void readChunkedBody() throws IOException {
            while (true) {
                readLine();
                long size = 0;
                int i = 0;
                int digits = 0;
                for (; i < lineLen; i++) {
                    int d = Character.digit(line[i], 16);
                    if (d < 0) {
                        break;
                    }
                    size = size * 16 + d;
                    if (++digits > 8) {
                        throw new IOException("chunk too large");
                    }
                }
                // After the hex size only whitespace or a chunk extension (";name=value") may follow.
                while (i < lineLen && (line[i] == ' ' || line[i] == '\t')) {
                    i++;
                }
                if (digits == 0 || (i < lineLen && line[i] != ';')) {
                    throw new IOException("malformed chunk size line: " + lineString(0));
                }
                if (size == 0) {
                    do {
                        readLine(); // trailer fields, up to the blank line
                    } while (lineLen != 0);
                    return;
                }
                readBody(size);
                readLine();
                if (lineLen != 0) {
                    throw new IOException("chunk not followed by CRLF");
                }
            }
        }

        /** Appends exactly n bytes of the stream to body. */
        private void readBody(long n) throws IOException {
            if (bodyLen + n > MAX_BODY) {
                throw new IOException("answer body over " + MAX_BODY + " bytes");
            }
            int need = (int) n;
            ensureBody(bodyLen + need);
            while (need > 0) {
                if (pos == lim) {
                    fill();
                }
                int k = Math.min(need, lim - pos);
                System.arraycopy(buf, pos, body, bodyLen, k);
                pos += k;
                bodyLen += k;
                need -= k;
            }
        }

        /** Neither a length nor chunks: the body is everything up to the end of the connection. */
        private void readBodyToClose() throws IOException {
            while (true) {
                if (pos < lim) {
                    int k = lim - pos;
                    if (bodyLen + k > MAX_BODY) {
                        throw new IOException("answer body over " + MAX_BODY + " bytes");
                    }
                    ensureBody(bodyLen + k);
                    System.arraycopy(buf, pos, body, bodyLen, k);
                    bodyLen += k;
                    pos = lim;
                }
                int n = in.read(buf, 0, buf.length);
                if (n < 0) {
                    pos = 0;
                    lim = 0;
                    return;
                }
                pos = 0;
                lim = n;
            }
        }

        /** The next line (up to LF; a CR before it is dropped) into line/lineLen. */
        private void readLine() throws IOException {
            lineLen = 0;
            while (true) {
                if (pos == lim) {
                    fill();
                }
                int start = pos;
                while (pos < lim && buf[pos] != '\n') {
                    pos++;
                }
                int n = pos - start;
                if (lineLen + n > MAX_LINE) {
                    throw new IOException("answer line over " + MAX_LINE + " bytes");
                }
                if (lineLen + n > line.length) {
                    line = Arrays.copyOf(line, Math.max(line.length * 2, lineLen + n));
                }
                System.arraycopy(buf, start, line, lineLen, n);
                lineLen += n;
                if (pos < lim) {
                    pos++; // the LF
                    if (lineLen > 0 && line[lineLen - 1] == '\r') {
                        lineLen--;
                    }
                    return;
                }
            }
        }

        private void fill() throws IOException {
            int n = in.read(buf, 0, buf.length); // blocks up to the socket timeout (SocketTimeoutException)
            if (n < 0) {
                throw new EOFException("connection closed by the server before the answer was complete");
            }
            pos = 0;
            lim = n;
        }

        private void ensureBody(int capacity) {
            if (capacity > body.length) {
                body = Arrays.copyOf(body, Math.max(body.length * 2, capacity));
            }
        }

        /** If the current line is the header lowerName (any case), the index of its colon, else -1. */
        private int headerName(String lowerName) {
            int n = lowerName.length();
            if (lineLen <= n || line[n] != ':') {
                return -1;
            }
            for (int i = 0; i < n; i++) {
                int b = line[i];
                if (b >= 'A' && b <= 'Z') {
                    b += 'a' - 'A';
                }
                if (b != lowerName.charAt(i)) {
                    return -1;
                }
            }
            return n;
        }

        private String headerValue(int colon) {
            return lineString(colon + 1).trim();
        }

        private String lineString(int from) {
            return new String(line, from, lineLen - from, StandardCharsets.ISO_8859_1);
        }

        private boolean startsWith(String ascii) {
            for (int i = 0; i < ascii.length(); i++) {
                if (line[i] != ascii.charAt(i)) {
                    return false;
                }
            }
            return true;
        }

        private static boolean isDigit(byte b) {
            return b >= '0' && b <= '9';
        }

        private static long parseContentLength(String v) throws IOException {
            if (v.isEmpty() || v.length() > 12) {
                throw new IOException("bad Content-Length '" + v + "'");
            }
            long n = 0;
            for (int i = 0; i < v.length(); i++) {
                char c = v.charAt(i);
                if (c < '0' || c > '9') {
                    throw new IOException("bad Content-Length '" + v + "'");
                }
                n = n * 10 + (c - '0');
            }
            return n;
        }

        private static void writeDecimal(ByteArrayOutputStream b, int n) {
            if (n >= 10) {
                writeDecimal(b, n / 10);
            }
            b.write('0' + n % 10);
        }

        private static void sleepMillis(long ms) {
            try {
                Thread.sleep(ms);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * The open loop's timetable: event i is due at start + i / rate. A worker takes the next slot when it is free and
     * sleeps until the slot is due; if every worker is busy, slots fall behind and the wait shows in their latency
     * (no coordinated omission). Slots the warm-up left behind (the JIT compiles while the schedule runs) are dropped
     * when it ends, so the measured window starts on time.
     */
    static final class Schedule {
        private final long start;
        private final long warmupEnd;
        private final double intervalNanos;
        private final AtomicLong next = new AtomicLong();

        Schedule(long start, long warmupEnd, double rate) {
            this.start = start;
            this.warmupEnd = warmupEnd;
            this.intervalNanos = 1e9 / rate;
        }

        /** Takes the next slot, sleeps until it is due, and returns when it was due (System.nanoTime). */
        long awaitNext() {
            while (true) {
                long i = next.getAndIncrement();
                long due = start + (long) (i * intervalNanos);
                long now = System.nanoTime();
                if (due < warmupEnd && now >= warmupEnd) {
                    next.accumulateAndGet((long) ((now - start) / intervalNanos), Math::max);
                    continue;
                }
                long wait;
                while ((wait = due - System.nanoTime()) > 0) {
                    LockSupport.parkNanos(wait);
                }
                return due;
            }
        }
    }

    static void row(String name, String value) {
        System.out.printf(Locale.ROOT, "  %-42s %s%n", name, value);
    }

    /** Refuses anything but a loopback target: this tool is a load generator, not to be pointed at a real server. */
    static void requireLoopback(URI url) {
        if (!"http".equals(url.getScheme()) || url.getHost() == null) {
            System.err.println("IngestLoad: --url must be http://<loopback host>:<port>, got " + url);
            System.exit(2);
        }
        try {
            InetAddress[] addresses = InetAddress.getAllByName(url.getHost());
            for (InetAddress a : addresses) {
                if (!a.isLoopbackAddress()) {
                    System.err.println("IngestLoad: refusing " + url.getHost() + " (" + a.getHostAddress()
                            + "): only loopback targets are allowed");
                    System.exit(2);
                }
            }
        } catch (UnknownHostException e) {
            System.err.println("IngestLoad: cannot resolve " + url.getHost());
            System.exit(2);
        }
    }

    static HttpResponse<String> get(HttpClient client, Options o, String pathAndQuery, boolean auth)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(o.url.resolve(pathAndQuery)).timeout(Duration.ofSeconds(60)).GET();
        if (auth) {
            b.header("Authorization", "Bearer " + o.adminKey);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    // ---------------------------------------------------------------------------------------------------
    // Resource use: loader CPU, server CPU, whole-machine CPU (shows a concurrent compile as noise)
    // ---------------------------------------------------------------------------------------------------

    /**
     * CPU use over the measured window. Per-process times are exact (the kernel's per-task accounting); the
     * machine-wide "busy" figure of /proc/stat is tick-sampled and under-reads bursty loads, so instead the
     * kernel's CPU pressure (PSI: share of time some runnable task waited for a CPU) shows saturation.
     */
    record Resources(long nanos, long loaderCpuNanos, long serverCpuTicks, long databaseCpuTicks, long cpuPressureMicros) {
        static Resources now(Options o) {
            long loader = ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                    ? os.getProcessCpuTime() : 0;
            long server = o.serverPid > 0 ? cpuTicks(o.serverPid, false) : -1;
            long database = o.databasePid > 0 ? cpuTicks(o.databasePid, true) : -1;
            long pressure = -1;
            try {
                // "some avg10=.. avg60=.. avg300=.. total=<microseconds>"
                Matcher m = Pattern.compile("^some .*total=(\\d+)", Pattern.MULTILINE)
                        .matcher(Files.readString(Path.of("/proc/pressure/cpu")));
                if (m.find()) {
                    pressure = Long.parseLong(m.group(1));
                }
            } catch (IOException | RuntimeException e) {
                // kernel without PSI
            }
            return new Resources(System.nanoTime(), loader, server, database, pressure);
        }

        /**
         * A process's CPU time so far, in clock ticks (USER_HZ, 100 on mainstream Linux builds), or -1. With its
         * children: PostgreSQL runs a process per connection and per background task, so the postmaster's own time
         * plus that of its live children, plus what its exited children left it (cutime, cstime).
         */
        static long cpuTicks(long pid, boolean withChildren) {
            try {
                long[] own = stat(Path.of("/proc/" + pid + "/stat"));
                long ticks = own[1] + (withChildren ? own[2] : 0);
                if (withChildren) {
                    try (var dirs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
                        for (Path dir : dirs) {
                            try {
                                long[] child = stat(dir.resolve("stat"));
                                if (child[0] == pid) {
                                    ticks += child[1];
                                }
                            } catch (IOException | RuntimeException e) {
                                // the process ended meanwhile
                            }
                        }
                    }
                }
                return ticks;
            } catch (IOException | RuntimeException e) {
                return -1; // not Linux, or the pid is gone
            }
        }

        /** {parent pid, utime + stime, cutime + cstime} of one /proc/PID/stat (fields 4, 14-15, 16-17). */
        private static long[] stat(Path file) throws IOException {
            String stat = Files.readString(file);
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return new long[] {Long.parseLong(f[1]), Long.parseLong(f[11]) + Long.parseLong(f[12]),
                    Long.parseLong(f[13]) + Long.parseLong(f[14])};
        }
    }

    static String cores(long ticksBefore, long ticksAfter, double seconds) {
        return ticksBefore >= 0 && ticksAfter >= 0
                ? String.format(Locale.ROOT, "%.2f", (ticksAfter - ticksBefore) / 100.0 / seconds) : "n/a";
    }

    static final Pattern METRIC = Pattern.compile("^(tocsin_ingest_batch_size_(?:count|sum|max))\\{[^}]*}\\s+(\\S+)$",
            Pattern.MULTILINE);

    /** Group-commit counters from the Prometheus endpoint (public, no key needed). */
    static Map<String, Double> scrapeMetrics(HttpClient client, Options o) {
        Map<String, Double> out = new HashMap<>();
        try {
            HttpResponse<String> r = get(client, o, "/actuator/prometheus", false);
            Matcher m = METRIC.matcher(r.body());
            while (m.find()) {
                out.put(m.group(1), Double.parseDouble(m.group(2)));
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            // metrics are informative only
        }
        return out;
    }

    // ---------------------------------------------------------------------------------------------------
    // Verification: every 202 is in the ledger
    // ---------------------------------------------------------------------------------------------------

    static final class Verification {
        long entriesRead;
        double seconds;
        long expected;
        long lost;
        long surplus;
        long uncertainKeys;
        int sampled;
        int sampleMismatches;
        boolean chainOk;
        long chainEntries;
        String chainDetail;
    }

    @SuppressWarnings("unchecked")
    static Verification verify(HttpClient client, Options o, Book book) throws IOException, InterruptedException {
        Verification v = new Verification();
        long t0 = System.nanoTime();
        System.err.println("  verifying: paging /api/v1/audit/events ...");
        // A 202 means committed, and every worker has had its answer, so the ledger is complete now.
        long after = 0;
        while (true) {
            HttpResponse<String> r = get(client, o, "/api/v1/audit/events?after=" + after + "&limit=1000", true);
            if (r.statusCode() != 200) {
                throw new IOException("GET /api/v1/audit/events answered " + r.statusCode() + ": " + r.body());
            }
            List<Object> page = (List<Object>) Json.parse(r.body());
            if (page.isEmpty()) {
                break;
            }
            for (Object item : page) {
                Map<String, Object> e = (Map<String, Object>) item;
                long seq = ((Number) e.get("seq")).longValue();
                if (seq <= after) {
                    throw new IOException("audit page went backwards: seq " + seq + " after " + after);
                }
                after = seq;
                v.entriesRead++;
                String kind = (String) e.get("kind");
                if (!TRIGGERED.equals(kind) && !REPEATED.equals(kind) && !RESOLVED.equals(kind)) {
                    continue;
                }
                Object data = e.get("data");
                Object dedup = data instanceof Map<?, ?> d ? d.get("dedup_key") : null;
                Key k = dedup == null ? null : book.byDedupKey.get(dedup.toString());
                if (k != null) {
                    k.actualEntries++;
                }
            }
        }
        for (Key k : book.byDedupKey.values()) {
            if (k.uncertain) {
                v.uncertainKeys++;
                continue;
            }
            v.expected += k.expectedEntries;
            if (k.actualEntries < k.expectedEntries) {
                v.lost += k.expectedEntries - k.actualEntries;
            } else {
                v.surplus += k.actualEntries - k.expectedEntries;
            }
        }

        // The alerts table must agree too: a sample of keys, checked for alert count, state and event_count.
        List<Key> candidates = new ArrayList<>();
        for (Key k : book.byDedupKey.values()) {
            if (!k.uncertain && k.alertsCreated > 0) {
                candidates.add(k);
            }
        }
        java.util.Collections.shuffle(candidates, new Random(o.seed));
        for (Key k : candidates.subList(0, Math.min(o.sampleAlerts, candidates.size()))) {
            v.sampled++;
            HttpResponse<String> r = get(client, o, "/api/v1/alerts?dedup_key="
                    + java.net.URLEncoder.encode(k.dedupKey, StandardCharsets.UTF_8) + "&limit=500", true);
            List<Object> alerts = r.statusCode() == 200 ? (List<Object>) Json.parse(r.body()) : List.of();
            Map<String, Object> newest = null;
            for (Object a : alerts) {
                Map<String, Object> m = (Map<String, Object>) a;
                if (newest == null || ((Number) m.get("id")).longValue() > ((Number) newest.get("id")).longValue()) {
                    newest = m;
                }
            }
            boolean ok = alerts.size() == k.alertsCreated && newest != null
                    && (k.open ? "triggered" : "resolved").equals(newest.get("status"))
                    && ((Number) newest.get("event_count")).intValue() == k.currentCount;
            if (!ok) {
                v.sampleMismatches++;
                if (v.sampleMismatches <= 5) {
                    System.err.printf("  alerts mismatch for %s: expected %d alert(s), newest %s with event_count %d; got %s%n",
                            k.dedupKey, k.alertsCreated, k.open ? "triggered" : "resolved", k.currentCount, r.body());
                }
            }
        }

        HttpResponse<String> r = get(client, o, "/api/v1/audit/verify", true);
        Map<String, Object> chain = r.statusCode() == 200 ? (Map<String, Object>) Json.parse(r.body()) : Map.of();
        v.chainOk = Boolean.TRUE.equals(chain.get("ok"));
        v.chainEntries = chain.get("entries") instanceof Number n ? n.longValue() : -1;
        v.chainDetail = r.statusCode() + " " + r.body();
        v.seconds = (System.nanoTime() - t0) / 1e9;
        return v;
    }

    // ---------------------------------------------------------------------------------------------------
    // Minimal JSON reader (objects, arrays, strings, numbers, booleans, null): enough for the read API
    // ---------------------------------------------------------------------------------------------------

    static final class Json {
        private final String s;
        private int i;

        private Json(String s) {
            this.s = s;
        }

        static Object parse(String text) {
            Json j = new Json(text);
            Object v = j.value();
            j.ws();
            if (j.i != text.length()) {
                throw j.error("trailing characters");
            }
            return v;
        }

        private Object value() {
            ws();
            if (i >= s.length()) {
                throw error("unexpected end");
            }
            char c = s.charAt(i);
            switch (c) {
                case '{':
                    return object();
                case '[':
                    return array();
                case '"':
                    return string();
                case 't':
                    return literal("true", Boolean.TRUE);
                case 'f':
                    return literal("false", Boolean.FALSE);
                case 'n':
                    return literal("null", null);
                default:
                    return number();
            }
        }

        private Map<String, Object> object() {
            Map<String, Object> m = new HashMap<>();
            i++;
            ws();
            if (s.charAt(i) == '}') {
                i++;
                return m;
            }
            while (true) {
                ws();
                String k = string();
                ws();
                expect(':');
                m.put(k, value());
                ws();
                char c = s.charAt(i++);
                if (c == '}') {
                    return m;
                }
                if (c != ',') {
                    throw error("expected , or }");
                }
            }
        }

        private List<Object> array() {
            List<Object> l = new ArrayList<>();
            i++;
            ws();
            if (s.charAt(i) == ']') {
                i++;
                return l;
            }
            while (true) {
                l.add(value());
                ws();
                char c = s.charAt(i++);
                if (c == ']') {
                    return l;
                }
                if (c != ',') {
                    throw error("expected , or ]");
                }
            }
        }

        private String string() {
            expect('"');
            StringBuilder b = null;
            int startPlain = i;
            while (true) {
                char c = s.charAt(i++);
                if (c == '"') {
                    return b == null ? s.substring(startPlain, i - 1) : b.toString();
                }
                if (c == '\\') {
                    if (b == null) {
                        b = new StringBuilder(s.substring(startPlain, i - 1));
                    }
                    char e = s.charAt(i++);
                    switch (e) {
                        case 'n' -> b.append('\n');
                        case 't' -> b.append('\t');
                        case 'r' -> b.append('\r');
                        case 'b' -> b.append('\b');
                        case 'f' -> b.append('\f');
                        case 'u' -> {
                            b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                            i += 4;
                        }
                        default -> b.append(e);
                    }
                } else if (b != null) {
                    b.append(c);
                }
            }
        }

        private Number number() {
            int start = i;
            while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) {
                i++;
            }
            String n = s.substring(start, i);
            if (n.isEmpty()) {
                throw error("unexpected character");
            }
            return n.contains(".") || n.contains("e") || n.contains("E") ? (Number) Double.parseDouble(n) : (Number) Long.parseLong(n);
        }

        private Object literal(String word, Object v) {
            if (!s.startsWith(word, i)) {
                throw error("expected " + word);
            }
            i += word.length();
            return v;
        }

        private void expect(char c) {
            if (i >= s.length() || s.charAt(i) != c) {
                throw error("expected '" + c + "'");
            }
            i++;
        }

        private void ws() {
            while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
                i++;
            }
        }

        private IllegalArgumentException error(String what) {
            return new IllegalArgumentException("JSON: " + what + " at offset " + i);
        }
    }
}
