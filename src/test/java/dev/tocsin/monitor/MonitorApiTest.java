package dev.tocsin.monitor;

import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.List;

import com.sun.net.httpserver.HttpsServer;
import dev.tocsin.ApiTest;
import dev.tocsin.Await;
import dev.tocsin.Http;
import dev.tocsin.LoopbackSink.Answer;
import dev.tocsin.LoopbackSink;
import dev.tocsin.TestReceivers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Monitors end to end against real servers on loopback: the HTTP sink scripted per test (healthy, degraded, 500,
 * bad JSON, slow, dropped connection), a closed port, embedded PostgreSQL and a RESP-speaking Redis stand-in.
 * Alerts go through the Events API path and open, escalate and resolve incidents.
 */
class MonitorApiTest extends ApiTest {

    private static final String HEALTHY = """
            {"status":"healthy","open_circuits":[],"memory":{"percent":41.0},"database":{"status":"up"}}""";

    @Autowired
    MonitorEngine engine;

    @Autowired
    RollupCompactor compactor;

    @Autowired
    MonitorRepository repository;

    @Autowired
    TransactionTemplate tx;

    private final LoopbackSink sink = TestReceivers.sink();

    /** Creates an HTTP monitor through the API at a fresh sink path, and takes its lease. */
    private String httpMonitor(String extra) {
        String id = unique("mon");
        String body = """
                {"service":"monitored","type":"http","url":"%s/%s","timeout":"1500ms","retries":1,"recover_after":2,
                 "response_time":{"warning":"800ms","critical":"1200ms"}%s}""".formatted(sink.baseUrl(), id, extra);
        Http.Response r = api.put("/api/v1/monitors/" + id, body);
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        engine.housekeeping();
        return id;
    }

    private static String deepHealthConditions() {
        return """
                ,"conditions":[{"expect":"$.status == \\"healthy\\""},
                  {"when":"len($.open_circuits) >= 2","level":"critical"},
                  {"when":"$.memory.percent > 70","level":"warning"},
                  {"when":"$.memory.percent > 85","level":"critical","for":"5m"}]""";
    }

