package dev.tocsin.monitor;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import dev.tocsin.Await;
import dev.tocsin.Http;
import dev.tocsin.TestNodes;
import dev.tocsin.TestReceivers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.util.FileSystemUtils;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Monitors of the file across restarts: a pause is remembered by the database while the file defines the monitor and
 * forgotten once it does not; a monitor whose environment variable is unset after a restart resolves the alert it had
 * raised, since no runtime will ever resolve it.
 */
class MonitorPauseRestartTest {

    private static final String VARIABLE = "TOCSIN_TEST_REBUILT_PORT";
    private static final String CLOSED_PORT_MONITOR = """
              - id: closed-port
                service: monitored
                type: tcp
                host: 127.0.0.1
                port: ${TOCSIN_TEST_CLOSED_PORT}
            """;

    private Path dataDir;
    private ConfigurableApplicationContext node;
    private String config;

    @BeforeEach
    void folder() throws IOException {
        dataDir = Files.createTempDirectory("tocsin-monitor-pause");
        TestReceivers.start();
        try (InputStream in = getClass().getResourceAsStream("/test-tocsin.yml")) {
            config = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(config).contains(CLOSED_PORT_MONITOR);
    }

    @AfterEach
    void cleanUp() {
        if (node != null) {
            node.close();
        }
        System.clearProperty(VARIABLE);
        FileSystemUtils.deleteRecursively(dataDir.toFile());
    }

    private Http start(String yaml) throws IOException {
        if (node != null) {
            node.close();
        }
        Path file = Files.createTempFile(dataDir, "tocsin", ".yml");
        Files.writeString(file, yaml);
        node = TestNodes.start(dataDir, null, "--tocsin.config=" + file, "--tocsin.delivery.enabled=false");
        node.getBean(MonitorEngine.class).housekeeping();
        return TestNodes.http(node, Http.ADMIN_KEY);
    }

    private static List<JsonNode> audit(Http api, String kind) {
        return api.ledger().stream().filter(e -> e.get("kind").asString().equals(kind)).toList();
    }

    /** The reasons the alert.resolved entries give, where they give one. */
    private static List<String> reasons(Http api) {
        return audit(api, "alert.resolved").stream().filter(e -> e.get("data").has("reason"))
                .map(e -> e.get("data").get("reason").asString()).toList();
    }

    private static JsonNode alert(Http api) {
        JsonNode alerts = api.get("/api/v1/alerts?dedup_key=monitor:closed-port").json();
        return alerts.isEmpty() ? null : alerts.get(0);
    }

    /** Checks the failing monitor until its alert is open (after its retries). */
    private static void raiseTheAlert(Http api) {
        Await.until("the closed port's alert", () -> {
            assertThat(api.post("/api/v1/monitors/closed-port/check", null).status()).isEqualTo(200);
            JsonNode a = alert(api);
            return a != null && a.get("status").asString().equals("triggered");
        }, Duration.ofSeconds(20));
    }

    private static String level(Http api) {
        return api.get("/api/v1/monitors/closed-port").json().get("level").asString();
    }

    @Test
    void aPauseOfAFileMonitorSurvivesARestartAndIsForgottenOnceTheFileDropsIt() throws IOException {
        Http first = start(config);
        raiseTheAlert(first);
        Http.Response paused = first.as(Http.WRITE_KEY).post("/api/v1/monitors/closed-port/pause", null);
        assertThat(paused.status()).as(paused.body()).isEqualTo(200);
        Await.until("the alert resolved by the pause", () -> alert(first).get("status").asString().equals("resolved"),
                Duration.ofSeconds(10));
        String actor = audit(first, "monitor.paused").get(0).get("actor").asString();
        assertThat(reasons(first)).contains("monitor paused by " + actor);

        Http api = start(config);
        assertThat(level(api)).as("remembered across the restart").isEqualTo("paused");
        assertThat(node.getBean(MonitorEngine.class).runtime("closed-port")).as("no node runs it").isEmpty();
        assertThat(api.post("/api/v1/monitors/closed-port/check", null).status()).isEqualTo(409);

        api = start(config.replace(CLOSED_PORT_MONITOR, ""));
        assertThat(api.get("/api/v1/monitors/closed-port").status()).isEqualTo(404);

        api = start(config);
        assertThat(level(api)).as("a monitor the file dropped and defines again starts unpaused").isNotEqualTo("paused");
        assertThat(node.getBean(MonitorEngine.class).runtime("closed-port")).isPresent();
    }

    @Test
    void aFileMonitorUnconfiguredByARestartResolvesTheAlertItRaisedSayingWhy() throws IOException {
        System.setProperty(VARIABLE, System.getProperty("TOCSIN_TEST_CLOSED_PORT"));
        String rebuilt = config.replace(CLOSED_PORT_MONITOR, CLOSED_PORT_MONITOR.replace("TOCSIN_TEST_CLOSED_PORT", VARIABLE));
        Http api = start(rebuilt);
        raiseTheAlert(api);
        long incident = alert(api).get("incident_id").asLong();

        System.clearProperty(VARIABLE);
        Http restarted = start(rebuilt);
        assertThat(level(restarted)).isEqualTo("unconfigured");
        Await.until("the alert of the unconfigured monitor resolved",
                () -> alert(restarted).get("status").asString().equals("resolved"), Duration.ofSeconds(15));
        assertThat(restarted.get("/api/v1/incidents/" + incident).json().get("status").asString()).isEqualTo("resolved");
        assertThat(reasons(restarted)).contains("monitor no longer configured: " + VARIABLE + " not set");
    }
}
