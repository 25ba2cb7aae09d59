package dev.tocsin.monitor;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import dev.tocsin.ApiTest;
import dev.tocsin.Await;
import dev.tocsin.Http;
import dev.tocsin.LoopbackSink;
import dev.tocsin.LoopbackSink.Answer;
import dev.tocsin.TestReceivers;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** Targets and definitions that misbehave; its own database, since one test leaves a broken definition behind. */
class MonitorFailureModesTest extends ApiTest {

    @DynamicPropertySource
    static void ownDatabase(DynamicPropertyRegistry registry) throws IOException {
        ownDataDir(registry, "tocsin-monitor-failure-test");
    }

    @Autowired
    MonitorEngine engine;

    @Autowired
    JdbcClient jdbc;

    private final LoopbackSink sink = TestReceivers.sink();

    private String httpMonitor(String url, String extra) {
        String id = unique("failing");
        Http.Response r = api.put("/api/v1/monitors/" + id, """
                {"service":"monitored","type":"http","url":"%s","timeout":"1500ms"%s}""".formatted(url, extra));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return id;
    }

    /** A monitor of {@code path}, run here, whose target answers 500 until told otherwise: its alert is open. */
    private String alerting(String path) {
        String id = httpMonitor(sink.baseUrl() + path, "");
        engine.housekeeping();
        sink.answer(path, Answer.status(500, "down"));
        api.post("/api/v1/monitors/" + id + "/check", null);
        Await.until("the alert", () -> api.get("/api/v1/alerts?dedup_key=monitor:" + id).json().size() == 1,
                Duration.ofSeconds(10));
        return id;
    }

