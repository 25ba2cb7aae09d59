package dev.tocsin;

import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import dev.tocsin.engine.Engine;
import dev.tocsin.engine.Timers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two nodes on one PostgreSQL under many writers at once: every answer is 2xx or a clear 4xx, every change answered
 * 2xx is on the ledger, the ledger verifies, and the same action sent to both nodes at once takes effect once. Each
 * load is bounded to a few seconds, or fewer requests on a busy machine.
 */
class TwoNodesUnderLoadTest {

    private static final String CHECKOUT = "test-checkout-key-000001";
    private static final String PAYMENTS = "test-payments-key-000001";
    private static final MutableClock CLOCK = new MutableClock(Instant.parse("2026-05-04T08:00:00Z"));
    private static ConfigurableApplicationContext nodeA;
    private static ConfigurableApplicationContext nodeB;

    @BeforeAll
    static void startTwoNodes() throws Exception {
        String url = EmbeddedPostgresSupport.newDatabase();
        nodeA = start(url);
        nodeB = start(url);
    }

    @AfterAll
    static void stop() {
        for (ConfigurableApplicationContext node : new ConfigurableApplicationContext[]{nodeA, nodeB}) {
            if (node != null) {
                node.close();
            }
        }
    }

    private static ConfigurableApplicationContext start(String url) throws Exception {
        return TestNodes.start(Files.createTempDirectory("tocsin-node"), CLOCK,
                TestNodes.onPostgres(url, "--tocsin.monitors.enabled=false", "--tocsin.timers.polling-interval=100ms"));
    }

    private static Http http(ConfigurableApplicationContext node) {
        return TestNodes.http(node, Http.WRITE_KEY);
    }

    private static ConfigurableApplicationContext either(int i) {
        return i % 2 == 0 ? nodeA : nodeB;
    }

    private static long openIncident(String routingKey, String dedup) {
        assertThat(TestNodes.http(nodeA, null).post("/v2/enqueue", trigger(routingKey, dedup)).status()).isEqualTo(202);
        return http(nodeB).get("/api/v1/alerts?dedup_key=" + dedup).json().get(0).get("incident_id").asLong();
    }

    private static long entries(JsonNode timeline, String kind) {
        return timeline.valueStream().filter(e -> e.get("kind").asString().equals(kind)).count();
    }

    private static String trigger(String routingKey, String dedup) {
        return """
                {"routing_key":"%s","event_action":"trigger","dedup_key":"%s",
                 "payload":{"summary":"card payments failing","source":"lb","severity":"error"}}""".formatted(routingKey, dedup);
    }

    private static String resolveEvent(String routingKey, String dedup) {
        return """
                {"routing_key":"%s","event_action":"resolve","dedup_key":"%s"}""".formatted(routingKey, dedup);
    }

    /** What a request was and how it was answered. */
    private record Answer(String what, long incident, int status, String body) {
    }

