package dev.tocsin.notify;

import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import dev.tocsin.EmbeddedPostgresSupport;
import dev.tocsin.Http;
import dev.tocsin.LoopbackSink;
import dev.tocsin.LoopbackSink.Answer;
import dev.tocsin.MutableClock;
import dev.tocsin.TestNodes;
import dev.tocsin.TestReceivers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two nodes deliver from one PostgreSQL database to receivers on loopback: a destination's rate limit and its
 * Retry-After (of a 429 or a 503) hold for both nodes together, and a node whose clock is behind the writer's still
 * times every message.
 * Each node has its own clock; delivery is driven by the test (the send-test call and {@link Delivery#drain}).
 */
class DeliveryAcrossNodesTest {

    private static final Instant START = Instant.parse("2026-06-01T09:00:00Z");
    private static final MutableClock CLOCK_A = new MutableClock(START);
    private static final MutableClock CLOCK_B = new MutableClock(START);
    private static ConfigurableApplicationContext nodeA;
    private static ConfigurableApplicationContext nodeB;

    private final LoopbackSink sink = TestReceivers.sink();

    @BeforeAll
    static void startTwoNodes() throws Exception {
        String url = EmbeddedPostgresSupport.newDatabase();
        nodeA = TestNodes.start(Files.createTempDirectory("tocsin-node-a"), CLOCK_A, TestNodes.onPostgres(url,
                "--tocsin.monitors.enabled=false", "--tocsin.delivery.enabled=false", "--tocsin.node-name=a"));
        nodeB = TestNodes.start(Files.createTempDirectory("tocsin-node-b"), CLOCK_B, TestNodes.onPostgres(url,
                "--tocsin.monitors.enabled=false", "--tocsin.delivery.enabled=false", "--tocsin.node-name=b"));
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

    @AfterEach
    void clocksInStep() {
        CLOCK_B.set(CLOCK_A.instant());
    }

    private static Http api(ConfigurableApplicationContext node) {
        return TestNodes.http(node, Http.ADMIN_KEY);
    }

    private static void advanceBoth(Duration d) {
        CLOCK_A.advance(d);
        CLOCK_B.set(CLOCK_A.instant());
    }

    private static void drainBoth() {
        assertThat(nodeA.getBean(Delivery.class).drain(Duration.ofSeconds(10))).isTrue();
        assertThat(nodeB.getBean(Delivery.class).drain(Duration.ofSeconds(10))).isTrue();
    }

    /** The idempotency keys of the messages a request carried: one, or a webhook batch's. */
    private static List<String> keysIn(LoopbackSink.Request request) {
        JsonNode body = Http.parse(request.body());
        List<String> keys = new ArrayList<>();
        if ("tocsin.batch".equals(body.get("type").asString())) {
            body.get("messages").forEach(m -> keys.add(m.get("idempotency_key").asString()));
        } else {
            keys.add(body.get("idempotency_key").asString());
        }
        return keys;
    }

    /**
     * A webhook limited to 3 requests in any 2 s: node a fills the window, then a burst of send-test calls, half on
     * each node. Counted per node, node b found its own window empty and sent at once, 6 requests within the first
     * 2 s. Counted in the database, the receiver sees at most 3 in any 2 s (a little less, for the database's clock
     * read before a lock wait), and every message exactly once.
     */
    @Test
    void twoNodesKeepToOneRateLimitTogetherAndSendEveryMessageOnce() throws Exception {
        int first = 3;
        int messages = 16;
        double sentByA = webhooksSent(nodeA);
        double sentByB = webhooksSent(nodeB);
        List<CompletableFuture<Http.Response>> calls = new ArrayList<>();
        for (int i = 0; i < first; i++) {
            Http.Response r = api(nodeA).post("/api/v1/channels/shared-limit/test", "");
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            calls.add(CompletableFuture.completedFuture(r));
        }
        ExecutorService pool = Executors.newFixedThreadPool(messages);
        try {
            for (int i = first; i < messages; i++) {
                Http api = api(i % 2 == 0 ? nodeA : nodeB);
                calls.add(CompletableFuture.supplyAsync(() -> api.post("/api/v1/channels/shared-limit/test", ""), pool));
            }
            for (CompletableFuture<Http.Response> call : calls) {
                Http.Response r = call.get(60, TimeUnit.SECONDS);
                assertThat(r.status()).as(r.body()).isIn(200, 202);
            }
        } finally {
            pool.shutdown();
        }
        drainBoth();

        List<LoopbackSink.Request> requests = sink.requests("/hook/shared-limit");
        // Which node sends a held message is a race between their dispatchers (node a may send them all); the calls
        // came through both, and both nodes' requests are counted against the one window.
        assertThat(webhooksSent(nodeA) - sentByA + webhooksSent(nodeB) - sentByB).as("messages the two nodes sent")
                .isEqualTo(messages);
        assertThat(requests).as("more requests than one window has room for").hasSizeGreaterThan(3);
        for (int i = 0; i + 3 < requests.size(); i++) {
            long gap = requests.get(i + 3).receivedNanos() - requests.get(i).receivedNanos();
            assertThat(Duration.ofNanos(gap)).as("requests " + i + " and " + (i + 3) + " of " + requests.size())
                    .isGreaterThan(Duration.ofMillis(1800));
        }
        List<String> keys = requests.stream().flatMap(r -> keysIn(r).stream()).toList();
        assertThat(keys).as("every message once").hasSize(messages).doesNotHaveDuplicates()
                .allMatch(k -> k.startsWith("test:channel:shared-limit:"));
        for (CompletableFuture<Http.Response> call : calls) {
            long id = call.get().json().get("message_id").asLong();
            JsonNode row = find(api(nodeB).get("/api/v1/outbox?status=sent&limit=1000").json(), id);
            assertThat(row).as("message " + id + " sent").isNotNull();
        }
    }

    /**
     * A 429 holds back the destination, not just the message it answered: the other node sends nothing there until
     * the Retry-After has passed, whether it came in seconds or as an HTTP date, and then everything goes.
     */
    @Test
    void aRetryAfterHoldsTheDestinationOnEveryNodeInSecondsOrAsADate() {
        sink.script("/hook/throttles", new Answer(429, "slow down", "30", 0));
        Http.Response throttled = api(nodeA).post("/api/v1/channels/throttles/test", "");
        assertThat(throttled.status()).as(throttled.body()).isEqualTo(502);
        assertThat(throttled.json().get("http_status").asInt()).isEqualTo(429);
        assertThat(Instant.parse(throttled.json().get("next_attempt_at").asString())).isEqualTo(CLOCK_A.instant().plusSeconds(30));

        Http.Response held = api(nodeB).post("/api/v1/channels/throttles/test", "");
        assertThat(held.status()).as(held.body()).isEqualTo(202);
        assertThat(Instant.parse(held.json().get("held_until").asString())).isEqualTo(CLOCK_B.instant().plusSeconds(30));
        advanceBoth(Duration.ofSeconds(29));
        drainBoth();
        assertThat(sink.requests("/hook/throttles")).as("nothing sent while the receiver asked us to wait").hasSize(1);

        advanceBoth(Duration.ofSeconds(1));
        drainBoth();
        assertThat(sink.requests("/hook/throttles")).as("both messages once the wait is over").hasSize(3);

        Instant until = CLOCK_B.instant().plusSeconds(60);
        sink.script("/hook/throttles", new Answer(429, "slow down",
                DateTimeFormatter.RFC_1123_DATE_TIME.format(until.atOffset(ZoneOffset.UTC)), 0));
        assertThat(api(nodeB).post("/api/v1/channels/throttles/test", "").status()).isEqualTo(502);
        Http.Response heldByDate = api(nodeA).post("/api/v1/channels/throttles/test", "");
        assertThat(heldByDate.status()).as(heldByDate.body()).isEqualTo(202);
        assertThat(Instant.parse(heldByDate.json().get("held_until").asString())).isEqualTo(until);
        advanceBoth(Duration.ofSeconds(59));
        drainBoth();
        assertThat(sink.requests("/hook/throttles")).hasSize(4);
        advanceBoth(Duration.ofSeconds(1));
        drainBoth();
        assertThat(sink.requests("/hook/throttles")).hasSize(6);
    }

    /**
     * A 503 with Retry-After (a receiver under maintenance) speaks for the destination as a 429 does: of three queued
     * messages, the first is answered so, and neither node sends the other two (each would spend an attempt on the
     * same 503) until the time is over. Then all three go; only the first spent an attempt on the 503.
     */
    @Test
    void aServiceUnavailableWithRetryAfterHoldsTheQueuedMessagesOnEveryNode() {
        sink.script("/hook/maintenance", new Answer(503, "down for maintenance", "120", 0));
        List<String> keys = new ArrayList<>();
        TransactionTemplate tx = nodeA.getBean(TransactionTemplate.class);
        Outbox outbox = nodeA.getBean(Outbox.class);
        for (int i = 0; i < 3; i++) {
            String key = "maintenance:" + UUID.randomUUID();
            keys.add(key);
            tx.executeWithoutResult(status -> outbox.enqueue(new Outbox.NewMessage(key, null, null, "webhook",
                    "channel:maintenance", "test", "Tocsin test message",
                    Map.of("destination", "channel:maintenance", "now", "now"))));
        }
        drainBoth();
        assertThat(sink.requests("/hook/maintenance")).as("the first message only").hasSize(1);
        assertThat(keysIn(sink.requests("/hook/maintenance").get(0))).containsExactly(keys.get(0));

        Http.Response held = api(nodeB).post("/api/v1/channels/maintenance/test", "");
        assertThat(held.status()).as(held.body()).isEqualTo(202);
        assertThat(Instant.parse(held.json().get("held_until").asString()))
                .isEqualTo(CLOCK_B.instant().plusSeconds(120));
        advanceBoth(Duration.ofSeconds(119));
        drainBoth();
        assertThat(sink.requests("/hook/maintenance")).as("nothing while the receiver is under maintenance").hasSize(1);

        advanceBoth(Duration.ofSeconds(1));
        drainBoth();
        assertThat(sink.requests("/hook/maintenance")).as("every message once the time is over").hasSize(5);
        JsonNode sent = api(nodeB).get("/api/v1/outbox?status=sent&limit=1000").json();
        for (String key : keys) {
            long id = outbox.findByKey(key).orElseThrow().id();
            assertThat(find(sent, id).get("attempts").asInt()).as(key).isEqualTo(key.equals(keys.get(0)) ? 2 : 1);
        }
    }

    /**
     * A message written on a node whose clock is ahead, refused, and retried by hand on a node 10 minutes behind goes
     * out "before" it was written. Micrometer drops a negative time with a warning, so the delivery time counted one
     * message fewer than were sent; it is counted as zero.
     */
    @Test
    void aMessageSentByANodeWhoseClockIsBehindTheWritersIsStillTimed() {
        sink.script("/hook/skewed", Answer.status(400, "not yet"));
        Http.Response refused = api(nodeA).post("/api/v1/channels/skewed/test", "");
        assertThat(refused.status()).as(refused.body()).isEqualTo(502);
        assertThat(refused.json().get("status").asString()).isEqualTo("failed");

        CLOCK_B.set(CLOCK_A.instant().minus(Duration.ofMinutes(10)));
        long id = refused.json().get("message_id").asLong();
        assertThat(api(nodeB).post("/api/v1/outbox/" + id + "/retry", "").status()).isEqualTo(200);
        assertThat(nodeB.getBean(Delivery.class).drain(Duration.ofSeconds(10))).isTrue();
        assertThat(find(api(nodeB).get("/api/v1/outbox?status=sent&limit=1000").json(), id)).isNotNull();

        String metrics = metrics(nodeB);
        double sent = metric(metrics, "tocsin_notifications_sent_total");
        assertThat(sent).isGreaterThanOrEqualTo(1);
        assertThat(metric(metrics, "tocsin_notifications_delivery_seconds_count"))
                .as("every message sent is timed").isEqualTo(sent);
        assertThat(metric(metrics, "tocsin_notifications_delivery_seconds_sum"))
                .isGreaterThanOrEqualTo(0);
    }

    private static String metrics(ConfigurableApplicationContext node) {
        return TestNodes.http(node, null).get("/actuator/prometheus").body();
    }

    private static double webhooksSent(ConfigurableApplicationContext node) {
        return metric(metrics(node), "tocsin_notifications_sent_total");
    }

    /** The webhook channel's sample of a meter in the Prometheus text; zero before it has one. */
    private static double metric(String metrics, String name) {
        for (String line : metrics.split("\n")) {
            if (line.startsWith(name + "{") && line.contains("channel=\"webhook\"")) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return 0;
    }

    private static JsonNode find(JsonNode rows, long id) {
        for (JsonNode row : rows) {
            if (row.get("id").asLong() == id) {
                return row;
            }
        }
        return null;
    }
}