    /** A server that sends the status line and headers, then never the body it announced. */
    @Test
    void aServerThatNeverSendsItsBodyTimesOutInsteadOfHangingTheCheck() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
            List<Socket> held = new ArrayList<>();
            Thread t = new Thread(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket s = server.accept();
                        held.add(s);
                        s.getInputStream().read(new byte[4096]);
                        OutputStream out = s.getOutputStream();
                        out.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"
                                .getBytes(StandardCharsets.US_ASCII));
                        out.flush(); // and then nothing more, keeping the connection open
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            t.setDaemon(true);
            t.start();
            String id = httpMonitor("http://127.0.0.1:" + server.getLocalPort() + "/health", "");
            JsonNode r = assertTimeoutPreemptively(Duration.ofSeconds(8),
                    () -> api.post("/api/v1/monitors/" + id + "/check", null).json(),
                    "a check with a 1500 ms timeout must end within its timeout");
            assertThat(r.get("level").asString()).isEqualTo("critical");
            assertThat(r.get("reason").asString()).startsWith("timeout");
        }
    }

    /** An interval that parses but overflows milliseconds stops the engine from starting any monitor. */
    @Test
    void aHugeIntervalIsRefusedRatherThanBreakingHousekeeping() {
        String bad = unique("huge");
        Http.Response r = api.put("/api/v1/monitors/" + bad, """
                {"service":"monitored","type":"tcp","host":"127.0.0.1","port":"1","interval":"300000000000d"}""");
        try {
            assertThat(r.status()).as(r.body()).isEqualTo(400);
        } finally {
            if (r.status() == 201) {
                // show the damage: monitors created after it do not all start
                List<String> good = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    good.add(httpMonitor(sink.baseUrl() + "/ok", ""));
                }
                engine.housekeeping();
                List<String> notStarted = good.stream().filter(id -> engine.runtime(id).isEmpty()).toList();
                System.out.println("REVIEW not started after housekeeping: " + notStarted.size() + " of 20");
                api.delete("/api/v1/monitors/" + bad);
            }
        }
    }

    @Test
    void hugeDurationsAreA400NotA500() {
        String id = httpMonitor(sink.baseUrl() + "/ok", "");
        Http.Response interval = api.put("/api/v1/monitors/" + unique("over"), """
                {"service":"monitored","type":"tcp","host":"127.0.0.1","port":"1","interval":"99999999999999999d"}""");
        Http.Response since1 = api.get("/api/v1/monitors/" + id + "/results?since=99999999999999999d");
        Http.Response since2 = api.get("/api/v1/monitors/" + id + "/results?since=9999999999999d");
        assertThat(List.of(interval.status(), since1.status(), since2.status()))
                .as(interval.body() + " | " + since1.body() + " | " + since2.body())
                .containsExactly(400, 400, 400);
    }

    /**
     * An API monitor on a service later removed from the configuration file (config as code): every listing of the
     * monitors re-validates every stored definition, so one stale row stops everything.
     */
    @Test
    void aStoredMonitorWhoseServiceWasRemovedFromTheFileDoesNotStopAllMonitoring() {
        String stale = httpMonitor(sink.baseUrl() + "/ok", "");
        String good = httpMonitor(sink.baseUrl() + "/ok", "");
        // what the row looks like after the service 'monitored' was renamed in the file and the server restarted
        jdbc.sql("UPDATE monitor_definition SET spec = REPLACE(spec, '\"monitored\"', '\"removed-service\"') WHERE id = :id")
                .param("id", stale).update();
        try {
            engine.housekeeping();
            Http.Response list = api.get("/api/v1/monitors");
            Http.Response status = anonymous.get("/status");
            assertThat(List.of(list.status(), status.status())).as(list.body()).containsExactly(200, 200);
            assertThat(engine.runtime(good)).as("the other monitors still run").isPresent();
        } finally {
            jdbc.sql("DELETE FROM monitor_definition WHERE id = :id").param("id", stale).update();
        }
    }

    /** The alert raised in the seconds before an edit is forgotten by the new runtime, so recovery never resolves it. */
    @Test
    void editingAMonitorRightAfterItAlertedStillResolvesTheAlertOnRecovery() {
        String path = "/" + unique("edit");
        String id = alerting(path);
        // the user edits the monitor (a longer timeout) before the next write-back
        assertThat(api.put("/api/v1/monitors/" + id, """
                {"service":"monitored","type":"http","url":"%s","timeout":"2s"}""".formatted(sink.baseUrl() + path))
                .status()).isEqualTo(200);
        engine.housekeeping();
        sink.answer(path, Answer.status(200, "ok"));
        api.post("/api/v1/monitors/" + id + "/check", null);
        Await.until("the alert resolves", () -> api.get("/api/v1/alerts?dedup_key=monitor:" + id).json().get(0)
                .get("status").asString().equals("resolved"), Duration.ofSeconds(5));
    }

    @Test
    void movingAFailingMonitorToAnotherServiceResolvesItsAlertThereAndRaisesOneOnTheNewService() {
        String path = "/" + unique("moved");
        String id = alerting(path);

        assertThat(api.put("/api/v1/monitors/" + id, """
                {"service":"storefront","type":"http","url":"%s","timeout":"1500ms"}""".formatted(sink.baseUrl() + path))
                .status()).isEqualTo(200);
        engine.housekeeping();
        Await.until("the old service's alert resolves", () -> api.get("/api/v1/alerts?dedup_key=monitor:" + id).json()
                .get(0).get("status").asString().equals("resolved"), Duration.ofSeconds(10));

        api.post("/api/v1/monitors/" + id + "/check", null);
        Await.until("an alert on the new service", () -> {
            JsonNode alerts = api.get("/api/v1/alerts?dedup_key=monitor:" + id).json();
            return alerts.size() == 2 && alerts.findValuesAsString("status").contains("triggered");
        }, Duration.ofSeconds(10));
        JsonNode alerts = api.get("/api/v1/alerts?dedup_key=monitor:" + id).json();
        assertThat(alerts.findValuesAsString("service")).containsExactlyInAnyOrder("monitored", "storefront");
    }

    /** A raised alert is in the stored state at once, for the node that takes the monitor over if this one dies. */
    @Test
    void theAlertAMonitorRaisedIsStoredAtOnce() {
        String path = "/" + unique("stored");
        String id = alerting(path);
        Await.until("the stored alert level", () -> "critical".equals(jdbc.sql(
                "SELECT alert_level FROM monitor_state WHERE monitor_id = :id").param("id", id).query(String.class)
                .optional().orElse(null)), Duration.ofSeconds(3));
    }

    /**
     * A monitor deleted while this node ran it: the delete resolves the alert it knew of, but the node may have raised
     * one since (here the row goes without the API, so nothing else resolves it): stopping the runtime resolves it.
     */
    @Test
    void aDeletedMonitorsRuntimeResolvesTheAlertItRaised() {
        String id = alerting("/" + unique("deleted"));
        jdbc.sql("DELETE FROM monitor_definition WHERE id = :id").param("id", id).update();
        engine.housekeeping();
        Await.until("the alert resolves", () -> api.get("/api/v1/alerts?dedup_key=monitor:" + id).json().get(0)
                .get("status").asString().equals("resolved"), Duration.ofSeconds(10));
        assertThat(engine.runtime(id)).isEmpty();
    }
}