    private JsonNode check(String id) {
        Http.Response r = api.post("/api/v1/monitors/" + id + "/check", null);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    private JsonNode monitorAlerts(String id) {
        return api.get("/api/v1/alerts?dedup_key=monitor:" + id).json();
    }

    private void awaitAlerts(String id, java.util.function.Predicate<JsonNode> condition) {
        Await.until("the alerts of monitor " + id, () -> condition.test(monitorAlerts(id)), Duration.ofSeconds(10));
    }

    private static void sleep(long millis) {
        Await.pause(Duration.ofMillis(millis));
    }

    /** A target may answer anything; a NUL character in what a reason quotes must not fail the check on PostgreSQL. */
    @Test
    void aNulCharacterInTheTargetsAnswerIsStoredAsAReplacementCharacter() {
        String id = httpMonitor(deepHealthConditions());
        sink.answer("/" + id, Answer.status(200, """
                {"status":"de\\u0000graded","open_circuits":[],"memory":{"percent":41}}"""));
        check(id);
        JsonNode down = check(id);
        assertThat(down.get("reason").asString()).contains("(it is de\uFFFDgraded)");
        awaitAlerts(id, a -> a.size() == 1);
        assertThat(monitorAlerts(id).get(0).get("summary").asString()).contains("de\uFFFDgraded");
        assertThat(api.get("/api/v1/monitors/" + id).json().get("last_reason").asString()).contains("de\uFFFDgraded");
    }

    @Test
    void seed000sDeepHealthFailsAfterItsRetriesOpensAnIncidentAndResolvesAfterTwoGoodChecks() {
        String id = httpMonitor(deepHealthConditions());
        sink.answer("/" + id, Answer.status(200, HEALTHY));
        JsonNode up = check(id);
        assertThat(up.get("level").asString()).isEqualTo("up");
        assertThat(up.get("reason").asString()).startsWith("HTTP 200 in ");

        sink.answer("/" + id, Answer.status(200, """
                {"status":"degraded","open_circuits":["discord","openai"],"memory":{"percent":41}}"""));
        JsonNode down = check(id);
        assertThat(down.get("level").asString()).isEqualTo("critical");
        assertThat(down.get("reason").asString())
                .contains("expected $.status == \"healthy\" (it is degraded)", "len($.open_circuits) >= 2 (it is 2)");
        sleep(200);
        assertThat(monitorAlerts(id)).as("one failure is within retries: 1").isEmpty();

        check(id);
        awaitAlerts(id, a -> a.size() == 1);
        JsonNode alert = monitorAlerts(id).get(0);
        assertThat(alert.get("severity").asString()).isEqualTo("critical");
        assertThat(alert.get("intake").asString()).isEqualTo("monitor");
        assertThat(alert.get("summary").asString()).startsWith(id + ": expected $.status");
        long incident = alert.get("incident_id").asLong();
        assertThat(incident(incident).get("severity").asString()).isEqualTo("P0");

        sink.answer("/" + id, Answer.status(200, HEALTHY));
        check(id);
        sleep(200);
        assertThat(monitorAlerts(id).get(0).get("status").asString()).as("recover_after: 2").isEqualTo("triggered");
        check(id);
        awaitAlerts(id, a -> a.get(0).get("status").asString().equals("resolved"));
        assertThat(incident(incident).get("status").asString()).isEqualTo("resolved");

        JsonNode changes = api.get("/api/v1/monitors/" + id + "/results").json().get("changes");
        assertThat(changes.findValuesAsString("level")).containsExactly("up", "critical", "up");
    }

    @Test
    void aWarningThresholdRaisesAWarningAndACriticalOneHeldForFiveMinutesRaisesTheSameAlert() {
        String id = httpMonitor(deepHealthConditions());
        sink.answer("/" + id, Answer.status(200, """
                {"status":"healthy","open_circuits":[],"memory":{"percent":90}}"""));
        JsonNode first = check(id);
        assertThat(first.get("level").asString()).as("85 % must hold for 5 minutes first").isEqualTo("warning");
        assertThat(first.get("reason").asString()).isEqualTo("$.memory.percent > 70 (it is 90)");
        check(id);
        awaitAlerts(id, a -> a.size() == 1);
        assertThat(monitorAlerts(id).get(0).get("severity").asString()).isEqualTo("warning");

        clock.advance(Duration.ofMinutes(5));
        JsonNode held = check(id);
        assertThat(held.get("level").asString()).isEqualTo("critical");
        assertThat(held.get("reason").asString()).isEqualTo("$.memory.percent > 85 (it is 90) for 5m");
        awaitAlerts(id, a -> a.get(0).get("severity").asString().equals("critical"));
        assertThat(monitorAlerts(id)).as("escalated on the same alert").hasSize(1);
        long incident = monitorAlerts(id).get(0).get("incident_id").asLong();
        assertThat(incident(incident).get("severity").asString()).isEqualTo("P0");
    }

    @Test
    void everyFailureBecomesAResultWithAReason() {
        String id = httpMonitor(deepHealthConditions());
        sink.script("/" + id, Answer.status(500, "oops"), Answer.status(200, "<html>not json</html>"), Answer.slow(2000));
        assertThat(check(id).get("reason").asString()).startsWith("HTTP 500, expected 2xx or 3xx");
        assertThat(check(id).get("reason").asString()).isEqualTo("the body is not JSON, so the conditions cannot be checked");
        JsonNode slow = check(id);
        assertThat(slow.get("level").asString()).isEqualTo("critical");
        assertThat(slow.get("reason").asString()).isEqualTo("timeout: no answer within 1500 ms");
        sink.answer("/" + id, new Answer(200, HEALTHY, null, 900));
        JsonNode warning = check(id);
        assertThat(warning.get("level").asString()).isEqualTo("warning");
        assertThat(warning.get("reason").asString()).matches("response time \\d+ ms > 800 ms");
    }

    @Test
    void aServerThatClosesTheConnectionIsAFailureWithThatReason() throws Exception {
        try (java.net.ServerSocket slammer = new java.net.ServerSocket(0, 10, java.net.InetAddress.getLoopbackAddress())) {
            Thread t = new Thread(() -> {
                while (!slammer.isClosed()) {
                    try (java.net.Socket s = slammer.accept()) {
                        s.getInputStream().read(); // take the request's first byte, then hang up
                    } catch (java.io.IOException e) {
                        return;
                    }
                }
            });
            t.setDaemon(true);
            t.start();
            String id = unique("slam");
            String body = "{\"service\":\"monitored\",\"type\":\"http\",\"url\":\"http://127.0.0.1:" + slammer.getLocalPort()
                    + "/health\",\"timeout\":\"1500ms\"}";
            assertThat(api.put("/api/v1/monitors/" + id, body).status()).isEqualTo(201);
            JsonNode r = check(id);
            assertThat(r.get("level").asString()).isEqualTo("critical");
            assertThat(r.get("reason").asString()).startsWith("connection");
        }
    }

    @Test
    void tcpPostgresAndRedisAreCheckedOverTheirOwnProtocols() {
        engine.housekeeping();
        JsonNode closed = check("closed-port");
        assertThat(closed.get("level").asString()).isEqualTo("critical");
        assertThat(closed.get("reason").asString()).isEqualTo("connection refused");
        JsonNode database = check("database");
        assertThat(database.get("level").asString()).as(database.toString()).isEqualTo("up");
        assertThat(database.get("reason").asString()).startsWith("SELECT 1 in ");
        JsonNode cache = check("cache");
        assertThat(cache.get("level").asString()).as(cache.toString()).isEqualTo("up");
        assertThat(cache.get("reason").asString()).startsWith("PONG in ");
    }

    @Test
    void staleDataIsAWarning() {
        engine.housekeeping();
        String synced = clock.instant().minus(Duration.ofHours(30)).toString();
        sink.answer("/health/data", Answer.status(200, "{\"data_status\":{\"last_sync_at\":\"" + synced + "\"}}"));
        JsonNode stale = check("freshness");
        assertThat(stale.get("level").asString()).isEqualTo("warning");
        assertThat(stale.get("reason").asString()).isEqualTo("age($.data_status.last_sync_at) > 24h (it is 30h)");
        sink.answer("/health/data", Answer.status(200, "{\"data_status\":{\"last_sync_at\":\"" + clock.instant() + "\"}}"));
        assertThat(check("freshness").get("level").asString()).isEqualTo("up");
    }

    @Test
    void aMaintenanceWindowSilencesAlertsAndDoesNotCountAsDowntime() {
        engine.housekeeping();
        sink.answer("/health/maintained", Answer.status(500, "down for upgrade"));
        Instant now = clock.instant();
        Http.Response created = api.post("/api/v1/maintenance-windows", """
                {"service":"maintained","start":"%s","end":"%s","reason":"database upgrade"}"""
                .formatted(now.minusSeconds(60), now.plus(Duration.ofHours(1))));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        for (int i = 0; i < 3; i++) {
            JsonNode r = check("maintained-health");
            assertThat(r.get("level").asString()).isEqualTo("maintenance");
            assertThat(r.get("reason").asString()).startsWith("maintenance (database upgrade): HTTP 500");
        }
        sleep(200);
        assertThat(monitorAlerts("maintained-health")).isEmpty();
        JsonNode monitor = api.get("/api/v1/monitors/maintained-health").json();
        assertThat(monitor.get("maintenance").asString()).isEqualTo("database upgrade");
        assertThat(monitor.get("uptime_percent").get("24h").isNull()).as("maintenance is not downtime").isTrue();
        String dedup = unique("during");
        assertThat(enqueue(trigger("test-maintained-key-0001", dedup, "Error rate up", "critical")).status()).isEqualTo(202);
        JsonNode silenced = alerts(dedup).get(0);
        assertThat(silenced.get("incident_id").isNull()).as("an alert from any sender opens no incident in maintenance")
                .isTrue();
        JsonNode windows = api.get("/api/v1/maintenance-windows").json();
        assertThat(windows.toString()).contains("\"service\":\"maintained\"", "\"active\":true");

        assertThat(api.post("/api/v1/maintenance-windows", "{\"service\":\"nope\",\"start\":\"x\"}").body())
                .contains("service", "start", "end");
        long windowId = created.json().get("id").asLong();
        assertThat(api.delete("/api/v1/maintenance-windows/" + windowId).status()).isEqualTo(204);
        assertThat(check("maintained-health").get("level").asString()).isEqualTo("critical");
        String after = unique("after");
        enqueue(trigger("test-maintained-key-0001", after, "Error rate up", "critical"));
        assertThat(alerts(after).get(0).get("incident_id").isNull()).isFalse();
    }

    @Test
    void uptimeAndLatencyComeFromRollupsThatSurviveCompaction() {
        String id = httpMonitor("");
        clock.advance(Duration.ofMinutes(1));
        sink.answer("/" + id, Answer.status(200, "ok"));
        for (int i = 0; i < 3; i++) {
            check(id);
        }
        sink.answer("/" + id, Answer.status(503, "down"));
        check(id);
        clock.advance(Duration.ofMinutes(1));
        check(id); // a new minute closes the first
        engine.flush();

        JsonNode monitor = api.get("/api/v1/monitors/" + id).json();
        assertThat(monitor.get("uptime_percent").get("24h").asDouble()).isEqualTo(60.0);
        assertThat(monitor.get("uptime_percent").get("90d").asDouble()).isEqualTo(60.0);
        assertThat(monitor.get("latency").get("checks").asInt()).isEqualTo(5);
        assertThat(monitor.get("latency").get("p50_ms").asLong()).isBetween(0L, 1500L);
        JsonNode minutes = api.get("/api/v1/monitors/" + id + "/results").json().get("buckets");
        assertThat(minutes.findValuesAsString("grain")).contains("minute");

        clock.advance(Duration.ofHours(3));
        engine.flush(); // the minute still being counted goes to the database too
        compactor.compact(clock.instant());
        JsonNode after = api.get("/api/v1/monitors/" + id + "/results?since=7d").json().get("buckets");
        assertThat(after.findValuesAsString("grain")).containsOnly("hour");
        assertThat(api.get("/api/v1/monitors/" + id).json().get("uptime_percent").get("7d").asDouble())
                .as("the same checks, rolled into an hour").isEqualTo(60.0);
    }

    private static Rollup oneUpCheck() {
        Rollup r = new Rollup();
        r.checks = 1;
        r.ups = 1;
        r.buckets[0] = 1;
        return r;
    }

    /**
     * A slow node writes back an old minute while the compaction runs: its check must end up in the hour, not be
     * deleted with the minute row after the compaction read it (read committed, as on PostgreSQL).
     */
    @Test
    void aMinuteWrittenBackDuringCompactionIsCountedNotDeleted() throws Exception {
        String id = unique("late");
        Instant hour = clock.instant().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(1));
        Instant minute = hour.plus(Duration.ofMinutes(59));
        tx.executeWithoutResult(s -> repository.addToBucket(id, "m", minute, oneUpCheck()));

        CountDownLatch written = new CountDownLatch(1);
        CountDownLatch commit = new CountDownLatch(1);
        // Threads of their own: the common pool may have a single one on a small machine, and these two block.
        ExecutorService threads = Executors.newFixedThreadPool(2);
        CompletableFuture<Void> lateNode = CompletableFuture.runAsync(() -> tx.executeWithoutResult(s -> {
            repository.addToBucket(id, "m", minute, oneUpCheck());
            written.countDown();
            try {
                commit.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }), threads);
        try {
            assertThat(written.await(10, TimeUnit.SECONDS)).isTrue();
            CompletableFuture<Void> compaction = CompletableFuture.runAsync(() -> compactor.compact(clock.instant()), threads);
            sleep(500); // the compaction reaches the row the late node holds
            commit.countDown();
            lateNode.get(10, TimeUnit.SECONDS);
            compaction.get(20, TimeUnit.SECONDS);
        } finally {
            commit.countDown();
            threads.shutdown();
        }
        compactor.compact(clock.instant()); // a minute the late node had to insert anew is counted now

        List<MonitorRepository.Bucket> rows = repository.buckets(id, hour, hour.plus(Duration.ofHours(1)));
        assertThat(rows).extracting(MonitorRepository.Bucket::grain).containsOnly("h");
        assertThat(rows.stream().mapToInt(b -> b.rollup().checks).sum()).as("both checks of the minute").isEqualTo(2);
    }

    /** 2 of 3 checks up is 66.666 %, floored as the monitor list and the status page show it, not rounded up. */
    @Test
    void uptimeIsFlooredLikeTheListAndTheStatusPage() {
        String id = httpMonitor("");
        clock.advance(Duration.ofMinutes(1));
        sink.answer("/" + id, Answer.status(200, "ok"));
        check(id);
        check(id);
        sink.answer("/" + id, Answer.status(503, "down"));
        check(id);
        clock.advance(Duration.ofMinutes(1));
        engine.flush();
        assertThat(api.get("/api/v1/monitors/" + id).json().get("uptime_percent").get("24h").asDouble()).isEqualTo(66.666);
    }

    /** Fails twice (retries: 1), so that its alert and incident open; answers the incident. */
    private long failingMonitorsIncident(String id) {
        sink.answer("/" + id, Answer.status(503, "down"));
        check(id);
        check(id);
        awaitAlerts(id, a -> a.size() == 1);
        return monitorAlerts(id).get(0).get("incident_id").asLong();
    }

    private void resolveByHand(long incident) {
        Http.Response r = api.post("/api/v1/incidents/" + incident + "/resolve", "{\"resolution\":\"restarted it\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
    }

    @Test
    void anIncidentResolvedByHandWhileTheTargetKeepsFailingOpensANewOneAfterTheRetries() {
        String id = httpMonitor("");
        long first = failingMonitorsIncident(id);
        resolveByHand(first);
        assertThat(monitorAlerts(id).get(0).get("status").asString()).isEqualTo("resolved");
        engine.housekeeping();
        assertThat(api.get("/api/v1/monitors/" + id).json().get("alert").isNull())
                .as("the monitor no longer claims an alert").isTrue();

        check(id);
        sleep(200);
        assertThat(monitorAlerts(id)).as("one failure is within retries: 1, again").hasSize(1);
        check(id);
        awaitAlerts(id, a -> a.size() == 2);
        JsonNode again = monitorAlerts(id).get(0);
        assertThat(again.get("status").asString()).isEqualTo("triggered");
        long second = again.get("incident_id").asLong();
        assertThat(second).isNotEqualTo(first);
        assertThat(incident(second).get("status").asString()).isEqualTo("triggered");
        assertThat(api.get("/api/v1/monitors/" + id).json().get("alert").asString()).isEqualTo("critical");

        sink.answer("/" + id, Answer.status(200, "ok"));
        check(id);
        check(id);
        awaitAlerts(id, a -> a.get(0).get("status").asString().equals("resolved"));
        assertThat(incident(second).get("status").asString()).isEqualTo("resolved");
        assertThat(incident(first).get("status").asString()).isEqualTo("resolved");
    }

    @Test
    void anIncidentResolvedByHandIsNotResolvedAgainWhenTheTargetRecovers() {
        String id = httpMonitor("");
        long incident = failingMonitorsIncident(id);
        resolveByHand(incident);
        engine.housekeeping();
        assertThat(api.get("/api/v1/monitors/" + id).json().get("alert").isNull()).isTrue();

        sink.answer("/" + id, Answer.status(200, "ok"));
        check(id);
        check(id);
        sleep(300);
        assertThat(monitorAlerts(id)).hasSize(1);
        assertThat(api.get("/api/v1/incidents/" + incident + "/timeline").json().findValuesAsString("kind"))
                .as("resolved once, by hand").containsOnlyOnce("alert.resolved");
        assertThat(api.get("/api/v1/monitors/" + id).json().get("level").asString()).isEqualTo("up");
    }

    @Test
    void deletingAFailingMonitorResolvesItsAlert() {
        String id = httpMonitor("");
        sink.answer("/" + id, Answer.status(500, "down"));
        check(id);
        check(id);
        awaitAlerts(id, a -> a.size() == 1);
        assertThat(api.delete("/api/v1/monitors/" + id).status()).isEqualTo(204);
        awaitAlerts(id, a -> a.get(0).get("status").asString().equals("resolved"));
        assertThat(api.get("/api/v1/monitors/" + id).status()).isEqualTo(404);
        assertThat(api.delete("/api/v1/monitors/" + id).status()).isEqualTo(404);
        assertThat(api.delete("/api/v1/monitors/deep-health").status()).as("declared in the file").isEqualTo(409);
    }

    /** The audit entries of one kind about one monitor. */
    private List<JsonNode> audit(String kind, String monitor) {
        return api.ledger().stream().filter(e -> e.get("kind").asString().equals(kind)
                && monitor.equals(e.get("data").path("monitor").asString(""))).toList();
    }

    @Test
    void aPausedMonitorRunsNoCheckResolvesItsAlertAndRaisesAgainOnceResumed() {
        String id = httpMonitor("");
        sink.answer("/" + id, Answer.status(500, "down"));
        check(id);
        check(id);
        awaitAlerts(id, a -> a.size() == 1);
        long incident = monitorAlerts(id).get(0).get("incident_id").asLong();

        Http responder = api.as(Http.WRITE_KEY);
        Http.Response paused = responder.post("/api/v1/monitors/" + id + "/pause", null);
        assertThat(paused.status()).as("write scope is enough: " + paused.body()).isEqualTo(200);
        assertThat(paused.json().get("level").asString()).isEqualTo("paused");
        awaitAlerts(id, a -> a.get(0).get("status").asString().equals("resolved"));
        List<JsonNode> pauses = audit("monitor.paused", id);
        assertThat(pauses).hasSize(1);
        String actor = pauses.get(0).get("actor").asString();
        assertThat(paused.json().get("paused_by").asString()).isEqualTo(actor);
        JsonNode resolved = api.get("/api/v1/incidents/" + incident + "/timeline").json().valueStream()
                .filter(e -> e.get("kind").asString().equals("alert.resolved")).findFirst().orElseThrow();
        assertThat(resolved.get("data").path("reason").asString("")).isEqualTo("monitor paused by " + actor);

        assertThat(responder.post("/api/v1/monitors/" + id + "/pause", null).status()).isEqualTo(200);
        assertThat(audit("monitor.paused", id)).as("pausing twice changes nothing").hasSize(1);
        assertThat(responder.post("/api/v1/monitors/no-such-monitor/pause", null).status()).isEqualTo(404);
        assertThat(api.post("/api/v1/monitors/" + id + "/check", null).status()).isEqualTo(409);
        engine.housekeeping();
        assertThat(engine.runtime(id)).as("no node runs a paused monitor").isEmpty();
        assertThat(api.get("/api/v1/monitors?level=paused").json().findValuesAsString("id")).contains(id);
        assertThat(api.get("/api/v1/monitors/" + id).json().get("level").asString()).isEqualTo("paused");

        Http.Response resumed = responder.post("/api/v1/monitors/" + id + "/resume", null);
        assertThat(resumed.status()).as(resumed.body()).isEqualTo(200);
        assertThat(resumed.json().get("level").asString()).isNotEqualTo("paused");
        assertThat(responder.post("/api/v1/monitors/" + id + "/resume", null).status()).isEqualTo(200);
        assertThat(audit("monitor.resumed", id)).hasSize(1);
        engine.housekeeping();
        assertThat(engine.runtime(id)).isPresent();
        check(id);
        check(id);
        awaitAlerts(id, a -> a.size() == 2 && a.valueStream().anyMatch(x -> x.get("status").asString().equals("triggered")));

        assertThat(repository.pauseSpans(id, Instant.EPOCH)).as("kept for the bars").hasSize(1);
        // The compactor's retention, run as if 400 days had passed (compacting then would empty every monitor's rows).
        repository.deletePauseSpansResumedBefore(clock.instant().minus(Duration.ofMinutes(1)));
        assertThat(repository.pauseSpans(id, Instant.EPOCH)).as("resumed just now").hasSize(1);
        repository.deletePauseSpansResumedBefore(clock.instant().plus(Duration.ofMinutes(1)));
        assertThat(repository.pauseSpans(id, Instant.EPOCH)).as("resumed before the limit").isEmpty();
    }

    /**
     * The password is masked where it appears in the driver's message, but only as a whole word: a short one would
     * otherwise star out letters of every word ("***ostmaster is acce***ting"), and an empty one every gap.
     */
    @Test
    void aPostgresMonitorsReasonMasksItsPasswordAsAWordOnly() throws Exception {
        int closed;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        for (String password : List.of("p", "")) {
            String id = unique("pg");
            Http.Response put = api.put("/api/v1/monitors/" + id, """
                    {"service":"monitored","type":"postgres","host":"127.0.0.1","port":%d,"database":"app",
                     "username":"probe","password":"%s","timeout":"2s"}""".formatted(closed, password));
            assertThat(put.status()).as(put.body()).isEqualTo(201);
            engine.housekeeping();
            String reason = check(id).get("reason").asString();
            assertThat(reason).as("password '%s'", password).startsWith("PostgreSQL: ").contains("postmaster is accepting")
                    .doesNotContain("***");
        }
        assertThat(Probes.withoutSecret("password 'p' for user p=p rejected; port p", "p"))
                .isEqualTo("password '***' for user ***=*** rejected; port ***");
        assertThat(Probes.withoutSecret("auth as s3cr$t failed", "s3cr$t")).isEqualTo("auth as *** failed");
    }

    @Test
    void badDefinitionsAreRefusedFieldByField() {
        Http.Response r = api.put("/api/v1/monitors/" + unique("bad"), """
                {"service":"nope","type":"http","url":"ftp://x","interval":"soon",
                 "conditions":[{"when":"len($.x >= 2","level":"loud"},{"expect":"a","when":"b"}]}""");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.body()).contains("service", "url", "interval", "conditions[0].when", "at column 13: expected ')'",
                "conditions[1]");
        Http.Response zero = api.put("/api/v1/monitors/" + unique("zero"), """
                {"service":"monitored","type":"http","url":"http://127.0.0.1:9/","timeout":"0s",
                 "response_time":{"warning":"0s","critical":"1s"}}""");
        assertThat(zero.status()).as("a zero timeout fails every check; a zero threshold warns on every one").isEqualTo(400);
        assertThat(zero.body()).contains("timeout", "response_time.warning", "expected a positive duration, got '0s'");
        assertThat(api.put("/api/v1/monitors/deep-health", "{\"service\":\"monitored\",\"type\":\"tcp\",\"host\":\"x\",\"port\":1}")
                .status()).as("declared in the file").isEqualTo(409);
        assertThat(api.get("/api/v1/monitors/nope").status()).isEqualTo(404);
        assertThat(api.post("/api/v1/monitors/nope/check", null).status()).isEqualTo(404);
        assertThat(api.as(Http.READ_KEY).put("/api/v1/monitors/x", "{}").status()).isEqualTo(403);
    }

    /**
     * The HTTP client refuses a Host header, a line break in a value and a zero timeout at every check: taken, such a
     * monitor answered each check with a 500 and never ran on its schedule, pending for ever.
     */
    @Test
    void headersTheHttpClientWouldRefuseAndAZeroTimeoutAreRefusedNamingTheField() {
        String id = unique("headers");
        Http.Response r = api.put("/api/v1/monitors/" + id, """
                {"service":"monitored","type":"http","url":"%s/%s","timeout":"0s",
                 "headers":{"Host":"example.com","X-Token":"secret-token\\r\\nX-Injected: yes","X-Empty":null,"X-Fine":"ok"}}"""
                .formatted(sink.baseUrl(), id));
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.json().get("errors").findValuesAsString("field")).as(r.body())
                .containsExactlyInAnyOrder("timeout", "headers.Host", "headers.X-Token", "headers.X-Empty");
        assertThat(r.body()).as("a header's value may be a secret").doesNotContain("secret-token");

        Http.Response fixed = api.put("/api/v1/monitors/" + id, """
                {"service":"monitored","type":"http","url":"%s/%s","timeout":"1s","headers":{"X-Fine":"ok"}}"""
                .formatted(sink.baseUrl(), id));
        assertThat(fixed.status()).as(fixed.body()).isEqualTo(201);
        sink.answer("/" + id, Answer.status(200, "ok"));
        assertThat(check(id).get("level").asString()).isEqualTo("up");
        assertThat(sink.requests("/" + id).get(0).header("X-Fine")).isEqualTo("ok");
    }

