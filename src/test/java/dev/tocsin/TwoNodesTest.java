package dev.tocsin;

import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import dev.tocsin.engine.Engine;
import dev.tocsin.notify.Delivery;
import dev.tocsin.engine.Timers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/** Two Tocsin nodes share one PostgreSQL database: the same events sent to both never open duplicates. */
class TwoNodesTest {

    private static final String KEY = "test-checkout-key-000001";
    private static final MutableClock CLOCK = new MutableClock(Instant.parse("2026-05-01T08:00:00Z"));
    private static ConfigurableApplicationContext nodeA;
    private static ConfigurableApplicationContext nodeB;

    @BeforeAll
    static void startTwoNodes() throws Exception {
        TestReceivers.start();
        String url = EmbeddedPostgresSupport.newDatabase();
        nodeA = start(url);
        nodeB = start(url);
    }

    @AfterAll
    static void stop() {
        if (nodeA != null) {
            nodeA.close();
        }
        if (nodeB != null) {
            nodeB.close();
        }
    }

    private static ConfigurableApplicationContext start(String url) throws Exception {
        return TestNodes.start(Files.createTempDirectory("tocsin-node"), CLOCK,
                TestNodes.onPostgres(url, "--tocsin.monitors.enabled=false"));
    }

    private static Http http(ConfigurableApplicationContext node, String key) {
        return TestNodes.http(node, key);
    }

