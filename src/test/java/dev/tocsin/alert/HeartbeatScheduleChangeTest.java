package dev.tocsin.alert;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import dev.tocsin.Http;
import dev.tocsin.MutableClock;
import dev.tocsin.TestNodes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.util.FileSystemUtils;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/** A heartbeat whose interval changes in the file between two starts is due by its new schedule, from its last ping. */
class HeartbeatScheduleChangeTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
    private Path dataDir;
    private ConfigurableApplicationContext node;

    @BeforeEach
    void folder() throws IOException {
        dataDir = Files.createTempDirectory("tocsin-heartbeat-schedule");
    }

    @AfterEach
    void cleanUp() {
        if (node != null) {
            node.close();
        }
        FileSystemUtils.deleteRecursively(dataDir.toFile());
    }

    private void start(String config) {
        if (node != null) {
            node.close();
        }
        node = TestNodes.start(dataDir, clock, "--tocsin.monitors.enabled=false", "--tocsin.config=" + config);
    }

    private JsonNode heartbeat(String name) {
        for (JsonNode h : TestNodes.http(node, Http.ADMIN_KEY).get("/api/v1/heartbeats").json()) {
            if (h.get("name").asString().equals(name)) {
                return h;
            }
        }
        throw new AssertionError("no heartbeat " + name);
    }

    @Test
    void aChangedIntervalMovesTheDeadlineFromTheLastPing() throws IOException {
        String config;
        try (InputStream in = getClass().getResourceAsStream("/test-tocsin.yml")) {
            config = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Path original = dataDir.resolve("original.yml");
        Files.writeString(original, config);
        start(original.toString());
        assertThat(TestNodes.http(node, null).post("/api/v1/heartbeat/test-batch-key-000000001/nightly-backup", null)
                .status()).isEqualTo(200);
        assertThat(heartbeat("nightly-backup").get("due_at").asString()).isEqualTo("2026-03-01T11:05:00Z");
        String weeklyDue = heartbeat("weekly-report").get("due_at").asString();

        // The nightly job now runs daily, with an hour's grace; the weekly one is untouched.
        String daily = config.replace("{name: nightly-backup, interval: 1h, grace: 5m, severity: error}",
                "{name: nightly-backup, interval: 1d, grace: 1h, severity: error}");
        assertThat(daily).isNotEqualTo(config);
        Path changed = dataDir.resolve("changed.yml");
        Files.writeString(changed, daily);
        clock.advance(Duration.ofMinutes(30));
        start(changed.toString());

        assertThat(heartbeat("nightly-backup").get("due_at").asString()).as("the last ping plus 1d and 1h")
                .isEqualTo("2026-03-02T11:00:00Z");
        assertThat(heartbeat("weekly-report").get("due_at").asString()).isEqualTo(weeklyDue);
    }
}
