/*
 * Load harness for Tocsin's alert intake, POST /v2/enqueue (PagerDuty Events API v2).
 *
 *   java bench/IngestLoad.java --url http://127.0.0.1:8080 --admin-key SECRET [options]
 *
 * Single file, JDK only (java.net.http), Java 17 source launcher. bench/run-ingest.sh starts a throw-away
 * server and runs this against it; see docs/performance.md for the figures it produced.
 *
 * What it does:
 *   1. Closed-loop load: --concurrency request chains each send one event, wait for the answer (asynchronously,
 *      java.net.http's sendAsync), send the next. Bounded by --max-events and --max-seconds (whichever comes
 *      first, warm-up included); the target must be a loopback address.
 *   2. A realistic mix: ~60% triggers that open a new alert (mostly new dedup keys, a few keys that were
 *      resolved earlier and now fire again), ~25% repeats of open keys, ~15% resolves of open keys.
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

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
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
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
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
        int requestTimeoutMs = 10_000;
        /** Threads running the HTTP client's callbacks (and so the loader's own work). */
        int clientThreads = 2;
        boolean verify = true;
        int sampleAlerts = 200;
        long seed = System.nanoTime();
        /** Optional: the server's pid, to report its CPU use next to the loader's (Linux /proc). */
        long serverPid = -1;
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
                        case "--request-timeout-ms" -> o.requestTimeoutMs = Integer.parseInt(value);
                        case "--client-threads" -> o.clientThreads = Integer.parseInt(value);
                        case "--no-verify" -> o.verify = false;
                        case "--sample-alerts" -> o.sampleAlerts = Integer.parseInt(value);
                        case "--seed" -> o.seed = Long.parseLong(value);
                        case "--server-pid" -> o.serverPid = Long.parseLong(value);
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
                      --concurrency N             requests in flight (default 64)
                      --max-events N              stop after N events, warm-up included (default 300000)
                      --max-seconds S             stop after S seconds, warm-up included (default 60)
                      --warmup-seconds S          leading seconds excluded from statistics (default 30)
                      --mix NEW,REPEAT,RESOLVE    action mix in percent (default 60,25,15)
                      --reopen-percent P          share of new-alert triggers reusing a resolved key (default 10)
                      --request-timeout-ms MS     per-request timeout (default 10000)
                      --client-threads N          threads for the HTTP client's callbacks (default 2)
                      --no-verify                 skip the no-loss check
                      --sample-alerts N           keys cross-checked against /api/v1/alerts (default 200)
                      --seed N                    random seed for the action mix
                      --server-pid PID            report the server's CPU use too (Linux)
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
            }
            // 429 means "not taken": nothing changed on the server, so the key goes back as it was.
            if (k.alertsCreated == 0) {
                return; // a brand-new key whose first trigger was throttled: never existed on the server
            }
            (k.open ? idleOpen : idleResolved).add(k);
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
        // java.net.http hands every async response to CompletableFuture's default executor. With fewer than
        // 3 CPUs the common pool has parallelism 1, and CompletableFuture then starts a new thread per task:
        // on the 2-core benchmark machine that was a thread per response, and the loader ate most of a core.
        // Must be set before anything touches ForkJoinPool (run-ingest.sh also passes it on the command line).
        if (System.getProperty(COMMON_POOL_PARALLELISM) == null) {
            System.setProperty(COMMON_POOL_PARALLELISM, "2");
        }
        Options o = Options.parse(args);
        if (ForkJoinPool.getCommonPoolParallelism() < 2) {
            System.err.println("IngestLoad: warning: ForkJoinPool common parallelism is "
                    + ForkJoinPool.getCommonPoolParallelism() + "; pass -D" + COMMON_POOL_PARALLELISM
                    + "=2 or the HTTP client starts a thread per response");
        }
        requireLoopback(o.url);

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
        Duration timeout = Duration.ofMillis(o.requestTimeoutMs);

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

        System.out.printf(Locale.ROOT, "IngestLoad: %s, %d in flight, bound %d events / %.0f s (first %.0f s warm-up), "
                        + "mix new/repeat/resolve %d/%d/%d, %d routing keys, seed %d%n",
                o.url, o.concurrency, o.maxEvents, o.maxSeconds, o.warmupSeconds, o.newPct, o.repeatPct, o.resolvePct,
                o.routingKeys.size(), o.seed);

        long start = System.nanoTime();
        Book book = new Book(o, start);
        Stats[] stats = new Stats[o.concurrency];
        Stats[] warmStats = new Stats[o.concurrency];
        AtomicLong completed = new AtomicLong();
        AtomicLong accepted = new AtomicLong();
        CountDownLatch done = new CountDownLatch(o.concurrency);
        URI enqueue = o.url.resolve("/v2/enqueue");

        // Closed loop without a thread per request: each of the --concurrency "slots" sends one event and, when
        // its answer arrives, sends the next. Callbacks run on a small fixed pool: on two cores a thread per
        // in-flight request costs the loader more CPU (context switches) than the HTTP work itself.
        for (int w = 0; w < o.concurrency; w++) {
            Slot slot = new Slot(client, o, book, enqueue, timeout, stats[w] = new Stats(), warmStats[w] = new Stats(),
                    completed, accepted, done);
            slot.next();
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
                atWarmupEnd = Resources.now(o.serverPid);
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
        Resources atEnd = Resources.now(o.serverPid);
        Map<String, Double> metricsAtEnd = scrapeMetrics(client, o);
        if (atWarmupEnd == null) {
            atWarmupEnd = Resources.now(o.serverPid); // the run ended inside the warm-up
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
                + (book.fallbacks > 0 ? String.format(Locale.ROOT, "  (%,d repeat/resolve became new: no idle open key)", book.fallbacks) : ""));
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
        row("CPU cores used: loader / server (of N)", String.format(Locale.ROOT, "%.2f / %s (of %d)",
                (atEnd.loaderCpuNanos - atWarmupEnd.loaderCpuNanos) / 1e9 / wallSeconds,
                atEnd.serverCpuTicks >= 0 && atWarmupEnd.serverCpuTicks >= 0
                        ? String.format(Locale.ROOT, "%.2f", (atEnd.serverCpuTicks - atWarmupEnd.serverCpuTicks) / 100.0 / wallSeconds)
                        : "n/a",
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

    /** One of the --concurrency request chains: at most one request in flight, the next sent from the callback. */
    static final class Slot {
        private final HttpClient client;
        private final Options o;
        private final Book book;
        private final URI enqueue;
        private final Duration timeout;
        private final Stats measured;
        private final Stats warm;
        private final AtomicLong completed;
        private final AtomicLong accepted;
        private final CountDownLatch done;

        Slot(HttpClient client, Options o, Book book, URI enqueue, Duration timeout, Stats measured, Stats warm,
             AtomicLong completed, AtomicLong accepted, CountDownLatch done) {
            this.client = client;
            this.o = o;
            this.book = book;
            this.enqueue = enqueue;
            this.timeout = timeout;
            this.measured = measured;
            this.warm = warm;
            this.completed = completed;
            this.accepted = accepted;
            this.done = done;
        }

        void next() {
            Planned p;
            try {
                p = book.plan();
            } catch (RuntimeException e) {
                e.printStackTrace();
                p = null;
            }
            if (p == null) {
                done.countDown();
                return;
            }
            Planned planned = p;
            HttpRequest request = HttpRequest.newBuilder(enqueue).timeout(timeout)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body(o, planned))).build();
            long t0 = System.nanoTime();
            client.sendAsync(request, HttpResponse.BodyHandlers.ofString()).whenComplete((r, error) -> {
                long t1 = System.nanoTime();
                try {
                    // No answer (timeout, connection reset) counts as -1: the event may or may not be stored.
                    int status = error == null ? r.statusCode() : -1;
                    // A 202 must name the key we sent: catches a server answering for the wrong event.
                    boolean bodyOk = status != 202
                            || r.body().contains("\"dedup_key\":\"" + planned.key().dedupKey + "\"");
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
                    // A bug here must not silently stall this slot (the run would then wait for its latch).
                    e.printStackTrace();
                    book.stopped = true;
                }
                next();
            });
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
    record Resources(long nanos, long loaderCpuNanos, long serverCpuTicks, long cpuPressureMicros) {
        static Resources now(long serverPid) {
            long loader = ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                    ? os.getProcessCpuTime() : 0;
            long server = -1;
            long pressure = -1;
            if (serverPid > 0) {
                try {
                    // /proc counts in clock ticks; USER_HZ is 100 on mainstream Linux builds (getconf CLK_TCK).
                    String stat = Files.readString(Path.of("/proc/" + serverPid + "/stat"));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    server = Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime + stime (fields 14, 15)
                } catch (IOException | RuntimeException e) {
                    // not Linux, or the pid is gone
                }
            }
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
            return new Resources(System.nanoTime(), loader, server, pressure);
        }
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
