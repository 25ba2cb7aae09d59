package dev.tocsin.monitor;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;

import dev.tocsin.Await;
import dev.tocsin.EmbeddedPostgresSupport;
import dev.tocsin.Http;
import dev.tocsin.LoopbackSink;
import dev.tocsin.TestNodes;
import dev.tocsin.TestReceivers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The scheduler as it runs in production, on the real clock: two nodes share one PostgreSQL database, a monitor
 * runs on exactly one of them at its interval, and when that node stops the other takes it over.
 */
class MonitorSchedulingTest {

    private final LoopbackSink sink = TestReceivers.sink();
    private ConfigurableApplicationContext nodeA;
    private ConfigurableApplicationContext nodeB;

    @AfterEach
    void stop() {
        for (ConfigurableApplicationContext node : new ConfigurableApplicationContext[] {nodeA, nodeB}) {
            if (node != null && node.isActive()) {
                node.close();
            }
        }
    }

    private static ConfigurableApplicationContext start(String url, String name) throws Exception {
        return TestNodes.start(Files.createTempDirectory("tocsin-monitor-node"), null, TestNodes.onPostgres(url,
                "--tocsin.node-name=" + name, "--tocsin.monitors.housekeeping=200ms", "--tocsin.monitors.lease=2s"));
    }

    private static Http http(ConfigurableApplicationContext node) {
        return TestNodes.http(node, Http.ADMIN_KEY);
    }

    @Test
    void aMonitorRunsAtItsIntervalOnOneNodeAndMovesWhenThatNodeStops() throws Exception {
        String url = EmbeddedPostgresSupport.newDatabase();
        nodeA = start(url, "node-a");
        nodeB = start(url, "node-b");
        String id = "scheduled-" + System.nanoTime();
        String path = "/" + id;
        assertThat(http(nodeA).put("/api/v1/monitors/" + id, """
                {"service":"monitored","type":"http","url":"%s%s","interval":"1s","timeout":"500ms"}"""
                .formatted(sink.baseUrl(), path)).status()).isEqualTo(201);

        await("four checks", () -> sink.requests(path).size() >= 4);
        List<LoopbackSink.Request> requests = sink.requests(path);
        for (int i = 1; i < 4; i++) {
            long gap = (requests.get(i).receivedNanos() - requests.get(i - 1).receivedNanos()) / 1_000_000;
            assertThat(gap).as("checks at a fixed one-second rate, one node only").isBetween(500L, 1500L);
        }
        String owner = http(nodeB).get("/api/v1/monitors/" + id).json().get("node").asString();
        assertThat(owner).startsWith("node-");
        await("the level is stored", () -> "up".equals(http(nodeB).get("/api/v1/monitors/" + id).json().get("level").asString()));

        ConfigurableApplicationContext running = owner.startsWith("node-a") ? nodeA : nodeB;
        ConfigurableApplicationContext other = running == nodeA ? nodeB : nodeA;
        running.close();
        int before = sink.requests(path).size();
        await("the other node takes over", () -> sink.requests(path).size() >= before + 3);
        assertThat(http(other).get("/api/v1/monitors/" + id).json().get("node").asString())
                .startsWith(other == nodeA ? "node-a" : "node-b");
    }

    /**
     * The node that runs the monitor is not the one the incident was resolved on: it learns of the resolve from the
     * database, raises a new alert while the target keeps failing, and resolves that one when the target recovers.
     */
    @Test
    void anIncidentResolvedByHandOnTheOtherNodeOpensANewOneWhileTheTargetKeepsFailing() throws Exception {
        String url = EmbeddedPostgresSupport.newDatabase();
        nodeA = start(url, "node-a");
        nodeB = start(url, "node-b");
        String id = "resolved-by-hand-" + System.nanoTime();
        String path = "/" + id;
        sink.answer(path, LoopbackSink.Answer.status(503, "down"));
        assertThat(http(nodeA).put("/api/v1/monitors/" + id, """
                {"service":"monitored","type":"http","url":"%s%s","interval":"1s","timeout":"500ms"}"""
                .formatted(sink.baseUrl(), path)).status()).isEqualTo(201);
        String alerts = "/api/v1/alerts?dedup_key=monitor:" + id;
        await("the first alert", () -> http(nodeA).get(alerts).json().size() == 1);
        long first = http(nodeA).get(alerts).json().get(0).get("incident_id").asLong();

        String owner = http(nodeA).get("/api/v1/monitors/" + id).json().get("node").asString();
        ConfigurableApplicationContext other = owner.startsWith("node-a") ? nodeB : nodeA;
        assertThat(http(other).post("/api/v1/incidents/" + first + "/resolve", "{}").status()).isEqualTo(200);

        await("a second alert", () -> http(other).get(alerts).json().size() == 2);
        tools.jackson.databind.JsonNode second = http(other).get(alerts).json().get(0);
        assertThat(second.get("status").asString()).isEqualTo("triggered");
        assertThat(second.get("incident_id").asLong()).isNotEqualTo(first);

        sink.answer(path, LoopbackSink.Answer.status(200, "ok"));
        await("the second alert resolves", () -> "resolved".equals(
                http(other).get(alerts).json().get(0).get("status").asString()));
        assertThat(http(other).get(alerts).json()).hasSize(2);
    }

    private static void await(String what, BooleanSupplier condition) {
        Await.until(what, condition, Duration.ofSeconds(20));
    }
}