    @Test
    void manyWritersOnBothNodesKeepTheChainWholeAndAnswerNoServerError() throws Exception {
        String run = "load-" + System.nanoTime();
        List<Long> incidents = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            incidents.add(openIncident(i % 3 == 0 ? CHECKOUT : PAYMENTS, run + "-base-" + i));
        }
        Queue<Answer> answers = new ConcurrentLinkedQueue<>();
        AtomicBoolean loading = new AtomicBoolean(true);
        AtomicInteger counter = new AtomicInteger();
        int writers = 12;
        ExecutorService pool = Executors.newFixedThreadPool(writers + 2);
        List<CompletableFuture<?>> running = new ArrayList<>();
        try {
            for (int w = 0; w < writers; w++) {
                int writer = w;
                running.add(CompletableFuture.runAsync(() -> {
                    ThreadLocalRandom random = ThreadLocalRandom.current();
                    while (loading.get()) {
                        int n = counter.incrementAndGet();
                        Http api = http(either(n + writer));
                        long id = incidents.get(random.nextInt(incidents.size()));
                        String unique = run + "-" + n;
                        Http.Response r;
                        String what;
                        switch (random.nextInt(11)) {
                            case 0 -> { what = "ack"; r = api.post("/api/v1/incidents/" + id + "/acknowledge", "{}"); }
                            case 1 -> { what = "status"; r = api.post("/api/v1/incidents/" + id + "/status",
                                    "{\"status\":\"" + List.of("triggered", "acknowledged", "investigating", "monitoring")
                                            .get(random.nextInt(4)) + "\"}"); }
                            case 2 -> { what = "note:" + unique; r = api.post("/api/v1/incidents/" + id + "/notes",
                                    "{\"text\":\"" + unique + "\"}"); }
                            case 3 -> { what = "role"; r = api.put("/api/v1/incidents/" + id + "/roles/incident_commander",
                                    "{\"user\":\"" + (random.nextBoolean() ? "ana" : "bo") + "\"}"); }
                            case 4 -> { what = "update:" + unique; r = api.post("/api/v1/incidents/" + id + "/updates",
                                    "{\"message\":\"" + unique + "\"}"); }
                            case 5 -> { what = "resolve"; r = api.post("/api/v1/incidents/" + id + "/resolve",
                                    "{\"resolution\":\"" + unique + "\"}"); }
                            case 6 -> { what = "escalate"; r = api.post("/api/v1/incidents/" + id + "/escalate", "{}"); }
                            case 7 -> { what = "severity"; r = api.put("/api/v1/incidents/" + id + "/severity",
                                    "{\"severity\":\"" + List.of("P0", "P1", "P2", "P3").get(random.nextInt(4)) + "\"}"); }
                            case 8 -> { what = "heartbeat"; r = api.post("/api/v1/heartbeat/test-batch-key-000000001/nightly-backup", ""); }
                            default -> {
                                String key = run + "-alert-" + random.nextInt(20);
                                String routing = random.nextBoolean() ? CHECKOUT : PAYMENTS;
                                boolean resolve = random.nextInt(3) == 0;
                                what = resolve ? "alert-resolve" : "alert-trigger";
                                r = TestNodes.http(either(n), null).post("/v2/enqueue",
                                        resolve ? resolveEvent(routing, key) : trigger(routing, key));
                            }
                        }
                        answers.add(new Answer(what, id, r.status(), r.body()));
                    }
                }, pool));
            }
            // Time passes: escalation steps come due, heartbeats are missed, and both nodes' processors run.
            running.add(CompletableFuture.runAsync(() -> {
                int turn = 0;
                while (loading.get()) {
                    CLOCK.advance(Duration.ofMinutes(2));
                    nodeA.getBean(Timers.class).checkNow();
                    nodeB.getBean(Timers.class).checkNow();
                    either(turn++).getBean(Engine.class).runCycle();
                    sleep(40);
                }
            }, pool));
            running.add(CompletableFuture.runAsync(() -> {
                while (loading.get()) {
                    nodeB.getBean(Engine.class).runCycle();
                    sleep(25);
                }
            }, pool));
            // A few seconds, or fewer once enough requests were answered (a busy machine answers fewer).
            Instant until = Instant.now().plusSeconds(6);
            while (answers.size() < 300 && Instant.now().isBefore(until)) {
                Thread.sleep(50);
            }
        } finally {
            loading.set(false);
            CompletableFuture.allOf(running.toArray(CompletableFuture[]::new)).get();
            pool.shutdown();
        }

        assertThat(answers).as("requests sent").hasSizeGreaterThan(30);
        List<Answer> serverErrors = answers.stream().filter(a -> a.status() >= 500).toList();
        assertThat(serverErrors).as("answers with a server error").isEmpty();
        assertThat(answers.stream().filter(a -> a.status() >= 400 && a.status() != 409 && a.status() != 404).toList())
                .as("answers other than 2xx, 404 and 409").isEmpty();

        Http api = TestNodes.http(nodeB, Http.ADMIN_KEY);
        JsonNode verify = api.get("/api/v1/audit/verify").json();
        assertThat(verify.get("ok").asBoolean()).as(verify.toString()).isTrue();

