package dev.tocsin.alert;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import dev.tocsin.Http;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * "Durable before acknowledged": Tocsin runs in a separate JVM, takes events from concurrent senders, and is
 * killed with SIGKILL mid-stream. After a restart on the same data folder every event answered 202 is there.
 */
class DurabilityTest {

    private static final String KEY = "test-checkout-key-000001";
    private static final int MIN_ACKNOWLEDGED = 1500;

    @TempDir
    Path dataDir;

    @Test
    void everyAcknowledgedEventSurvivesKillMinus9() throws Exception {
        int port = freePort();
        Process first = start(port);
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        AtomicBoolean sending = new AtomicBoolean(true);
        AtomicInteger sequence = new AtomicInteger();
        ExecutorService senders = Executors.newFixedThreadPool(16);
        try {
            awaitHealthy(port, first);
            Http http = new Http(port, null);
            for (int t = 0; t < 16; t++) {
                senders.submit(() -> {
                    Instant deadline = Instant.now().plusSeconds(30);
                    while (sending.get() && Instant.now().isBefore(deadline) && sequence.get() < 50_000) {
                        String key = "durable-" + sequence.incrementAndGet();
                        try {
                            Http.Response r = http.post("/v2/enqueue", """
                                    {"routing_key":"%s","event_action":"trigger","dedup_key":"%s",
                                     "payload":{"summary":"durability","source":"test","severity":"info"}}""".formatted(KEY, key));
                            if (r.status() == 202) {
                                acknowledged.add(key);
                            }
                        } catch (RuntimeException connectionLost) {
                            return;
                        }
                    }
                });
            }
            // Let a steady stream build up, then pull the plug while requests are in flight.
            Instant giveUpAt = Instant.now().plusSeconds(60);
            while (acknowledged.size() < MIN_ACKNOWLEDGED && Instant.now().isBefore(giveUpAt)) {
                Thread.sleep(20);
            }
        } finally {
            first.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            sending.set(false);
            senders.shutdown();
            senders.awaitTermination(30, TimeUnit.SECONDS);
        }
        assertThat(acknowledged).as("events acknowledged before the kill").hasSizeGreaterThanOrEqualTo(MIN_ACKNOWLEDGED);

        Process second = start(port);
        try {
            awaitHealthy(port, second);
            Set<String> stored = storedDedupKeys(new Http(port, Http.ADMIN_KEY));
            Set<String> lost = new HashSet<>(acknowledged);
            lost.removeAll(stored);
            assertThat(lost).as("events answered 202 but missing after kill -9").isEmpty();
            JsonNode verify = new Http(port, Http.ADMIN_KEY).get("/api/v1/audit/verify").json();
            assertThat(verify.get("ok").asBoolean()).as(verify.toString()).isTrue();
        } finally {
            second.destroy();
            second.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private Process start(int port) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // The test configuration's webhook addresses name the receivers' sink; nothing here sends to them.
        List<String> command = new ArrayList<>(List.of(java, "-XX:TieredStopAtLevel=1", "-Xmx512m",
                "-DTOCSIN_TEST_SINK=http://127.0.0.1:9", "-cp", System.getProperty("java.class.path"), "dev.tocsin.TocsinApplication",
                "--server.port=" + port, "--tocsin.data-dir=" + dataDir, "--tocsin.config=classpath:test-tocsin.yml",
                "--tocsin.admin-key=" + Http.ADMIN_KEY, "--tocsin.monitors.enabled=false"));
        File log = dataDir.resolve("tocsin-" + port + "-" + System.nanoTime() + ".log").toFile();
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log).start();
    }

    private static void awaitHealthy(int port, Process process) throws InterruptedException {
        Http http = new Http(port, null);
        Instant deadline = Instant.now().plus(Duration.ofSeconds(90));
        while (Instant.now().isBefore(deadline)) {
            assertThat(process.isAlive()).as("Tocsin exited during start-up").isTrue();
            try {
                if (http.get("/health").status() == 200) {
                    return;
                }
            } catch (RuntimeException notYet) {
                // still starting
            }
            Thread.sleep(200);
        }
        throw new AssertionError("Tocsin did not become healthy within 90 s");
    }

    private static Set<String> storedDedupKeys(Http api) {
        Set<String> keys = new HashSet<>();
        Long before = null;
        while (true) {
            JsonNode page = api.get("/api/v1/alerts?service=checkout&limit=500" + (before == null ? "" : "&before=" + before)).json();
            if (page.isEmpty()) {
                return keys;
            }
            for (JsonNode alert : page) {
                keys.add(alert.get("dedup_key").asString());
                before = alert.get("id").asLong();
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
