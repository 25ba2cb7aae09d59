package dev.tocsin.monitor;

import java.nio.file.Files;
import java.time.Instant;

import dev.tocsin.EmbeddedPostgresSupport;
import dev.tocsin.Http;
import dev.tocsin.LoopbackSink;
import dev.tocsin.MutableClock;
import dev.tocsin.TestNodes;
import dev.tocsin.TestReceivers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/** Two nodes on one PostgreSQL database: the one that does not run a monitor still shows its last checks. */
class RecentChecksOnEveryNodeTest {

    private static ConfigurableApplicationContext runner;
    private static ConfigurableApplicationContext other;

    @BeforeAll
    static void startTwoNodes() throws Exception {
        TestReceivers.start();
        String url = EmbeddedPostgresSupport.newDatabase();
        MutableClock clock = new MutableClock(Instant.parse("2026-05-01T08:00:00Z"));
        runner = TestNodes.start(Files.createTempDirectory("tocsin-node"), clock,
                TestNodes.onPostgres(url, "--tocsin.monitors.enabled=false"));
        other = TestNodes.start(Files.createTempDirectory("tocsin-node"), clock,
                TestNodes.onPostgres(url, "--tocsin.monitors.enabled=false"));
    }

    @AfterAll
    static void stop() {
        if (runner != null) {
            runner.close();
        }
        if (other != null) {
            other.close();
        }
    }

    @Test
    void theLastChecksAreWrittenBackForEveryNode() {
        TestReceivers.sink().answer("/health/data", LoopbackSink.Answer.status(200,
                "{\"data_status\":{\"last_sync_at\":\"2026-05-01T07:00:00Z\"}}"));
        MonitorEngine engine = runner.getBean(MonitorEngine.class);
        engine.housekeeping(); // the runner takes the leases; the other node never does
        Http onRunner = TestNodes.http(runner, Http.ADMIN_KEY);
        Http onOther = TestNodes.http(other, Http.ADMIN_KEY);
        for (int i = 0; i < 3; i++) {
            assertThat(onRunner.post("/api/v1/monitors/freshness/check", null).status()).isEqualTo(200);
        }
        assertThat(onOther.get("/api/v1/monitors/freshness/results").json().get("recent")).as("nothing written back yet")
                .isEmpty();

        engine.flush();

        JsonNode recent = onOther.get("/api/v1/monitors/freshness/results").json().get("recent");
        assertThat(recent).hasSize(3);
        assertThat(recent.get(0).get("monitor").asString()).isEqualTo("freshness");
        assertThat(recent.get(0).get("level").asString()).isEqualTo("up");
        assertThat(recent.get(0).get("reason").asString()).startsWith("HTTP 200");
        assertThat(onRunner.get("/api/v1/monitors/freshness/results").json().get("recent").toString())
                .as("the same checks on the node that ran them").isEqualTo(recent.toString());
    }
}