        List<JsonNode> ledger = api.ledger();
        Map<String, Integer> entriesByKind = new HashMap<>();
        List<String> texts = new ArrayList<>();
        for (JsonNode e : ledger) {
            if (e.get("incident_id").isNull()) {
                continue;
            }
            entriesByKind.merge(e.get("incident_id").asLong() + "/" + e.get("kind").asString(), 1, Integer::sum);
            JsonNode data = e.get("data");
            for (String field : List.of("text", "message", "resolution")) {
                if (data.hasNonNull(field)) {
                    texts.add(data.get(field).asString());
                }
            }
        }
        Map<String, Integer> answeredByKind = new HashMap<>();
        for (Answer a : answers) {
            if (a.status() / 100 != 2) {
                continue;
            }
            if (a.what().startsWith("note:") || a.what().startsWith("update:")) {
                String text = a.what().substring(a.what().indexOf(':') + 1);
                assertThat(texts).as("the ledger holds what " + a.what() + " answered 2xx").contains(text);
            }
            String kind = switch (a.what()) {
                case "ack" -> "incident.acknowledged";
                case "resolve" -> "incident.resolved";
                case "escalate" -> "escalation.requested";
                case "severity" -> "incident.severity_changed";
                default -> null;
            };
            if (kind != null) {
                answeredByKind.merge(a.incident() + "/" + kind, 1, Integer::sum);
            }
        }
        answeredByKind.forEach((key, count) -> assertThat(entriesByKind.getOrDefault(key, 0))
                .as("ledger entries " + key).isGreaterThanOrEqualTo(count));
    }

    /**
     * Two people press the same button on two nodes at the same moment: one takes effect, the other is told it
     * already happened (409), and the ledger records the change once.
     */
    @Test
    void theSameActionOnBothNodesAtOnceTakesEffectOnce() throws Exception {
        String run = "twice-" + System.nanoTime();
        int rounds = 16;
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < rounds; i++) {
            ids.add(openIncident(PAYMENTS, run + "-" + i));
        }
        for (String action : List.of("acknowledge", "resolve")) {
            ExecutorService pool = Executors.newFixedThreadPool(2 * rounds);
            try {
                CountDownLatch go = new CountDownLatch(1);
                List<CompletableFuture<Integer>> both = new ArrayList<>();
                for (long id : ids) {
                    for (ConfigurableApplicationContext node : List.of(nodeA, nodeB)) {
                        both.add(CompletableFuture.supplyAsync(() -> {
                            await(go);
                            return http(node).post("/api/v1/incidents/" + id + "/" + action, "{}").status();
                        }, pool));
                    }
                }
                go.countDown();
                for (int i = 0; i < rounds; i++) {
                    List<Integer> statuses = List.of(both.get(2 * i).get(), both.get(2 * i + 1).get());
                    assertThat(statuses).as(action + " of incident " + ids.get(i) + " on both nodes")
                            .containsExactlyInAnyOrder(200, 409);
                }
            } finally {
                pool.shutdown();
            }
        }
        Http api = TestNodes.http(nodeA, Http.ADMIN_KEY);
        for (long id : ids) {
            JsonNode timeline = api.get("/api/v1/incidents/" + id + "/timeline").json();
            assertThat(entries(timeline, "incident.acknowledged"))
                    .as("acknowledgements of " + id).isEqualTo(1);
            assertThat(entries(timeline, "incident.resolved"))
                    .as("resolutions of " + id).isEqualTo(1);
        }
    }

    /**
     * Two people name the same incident commander on two nodes at once (or a client retries its PUT): both are told
     * the role is held as asked, and the timeline records the assignment once, not a second time "from ana to ana".
     */
    @Test
    void assigningTheSameResponderOnBothNodesAtOnceRecordsItOnce() throws Exception {
        String run = "role-" + System.nanoTime();
        int rounds = 12;
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < rounds; i++) {
            ids.add(openIncident(CHECKOUT, run + "-" + i));
        }
        ExecutorService pool = Executors.newFixedThreadPool(2 * rounds);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<CompletableFuture<Http.Response>> both = new ArrayList<>();
            for (long id : ids) {
                for (ConfigurableApplicationContext node : List.of(nodeA, nodeB)) {
                    both.add(CompletableFuture.supplyAsync(() -> {
                        await(go);
                        return http(node).put("/api/v1/incidents/" + id + "/roles/incident_commander", "{\"user\":\"ana\"}");
                    }, pool));
                }
            }
            go.countDown();
            for (CompletableFuture<Http.Response> answer : both) {
                assertThat(answer.get().status()).isEqualTo(200);
                assertThat(answer.get().json().get("roles").get("incident_commander").asString()).isEqualTo("ana");
            }
        } finally {
            pool.shutdown();
        }
        Http api = TestNodes.http(nodeA, Http.ADMIN_KEY);
        for (long id : ids) {
            JsonNode timeline = api.get("/api/v1/incidents/" + id + "/timeline").json();
            assertThat(entries(timeline, "incident.role_assigned"))
                    .as("assignments of " + id).isEqualTo(1);
        }
    }

    /**
     * The escalation timer comes due on both nodes while people acknowledge on both: either the step was taken
     * before the acknowledgement or not at all, and no level is paged twice.
     */
    @Test
    void acknowledgingWhileTheEscalationTimerFiresPagesEachStepOnce() throws Exception {
        String run = "ack-timer-" + System.nanoTime();
        int count = 16;
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add(openIncident(PAYMENTS, run + "-" + i));
        }
        ExecutorService pool = Executors.newFixedThreadPool(count);
        try {
            CLOCK.advance(Duration.ofMinutes(15));
            nodeA.getBean(Timers.class).checkNow();
            nodeB.getBean(Timers.class).checkNow();
            List<CompletableFuture<Integer>> acks = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                long id = ids.get(i);
                ConfigurableApplicationContext node = either(i);
                acks.add(CompletableFuture.supplyAsync(() ->
                        http(node).post("/api/v1/incidents/" + id + "/acknowledge", "{}").status(), pool));
            }
            for (CompletableFuture<Integer> ack : acks) {
                assertThat(ack.get()).isEqualTo(200);
            }
        } finally {
            pool.shutdown();
        }
        Thread.sleep(1000); // more polls on both nodes: time for a late or second step to show
        Http api = TestNodes.http(nodeB, Http.ADMIN_KEY);
        for (long id : ids) {
            JsonNode pages = api.get("/api/v1/incidents/" + id + "/escalation").json().get("pages");
            List<Integer> levels = pages.valueStream().map(p -> p.get("level").asInt()).toList();
            assertThat(levels).as("levels paged for " + id).doesNotHaveDuplicates();
            JsonNode timeline = api.get("/api/v1/incidents/" + id + "/timeline").json();
            List<String> kinds = timeline.valueStream().map(e -> e.get("kind").asString()).toList();
            int acked = kinds.indexOf("incident.acknowledged");
            assertThat(kinds.subList(acked, kinds.size())).as("after the acknowledgement of " + id)
                    .doesNotContain("incident.paged");
        }
        JsonNode verify = api.get("/api/v1/audit/verify").json();
        assertThat(verify.get("ok").asBoolean()).as(verify.toString()).isTrue();
    }

    /**
     * One person saves a schedule (an override added at a handoff) or a monitor on one node while another deletes it
     * on the other, and others read who is on call: a save answers with what it stored, never a 5xx because the
     * thing was gone by the time the answer was written, nor a 404 for a save that took effect.
     */
    @Test
    void savingWhileTheOtherNodeDeletesAnswersWhatWasSaved() throws Exception {
        String run = "edit-" + System.nanoTime();
        Queue<Answer> saves = new ConcurrentLinkedQueue<>();
        Queue<Answer> others = new ConcurrentLinkedQueue<>();
        AtomicBoolean editing = new AtomicBoolean(true);
        ExecutorService pool = Executors.newFixedThreadPool(10);
        List<CompletableFuture<?>> running = new ArrayList<>();
        try {
            for (int k = 0; k < 2; k++) {
                String schedule = run + "-schedule-" + k;
                String monitor = run + "-monitor-" + k;
                running.add(CompletableFuture.runAsync(() -> {
                    for (int i = 0; editing.get(); i++) {
                        Http.Response r = http(nodeA).put("/api/v1/schedules/" + schedule, """
                                {"time_zone":"UTC","layers":[{"name":"everyone","rotation":{"kind":"daily","users":["ana","bo"],
                                 "start":"2026-01-01T00:00"}}],
                                 "overrides":[{"user":"%s","start":"2026-05-04T00:00:00Z","end":"2026-05-05T00:00:00Z"}]}"""
                                .formatted(i % 2 == 0 ? "ana" : "bo"));
                        saves.add(new Answer("schedule:" + schedule, 0, r.status(), r.body()));
                    }
                }, pool));
                running.add(CompletableFuture.runAsync(() -> {
                    while (editing.get()) {
                        Http.Response r = http(nodeB).delete("/api/v1/schedules/" + schedule);
                        others.add(new Answer("delete schedule", 0, r.status(), r.body()));
                    }
                }, pool));
                running.add(CompletableFuture.runAsync(() -> {
                    while (editing.get()) {
                        Http.Response r = TestNodes.http(nodeB, Http.ADMIN_KEY).put("/api/v1/monitors/" + monitor, """
                                {"service":"monitored","type":"http","url":"http://127.0.0.1:9/%s"}""".formatted(monitor));
                        saves.add(new Answer("monitor:" + monitor, 0, r.status(), r.body()));
                    }
                }, pool));
                running.add(CompletableFuture.runAsync(() -> {
                    while (editing.get()) {
                        Http.Response r = TestNodes.http(nodeA, Http.ADMIN_KEY).delete("/api/v1/monitors/" + monitor);
                        others.add(new Answer("delete monitor", 0, r.status(), r.body()));
                    }
                }, pool));
            }
            running.add(CompletableFuture.runAsync(() -> {
                for (int i = 0; editing.get(); i++) {
                    Http.Response r = http(either(i)).get(i % 2 == 0 ? "/api/v1/oncall" : "/api/v1/schedules");
                    others.add(new Answer("read", 0, r.status(), r.body()));
                }
            }, pool));
            Thread.sleep(3000);
        } finally {
            editing.set(false);
            CompletableFuture.allOf(running.toArray(CompletableFuture[]::new)).get();
            pool.shutdown();
        }
        assertThat(saves).as("saves sent").hasSizeGreaterThan(20);
        for (Answer save : saves) {
            assertThat(save.status()).as(save.what() + ": " + save.body()).isIn(200, 201);
            assertThat(Http.parse(save.body()).get("id").asString()).isEqualTo(save.what().substring(save.what().indexOf(':') + 1));
        }
        for (Answer other : others) {
            assertThat(other.status()).as(other.what() + ": " + other.body()).isIn(200, 204, 404);
        }
        JsonNode verify = TestNodes.http(nodeA, Http.ADMIN_KEY).get("/api/v1/audit/verify").json();
        assertThat(verify.get("ok").asBoolean()).as(verify.toString()).isTrue();
    }

    /**
     * A person resolves the incident on one node while its alert repeats on the other: the repeat folds into the alert
     * before the resolution (and resolves with it) or opens a new alert with a new incident after it; never an open
     * alert whose incident is resolved, where its repeats would fold unseen.
     */
    @Test
    void resolvingWhileTheAlertRepeatsOnTheOtherNodeLeavesNoOpenAlertOnAResolvedIncident() throws Exception {
        String run = "repeat-" + System.nanoTime();
        int count = 16;
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add(openIncident(CHECKOUT, run + "-" + i));
        }
        ExecutorService pool = Executors.newFixedThreadPool(2 * count);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<CompletableFuture<Integer>> sent = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                long id = ids.get(i);
                String dedup = run + "-" + i;
                sent.add(CompletableFuture.supplyAsync(() -> {
                    await(go);
                    return http(nodeA).post("/api/v1/incidents/" + id + "/resolve", "{}").status();
                }, pool));
                sent.add(CompletableFuture.supplyAsync(() -> {
                    await(go);
                    return TestNodes.http(nodeB, null).post("/v2/enqueue", trigger(CHECKOUT, dedup)).status();
                }, pool));
            }
            go.countDown();
            for (int i = 0; i < count; i++) {
                assertThat(sent.get(2 * i).get()).isEqualTo(200);
                assertThat(sent.get(2 * i + 1).get()).isEqualTo(202);
            }
        } finally {
            pool.shutdown();
        }
        Http api = TestNodes.http(nodeA, Http.ADMIN_KEY);
        for (int i = 0; i < count; i++) {
            JsonNode alerts = api.get("/api/v1/alerts?dedup_key=" + run + "-" + i).json();
            assertThat(alerts.size()).as("alerts of " + run + "-" + i).isBetween(1, 2);
            for (JsonNode alert : alerts) {
                if (alert.get("status").asString().equals("triggered")) {
                    JsonNode incident = api.get("/api/v1/incidents/" + alert.get("incident_id").asLong()).json();
                    assertThat(incident.get("status").asString()).as("incident of open alert " + alert).isNotEqualTo("resolved");
                }
            }
        }
    }

    /**
     * Visitors keep the status page busy while incidents are declared: once a declaration is answered, the node that
     * answered it shows the incident. A page built while the declaration was still committing must not be kept as
     * if it were the page after it.
     */
    @Test
    void theStatusPageShowsAnIncidentOnceItsDeclarationIsAnswered() throws Exception {
        String run = "status-" + System.nanoTime();
        AtomicBoolean visiting = new AtomicBoolean(true);
        ExecutorService pool = Executors.newFixedThreadPool(3);
        List<CompletableFuture<?>> visitors = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        try {
            for (int v = 0; v < 3; v++) {
                visitors.add(CompletableFuture.runAsync(() -> {
                    while (visiting.get()) {
                        assertThat(TestNodes.http(nodeA, null).get("/status/summary.json").status()).isEqualTo(200);
                    }
                }, pool));
            }
            for (int i = 0; i < 25; i++) {
                String title = run + "-" + i;
                Http.Response declared = http(nodeA).post("/api/v1/incidents",
                        "{\"title\":\"" + title + "\",\"service\":\"billing\",\"severity\":\"P2\"}");
                assertThat(declared.status()).as(declared.body()).isEqualTo(201);
                String page = TestNodes.http(nodeA, null).get("/status/summary.json").body();
                if (!page.contains(title)) {
                    missing.add(title);
                }
            }
        } finally {
            visiting.set(false);
            CompletableFuture.allOf(visitors.toArray(CompletableFuture[]::new)).get();
            pool.shutdown();
        }
        assertThat(missing).as("declared incidents the status page did not show right after the 201").isEmpty();
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