    /** Redirects are not followed: the reason says where one pointed, such as a login page for an expired session. */
    @Test
    void aRedirectSaysWhereItPointed() throws Exception {
        com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 10);
        server.createContext("/health", exchange -> {
            exchange.getResponseHeaders().add("Location", "/login?next=%2Fhealth");
            exchange.sendResponseHeaders(302, -1);
            exchange.close();
        });
        server.start();
        try {
            String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/health";
            String any = unique("redirect");
            assertThat(api.put("/api/v1/monitors/" + any, """
                    {"service":"monitored","type":"http","url":"%s","timeout":"1500ms"}""".formatted(url)).status())
                    .isEqualTo(201);
            JsonNode up = check(any);
            assertThat(up.get("level").asString()).isEqualTo("up");
            assertThat(up.get("reason").asString())
                    .matches("HTTP 302 \\(a redirect to /login\\?next=%2Fhealth, not followed\\) in \\d+ ms");

            String only200 = unique("redirect");
            assertThat(api.put("/api/v1/monitors/" + only200, """
                    {"service":"monitored","type":"http","url":"%s","timeout":"1500ms","expect_status":[200]}"""
                    .formatted(url)).status()).isEqualTo(201);
            JsonNode down = check(only200);
            assertThat(down.get("level").asString()).isEqualTo("critical");
            assertThat(down.get("reason").asString())
                    .isEqualTo("HTTP 302 (a redirect to /login?next=%2Fhealth, not followed), expected [200]");
        } finally {
            server.stop(0);
        }
    }

    /**
     * The certificate days of an https check through the API, as in the file: refused naming the field where they
     * cannot apply, and a certificate that expires in 5 days is a warning with the tls check's words.
     */
    @Test
    void certificateDaysWorkThroughTheApiAndAreRefusedNamingTheFieldWhereTheyCannotApply(@TempDir Path dir)
            throws Exception {
        Http.Response plain = api.put("/api/v1/monitors/" + unique("cert"), """
                {"service":"monitored","type":"http","url":"http://127.0.0.1:9/","certificate_warn_days":14}""");
        assertThat(plain.status()).as(plain.body()).isEqualTo(400);
        assertThat(plain.json().get("errors").findValuesAsString("field")).containsExactly("certificate_warn_days");
        assertThat(plain.body()).contains("applies to an https URL only: an http:// URL has no certificate");
        Http.Response tcp = api.put("/api/v1/monitors/" + unique("cert"), """
                {"service":"monitored","type":"tcp","host":"127.0.0.1","port":9,"certificate_critical_days":3}""");
        assertThat(tcp.status()).as(tcp.body()).isEqualTo(400);
        assertThat(tcp.json().get("errors").findValuesAsString("field")).containsExactly("certificate_critical_days");
        assertThat(tcp.body()).contains("does not apply to a tcp monitor");
        Http.Response negative = api.put("/api/v1/monitors/" + unique("cert"), """
                {"service":"monitored","type":"http","url":"https://127.0.0.1:9/","certificate_warn_days":-2}""");
        assertThat(negative.status()).as(negative.body()).isEqualTo(400);
        assertThat(negative.json().get("errors").findValuesAsString("field")).containsExactly("certificate_warn_days");
        assertThat(negative.body()).contains("expected 0 to 365, got -2");
        Http.Response order = api.put("/api/v1/monitors/" + unique("cert"), """
                {"service":"monitored","type":"http","url":"https://127.0.0.1:9/","certificate_warn_days":5,
                 "certificate_critical_days":10}""");
        assertThat(order.status()).as(order.body()).isEqualTo(400);
        assertThat(order.json().get("errors").findValuesAsString("field")).containsExactly("certificate_critical_days");
        assertThat(order.body()).contains("must be below certificate_warn_days (5)");

        // The checks judge days by this application's clock, not the machine's; a self-signed certificate given as
        // ca_pem is a trust anchor, whose dates the handshake does not check, so it can expire 5 days (less an hour)
        // after that clock.
        long startSeconds = Duration.between(Instant.now(), clock.instant().minus(Duration.ofHours(25))).getSeconds();
        KeyStore selfSigned = new LoopbackTls(dir).selfSigned("soon", (startSeconds < 0 ? "-" : "+")
                + Math.abs(startSeconds) + "S", 6);
        String caPem = LoopbackTls.pem(selfSigned);
        HttpsServer soon = LoopbackTls.healthyOverHttps(selfSigned);
        try {
            String id = unique("cert");
            Http.Response saved = api.put("/api/v1/monitors/" + id, """
                    {"service":"monitored","type":"http","url":"https://localhost:%d/health","timeout":"5s",
                     "ca_pem":"%s","certificate_warn_days":14}"""
                    .formatted(soon.getAddress().getPort(), caPem.replace("\r", "").replace("\n", "\\n")));
            assertThat(saved.status()).as(saved.body()).isEqualTo(201);
            JsonNode r = check(id);
            assertThat(r.get("level").asString()).as(r.toString()).isEqualTo("warning");
            assertThat(r.get("reason").asString()).matches("the certificate expires in 4 days \\(\\S+Z\\)");
            JsonNode definition = api.get("/api/v1/monitors/" + id).json().get("definition");
            assertThat(definition.get("certificate_warn_days").asInt()).isEqualTo(14);
            assertThat(definition.get("certificate_critical_days").asInt()).isEqualTo(3);
        } finally {
            soon.stop(0);
        }
    }

    @Test
    void anEmptyBodyWithConditionsSaysItIsEmpty() {
        String id = httpMonitor(deepHealthConditions());
        sink.answer("/" + id, Answer.status(200, ""));
        JsonNode r = check(id);
        assertThat(r.get("level").asString()).isEqualTo("critical");
        assertThat(r.get("reason").asString()).isEqualTo("the body is empty, so the conditions cannot be checked");
    }

    @Test
    void theListShowsEveryMonitorAndWhatAnUnconfiguredOneLacks() {
        engine.housekeeping();
        List<String> ids = api.get("/api/v1/monitors").json().findValuesAsString("id");
        assertThat(ids).contains("deep-health", "freshness", "closed-port", "database", "cache", "unset-monitor");
        JsonNode unset = api.get("/api/v1/monitors/unset-monitor").json();
        assertThat(unset.get("level").asString()).isEqualTo("unconfigured");
        assertThat(unset.get("missing_environment").toString()).contains("TOCSIN_TEST_UNSET_VARIABLE");
        assertThat(api.get("/api/v1/monitors?service=monitored&level=unconfigured").json().findValuesAsString("id"))
                .containsExactly("unset-monitor");
        assertThat(api.get("/api/v1/monitors/database").json().toString()).doesNotContain("\"postgres\",\"password\"")
                .doesNotContain("test-redis-password");
    }

    @Test
    void theListRefusesAFilterValueItDoesNotKnowNamingTheParameter() {
        Http.Response level = api.get("/api/v1/monitors?level=down");
        assertThat(level.status()).as(level.body()).isEqualTo(400);
        assertThat(level.json().get("errors").findValuesAsString("field")).containsExactly("level");
        assertThat(level.body()).contains("unconfigured");
        Http.Response service = api.get("/api/v1/monitors?service=nowhere");
        assertThat(service.status()).as(service.body()).isEqualTo(400);
        assertThat(service.json().get("errors").findValuesAsString("field")).containsExactly("service");
        assertThat(api.get("/api/v1/monitors?service=monitored&level=pending").status()).isEqualTo(200);
    }

    @Test
    void checkingEverythingOnceReportsEachMonitorWithoutAlerting() {
        List<java.util.Map<String, Object>> results = engine.checkAllOnce();
        assertThat(results).extracting(r -> r.get("monitor")).contains("closed-port", "database", "cache")
                .doesNotContain("unset-monitor");
        assertThat(results.stream().filter(r -> r.get("monitor").equals("closed-port")).findFirst().orElseThrow()
                .get("level")).isEqualTo("critical");
    }
}
