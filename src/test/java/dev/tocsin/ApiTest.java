package dev.tocsin;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.UUID;

import dev.tocsin.engine.Engine;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.util.FileSystemUtils;

/**
 * Base of the HTTP API tests: the real application on a random port, on H2 in a fresh data folder, with the
 * test configuration and a clock the tests turn. Subclasses share one application context.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "tocsin.config=classpath:test-tocsin.yml",
        "tocsin.admin-key=" + Http.ADMIN_KEY,
        "tocsin.engine.enabled=false",
        // Tests deliver the outbox themselves (Delivery.drain), so that what reaches a sink is what they sent.
        "tocsin.delivery.enabled=false",
        "tocsin.delivery.timeout=1500ms",
        // Likewise monitors: tests take the leases (MonitorEngine.housekeeping) and check on demand.
        "tocsin.monitors.enabled=false",
        // IncidentApiTest holds the timeline this long to see the 503; no other test waits for it near as long.
        "tocsin.timeline.lock-timeout=3s"})
@Import(ApiTest.Clocks.class)
public abstract class ApiTest {

    static {
        TestReceivers.start();
    }

    @TestConfiguration(proxyBeanMethods = false)
    static class Clocks {
        @Bean
        @Primary
        MutableClock testClock() {
            return new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
        }
    }

    @DynamicPropertySource
    static void dataDir(DynamicPropertyRegistry registry) throws IOException {
        ownDataDir(registry, "tocsin-api-test");
    }

    /**
     * A data folder (and so an application and a database) of a test class's own, for a class whose data the others'
     * would disturb, or that would disturb theirs: call it from the class's own {@code @DynamicPropertySource}.
     */
    protected static void ownDataDir(DynamicPropertyRegistry registry, String name) throws IOException {
        Path dir = Files.createTempDirectory(name);
        // Contexts are cached until the JVM exits, so the folder can only go then.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> FileSystemUtils.deleteRecursively(dir.toFile())));
        registry.add("tocsin.data-dir", dir::toString);
    }

    protected static final String CHECKOUT_KEY = "test-checkout-key-000001";
    protected static final String BILLING_KEY = "test-billing-key-0000001";
    protected static final String BATCH_KEY = "test-batch-key-000000001";

    @LocalServerPort
    protected int port;

    @Autowired
    protected MutableClock clock;

    @Autowired
    protected Engine engine;

    protected Http api;
    protected Http anonymous;

    @BeforeEach
    void clients() {
        api = new Http(port, Http.ADMIN_KEY);
        anonymous = new Http(port, null);
    }

    protected static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** A PagerDuty v2 trigger body. */
    protected static String trigger(String routingKey, String dedupKey, String summary, String severity) {
        return """
                {"routing_key":"%s","event_action":"trigger","dedup_key":"%s",
                 "payload":{"summary":"%s","source":"web-1","severity":"%s"}}""".formatted(routingKey, dedupKey, summary, severity);
    }

    protected static String action(String routingKey, String action, String dedupKey) {
        return """
                {"routing_key":"%s","event_action":"%s","dedup_key":"%s"}""".formatted(routingKey, action, dedupKey);
    }

    protected Http.Response enqueue(String body) {
        return anonymous.post("/v2/enqueue", body);
    }

    protected tools.jackson.databind.JsonNode alerts(String dedupKey) {
        return api.get("/api/v1/alerts?dedup_key=" + dedupKey).json();
    }

    /** The incident that the first alert listed for a dedup key belongs to. */
    protected long incidentOf(String dedupKey) {
        return alerts(dedupKey).get(0).get("incident_id").asLong();
    }

    /** An incident as the API answers it. */
    protected tools.jackson.databind.JsonNode incident(long id) {
        return api.get("/api/v1/incidents/" + id).json();
    }
}