    @Test
    void theSameTriggerOnBothNodesFoldsIntoOneAlert() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<CompletableFuture<Integer>> sends = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                String body = """
                        {"routing_key":"%s","event_action":"trigger","dedup_key":"both-%d",
                         "payload":{"summary":"seen by both","source":"lb","severity":"error"}}""".formatted(KEY, i);
                for (ConfigurableApplicationContext node : List.of(nodeA, nodeB)) {
                    sends.add(CompletableFuture.supplyAsync(() -> http(node, null).post("/v2/enqueue", body).status(), pool));
                }
            }
            for (CompletableFuture<Integer> s : sends) {
                assertThat(s.get()).isEqualTo(202);
            }
        } finally {
            pool.shutdown();
        }
        Http api = http(nodeA, Http.ADMIN_KEY);
        for (int i = 0; i < 100; i++) {
            JsonNode alerts = api.get("/api/v1/alerts?dedup_key=both-" + i).json();
            assertThat(alerts).as("alerts for both-" + i).hasSize(1);
            assertThat(alerts.get(0).get("event_count").asInt()).isEqualTo(2);
        }
        assertThat(api.get("/api/v1/incidents?status=open&service=checkout&limit=500").json().get("incidents").size()).isEqualTo(100);
        JsonNode verify = http(nodeB, Http.ADMIN_KEY).get("/api/v1/audit/verify").json();
        assertThat(verify.get("ok").asBoolean()).as(verify.toString()).isTrue();
    }

    /**
     * The open alert of a key is its newest, so alert ids must follow the order alerts are opened in on every node. A
     * sequence with a cache hands each PostgreSQL connection a block of its own: a key resolved on one node and
     * triggered again on the other then got a lower id than its resolved alert, and the next repeat opened a third.
     */
    @Test
    void aKeyTriggeredAgainOnTheOtherNodeFoldsItsRepeatsIntoTheNewAlert() {
        for (int i = 0; i < 20; i++) {
            ConfigurableApplicationContext first = i % 2 == 0 ? nodeA : nodeB;
            ConfigurableApplicationContext second = i % 2 == 0 ? nodeB : nodeA;
            String key = "again-" + i;
            assertThat(http(first, null).post("/v2/enqueue", event("trigger", key)).status()).isEqualTo(202);
            assertThat(http(first, null).post("/v2/enqueue", event("resolve", key)).status()).isEqualTo(202);
            assertThat(http(second, null).post("/v2/enqueue", event("trigger", key)).status()).isEqualTo(202);
            assertThat(http(second, null).post("/v2/enqueue", event("trigger", key)).status()).isEqualTo(202);
            assertThat(http(first, null).post("/v2/enqueue", event("trigger", key)).status()).isEqualTo(202);
        }
        Http api = http(nodeA, Http.ADMIN_KEY);
        for (int i = 0; i < 20; i++) {
            JsonNode alerts = api.get("/api/v1/alerts?dedup_key=again-" + i).json();
            assertThat(alerts).as("alerts for again-" + i).hasSize(2);
            assertThat(alerts.get(0).get("status").asString()).isEqualTo("triggered");
            assertThat(alerts.get(0).get("event_count").asInt()).as("repeats of again-" + i).isEqualTo(3);
            assertThat(alerts.get(1).get("status").asString()).isEqualTo("resolved");
            assertThat(alerts.get(0).get("id").asLong()).isGreaterThan(alerts.get(1).get("id").asLong());
        }
    }

    private static String event(String action, String key) {
        return """
                {"routing_key":"%s","event_action":"%s","dedup_key":"%s",
                 "payload":{"summary":"seen again","source":"lb","severity":"error"}}""".formatted(KEY, action, key);
    }

    /**
     * A client that retries a declaration with its Idempotency-Key may reach the other node, at the same moment: the
     * key is looked up under the timeline lock and stored with the incident, so the pair makes one incident.
     */
    @Test
    void theSameIdempotencyKeyOnBothNodesAtOnceDeclaresOneIncident() throws Exception {
        int keys = 20;
        String token = "declared-twice-" + System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(16);
        List<List<CompletableFuture<Http.Response>>> pairs = new ArrayList<>();
        try {
            for (int i = 0; i < keys; i++) {
                String body = "{\"title\":\"" + token + " " + i + "\",\"service\":\"checkout\",\"severity\":\"P2\"}";
                String key = token + "-" + i;
                List<CompletableFuture<Http.Response>> pair = new ArrayList<>();
                for (ConfigurableApplicationContext node : List.of(nodeA, nodeB)) {
                    Http api = http(node, Http.ADMIN_KEY);
                    pair.add(CompletableFuture.supplyAsync(() -> api.send(api.request("/api/v1/incidents")
                            .header("Content-Type", "application/json").header("Idempotency-Key", key)
                            .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body))), pool));
                }
                pairs.add(pair);
            }
            for (List<CompletableFuture<Http.Response>> pair : pairs) {
                Http.Response a = pair.get(0).get(60, java.util.concurrent.TimeUnit.SECONDS);
                Http.Response b = pair.get(1).get(60, java.util.concurrent.TimeUnit.SECONDS);
                assertThat(a.status()).as(a.body()).isEqualTo(201);
                assertThat(b.status()).as(b.body()).isEqualTo(201);
                assertThat(a.json().get("id").asLong()).isEqualTo(b.json().get("id").asLong());
                assertThat(List.of(String.valueOf(a.header("Idempotent-Replayed")), String.valueOf(b.header("Idempotent-Replayed"))))
                        .as("one declared, the other answered with it").containsExactlyInAnyOrder("true", "null");
            }
        } finally {
            pool.shutdown();
        }
        long declared = 0;
        for (JsonNode i : http(nodeB, Http.ADMIN_KEY).get("/api/v1/incidents?service=checkout&limit=500").json().get("incidents")) {
            declared += i.get("title").asString().startsWith(token + " ") ? 1 : 0;
        }
        assertThat(declared).isEqualTo(keys);
    }

    @Test
    void aBackupOnPostgresqlIsPgDumpsJob() {
        Http.Response r = http(nodeA, Http.ADMIN_KEY).get("/api/v1/backup");
        assertThat(r.status()).isEqualTo(409);
        assertThat(r.json().get("detail").asString()).contains("PostgreSQL").contains("pg_dump");
    }

    @Test
    void aMissedHeartbeatIsAlertedOnceWhenBothNodesCheck() throws Exception {
        CLOCK.advance(Duration.ofHours(3));
        CompletableFuture<Void> a = CompletableFuture.runAsync(() -> nodeA.getBean(Engine.class).runCycle());
        CompletableFuture<Void> b = CompletableFuture.runAsync(() -> nodeB.getBean(Engine.class).runCycle());
        a.get();
        b.get();
        JsonNode alerts = http(nodeB, Http.ADMIN_KEY).get("/api/v1/alerts?dedup_key=heartbeat:nightly-backup").json();
        assertThat(alerts).hasSize(1);
        assertThat(alerts.get(0).get("event_count").asInt()).isEqualTo(1);
    }

    /** Both nodes poll the same timer table: every escalation step pages its level once, not once per node. */
    @Test
    void everyEscalationStepPagesExactlyOnce() throws Exception {
        int incidents = 30;
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < incidents; i++) {
            ConfigurableApplicationContext node = i % 2 == 0 ? nodeA : nodeB;
            String dedup = "escalate-" + i;
            assertThat(http(node, null).post("/v2/enqueue", """
                    {"routing_key":"test-payments-key-000001","event_action":"trigger","dedup_key":"%s",
                     "payload":{"summary":"card payments failing","source":"lb","severity":"error"}}""".formatted(dedup))
                    .status()).isEqualTo(202);
            ids.add(http(nodeA, Http.ADMIN_KEY).get("/api/v1/alerts?dedup_key=" + dedup).json().get(0).get("incident_id").asLong());
        }
        CLOCK.advance(Duration.ofMinutes(15));
        nodeA.getBean(Timers.class).checkNow();
        nodeB.getBean(Timers.class).checkNow();

        Http api = http(nodeB, Http.ADMIN_KEY);
        Instant deadline = Instant.now().plusSeconds(20);
        while (ids.stream().anyMatch(id -> api.get("/api/v1/incidents/" + id + "/escalation").json().get("pages").size() < 2)) {
            assertThat(Instant.now()).as("every incident reaches level 2").isBefore(deadline);
            Thread.sleep(50);
        }
        Thread.sleep(1500); // two more polls on each node: time for a duplicate to show
        for (long id : ids) {
            JsonNode pages = api.get("/api/v1/incidents/" + id + "/escalation").json().get("pages");
            assertThat(pages).as("pages of incident " + id).hasSize(2);
            assertThat(pages.get(1).get("level").asInt()).isEqualTo(2);
            assertThat(api.get("/api/v1/outbox?incident=" + id).json()).as("messages of incident " + id).hasSize(2);
        }
        JsonNode verify = api.get("/api/v1/audit/verify").json();
        assertThat(verify.get("ok").asBoolean()).as(verify.toString()).isTrue();
    }

    /** Both nodes' delivery workers see the same outbox: every message reaches its receiver exactly once. */
    @Test
    void everyMessageIsDeliveredOnceThoughBothNodesSend() throws Exception {
        LoopbackSink sink = TestReceivers.sink();
        sink.answer("/hook/resume", LoopbackSink.Answer.slow(20)); // a receiver slow enough for passes to overlap
        String token = "both-nodes-" + System.nanoTime();
        int messages = 40;
        try {
            for (int i = 0; i < messages; i++) {
                ConfigurableApplicationContext node = i % 2 == 0 ? nodeA : nodeB;
                assertThat(http(node, null).post("/v2/enqueue", """
                        {"routing_key":"test-resumable-key-00001","event_action":"trigger","dedup_key":"%s-%d",
                         "payload":{"summary":"%s %d","source":"worker","severity":"error"}}""".formatted(token, i, token, i))
                        .status()).isEqualTo(202);
                nodeA.getBean(Delivery.class).wake();
                nodeB.getBean(Delivery.class).wake();
            }
            Instant deadline = Instant.now().plusSeconds(30);
            while (sink.requests("/hook/resume").stream().filter(r -> r.body().contains(token)).count() < messages) {
                assertThat(Instant.now()).as("all " + messages + " messages delivered").isBefore(deadline);
                Thread.sleep(50);
            }
            Thread.sleep(1500); // more passes on each node: time for a duplicate to show
            List<String> keys = sink.requests("/hook/resume").stream().filter(r -> r.body().contains(token))
                    .map(r -> r.header("Idempotency-Key")).toList();
            assertThat(keys).hasSize(messages).doesNotHaveDuplicates();
        } finally {
            sink.answer("/hook/resume", LoopbackSink.Answer.status(200));
        }
    }
}
