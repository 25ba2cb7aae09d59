package dev.tocsin.oncall;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import dev.tocsin.Http;
import dev.tocsin.MutableClock;
import dev.tocsin.TestNodes;
import dev.tocsin.engine.Timers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.util.FileSystemUtils;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Timers survive the application: Tocsin is stopped and started again on the same H2 data folder around the moment
 * an escalation step is due, and the step is taken exactly once.
 */
class EscalationRestartTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
    private Path dataDir;
    private ConfigurableApplicationContext node;

    @BeforeEach
    void folder() throws IOException {
        dataDir = Files.createTempDirectory("tocsin-restart");
    }

    @AfterEach
    void cleanUp() {
        stop();
        FileSystemUtils.deleteRecursively(dataDir.toFile());
    }

    private void start(String... more) {
        String[] args = new String[more.length + 1];
        args[0] = "--tocsin.monitors.enabled=false";
        System.arraycopy(more, 0, args, 1, more.length);
        node = TestNodes.start(dataDir, clock, args);
    }

    private void stop() {
        if (node != null) {
            node.close();
            node = null;
        }
    }

    private Http api() {
        return TestNodes.http(node, Http.ADMIN_KEY);
    }

    private long openIncident() {
        Http.Response r = api().post("/v2/enqueue", """
                {"routing_key":"test-payments-key-000001","event_action":"trigger","dedup_key":"restart",
                 "payload":{"summary":"card payments failing","source":"lb","severity":"error"}}""");
        assertThat(r.status()).isEqualTo(202);
        return api().get("/api/v1/alerts?dedup_key=restart").json().get(0).get("incident_id").asLong();
    }

    private JsonNode pages(long id) {
        return api().get("/api/v1/incidents/" + id + "/escalation").json().get("pages");
    }

    private void awaitPages(long id, int count) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(15);
        while (pages(id).size() < count) {
            assertThat(Instant.now()).as("waiting for " + count + " pages").isBefore(deadline);
            Thread.sleep(50);
        }
        Thread.sleep(1200); // two more polls: time for a duplicate to show
        assertThat(pages(id)).hasSize(count);
    }

    @Test
    void aStepThatCameDueWhileTocsinWasDownIsTakenAtOnceOnStart() throws Exception {
        start();
        long id = openIncident();
        assertThat(pages(id)).hasSize(1);
        stop();

        clock.advance(Duration.ofMinutes(20));
        start();
        awaitPages(id, 2);
        assertThat(pages(id).get(1).get("user").asString()).isEqualTo("ana");
        assertThat(pages(id).get(1).get("paged_at").asString()).isEqualTo("2026-03-01T10:20:00Z");
    }

    @Test
    void aPolicyThatLostTheLevelDueNextGoesOnAsIfItsLastLevelHadBeenPaged() throws Exception {
        start();
        long id = openIncident();
        clock.advance(Duration.ofMinutes(15));
        node.getBean(Timers.class).checkNow();
        awaitPages(id, 2); // bo, then ana; the engineering manager is next, at 10:30
        stop();

        // Between restarts the payments policy loses its third level.
        String config;
        try (var in = getClass().getResourceAsStream("/test-tocsin.yml")) {
            config = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        String shorter = config
                .replace("      - {name: engineering manager, targets: [{user: carla}], delay: 30m}\n", "")
                .replace("P0: {start_level: 1, through_level: 3}", "P0: {start_level: 1, through_level: 2}");
        assertThat(shorter).isNotEqualTo(config);
        Path file = dataDir.resolve("shorter.yml");
        Files.writeString(file, shorter);

        clock.advance(Duration.ofMinutes(16));
        start("--tocsin.config=" + file);
        node.getBean(Timers.class).checkNow();
        awaitPages(id, 3);
        assertThat(pages(id).get(2).get("user").asString()).as("the repeat, from level 1").isEqualTo("bo");
    }

    @Test
    void aRestartInTheMiddleOfTheWaitNeitherLosesNorDoublesTheNextPage() throws Exception {
        start();
        long id = openIncident();
        clock.advance(Duration.ofMinutes(10));
        stop();

        start();
        clock.advance(Duration.ofMinutes(5));
        node.getBean(Timers.class).checkNow();
        awaitPages(id, 2);
        assertThat(api().get("/api/v1/outbox?incident=" + id).json()).hasSize(2);
        JsonNode verify = api().get("/api/v1/audit/verify").json();
        assertThat(verify.get("ok").asBoolean()).as(verify.toString()).isTrue();
    }
}
