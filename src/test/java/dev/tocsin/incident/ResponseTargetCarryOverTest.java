package dev.tocsin.incident;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import dev.tocsin.Http;
import dev.tocsin.MutableClock;
import dev.tocsin.TestNodes;
import dev.tocsin.engine.Processor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.util.FileSystemUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Incidents opened before response targets were kept on the incident (version 7 dropped their timers) still get
 * their breach: the first start of the new version gives them a due time from the severity scale.
 */
class ResponseTargetCarryOverTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
    private Path dataDir;
    private ConfigurableApplicationContext node;

    @AfterEach
    void cleanUp() {
        if (node != null) {
            node.close();
        }
        if (dataDir != null) {
            FileSystemUtils.deleteRecursively(dataDir.toFile());
        }
    }

    @Test
    void anIncidentWithoutADueTimeGetsOneAtTheNextStart() throws IOException {
        dataDir = Files.createTempDirectory("tocsin-carry-over");
        node = TestNodes.start(dataDir, clock, "--tocsin.monitors.enabled=false");
        long waiting = declare("P0");
        long acknowledged = declare("P0");
        TestNodes.http(node, Http.ADMIN_KEY).post("/api/v1/incidents/" + acknowledged + "/acknowledge", null);
        // What an incident opened by version 6 looks like: no due time (its timer row is gone with V7).
        node.getBean(JdbcClient.class).sql("UPDATE incident_state SET response_due_at = NULL").update();
        node.close();

        node = TestNodes.start(dataDir, clock, "--tocsin.monitors.enabled=false");
        clock.advance(Duration.ofMinutes(5));
        responseTargets().runCycle();

        assertThat(breaches(waiting)).isEqualTo(1);
        assertThat(breaches(acknowledged)).isZero();
    }

    private long declare(String severity) {
        return TestNodes.http(node, Http.ADMIN_KEY).post("/api/v1/incidents",
                "{\"title\":\"carried over\",\"service\":\"checkout\",\"severity\":\"" + severity + "\"}").json().get("id").asLong();
    }

    private Processor responseTargets() {
        return node.getBeansOfType(Processor.class).values().stream()
                .filter(p -> p.name().equals("response-targets")).findFirst().orElseThrow();
    }

    private long breaches(long incident) {
        return node.getBean(JdbcClient.class)
                .sql("SELECT COUNT(*) FROM timeline_event WHERE incident_id = :id AND kind = 'incident.response_target_breached'")
                .param("id", incident).query(Long.class).single();
    }
}
