package dev.tocsin;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import dev.tocsin.engine.Engine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
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
        Path dir = Files.createTempDirectory("tocsin-node");
        return new SpringApplicationBuilder(TocsinApplication.class)
                .initializers(ctx -> ctx.getBeanFactory().registerSingleton("testClock", CLOCK))
                .run("--server.port=0", "--tocsin.data-dir=" + dir, "--tocsin.config=classpath:test-tocsin.yml",
                        "--tocsin.admin-key=" + Http.ADMIN_KEY, "--tocsin.engine.enabled=false",
                        "--spring.datasource.url=" + url, "--spring.datasource.username=postgres",
                        "--spring.datasource.password=postgres");
    }

    private static Http http(ConfigurableApplicationContext node, String key) {
        return new Http(((WebServerApplicationContext) node).getWebServer().getPort(), key);
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
}
