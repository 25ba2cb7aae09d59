package dev.tocsin.notify;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;

import dev.tocsin.Await;
import dev.tocsin.Http;
import dev.tocsin.LoopbackSink.Answer;
import dev.tocsin.LoopbackSink;
import dev.tocsin.MutableClock;
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
 * The delivery worker as it runs in production, on its own thread: it wakes when a transaction that enqueued a
 * message commits (the poll interval here is an hour, so nothing else could send it), and a message still waiting
 * when the application stops is delivered by the next start on the same data folder.
 */
class DeliveryRestartTest {

    private static final String PATH = "/hook/resume";

    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
    private final LoopbackSink sink = TestReceivers.sink();
    private Path dataDir;
    private ConfigurableApplicationContext node;

    @BeforeEach
    void folder() throws IOException {
        dataDir = Files.createTempDirectory("tocsin-delivery-restart");
    }

    @AfterEach
    void cleanUp() {
        stop();
        sink.answer(PATH, Answer.status(200));
        FileSystemUtils.deleteRecursively(dataDir.toFile());
    }

    private void start() {
        node = TestNodes.start(dataDir, clock, "--tocsin.monitors.enabled=false", "--tocsin.delivery.poll-interval=1h",
                "--tocsin.delivery.backoff=1s");
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

    private JsonNode message(long incident) {
        return api().get("/api/v1/outbox?incident=" + incident).json().get(0);
    }

    @Test
    void aMessageIsSentOnCommitAndOneStillWaitingIsSentAfterARestart() throws Exception {
        sink.answer(PATH, Answer.status(503));
        int before = sink.requests(PATH).size();
        start();
        assertThat(api().post("/v2/enqueue", """
                {"routing_key":"test-resumable-key-00001","event_action":"trigger","dedup_key":"resume-1",
                 "payload":{"summary":"queue stuck","source":"worker","severity":"error"}}""").status()).isEqualTo(202);
        await("the incident", () -> api().get("/api/v1/alerts?dedup_key=resume-1").json().size() == 1
                && !api().get("/api/v1/alerts?dedup_key=resume-1").json().get(0).get("incident_id").isNull());
        long incident = api().get("/api/v1/alerts?dedup_key=resume-1").json().get(0).get("incident_id").asLong();
        await("the first attempt, woken by the commit", () -> sink.requests(PATH).size() == before + 1
                && message(incident).get("attempts").asInt() == 1 && !message(incident).get("last_error").isNull());
        assertThat(message(incident).get("status").asString()).isEqualTo("pending");
        stop();

        sink.answer(PATH, Answer.status(200));
        clock.advance(Duration.ofSeconds(2)); // past the 1 s back-off
        start();
        await("delivery after the restart", () -> "sent".equals(message(incident).get("status").asString()));
        assertThat(message(incident).get("attempts").asInt()).isEqualTo(2);
        assertThat(sink.requests(PATH)).hasSize(before + 2);
        assertThat(sink.requests(PATH).get(before).header("Idempotency-Key"))
                .isEqualTo(sink.requests(PATH).get(before + 1).header("Idempotency-Key"));
    }

    private static void await(String what, BooleanSupplier condition) {
        Await.until(what, condition, Duration.ofSeconds(15));
    }
}
