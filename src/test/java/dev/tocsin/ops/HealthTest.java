package dev.tocsin.ops;

import dev.tocsin.ApiTest;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/** Our own health, in the JSON shape of seed 000, and our metrics. */
class HealthTest extends ApiTest {

    @Test
    void basicHealthIsHealthy() {
        assertThat(anonymous.get("/health").json().get("status").asString()).isEqualTo("healthy");
    }

    @Test
    void deepHealthHasTheSeedsShape() {
        JsonNode deep = anonymous.get("/api/health/deep").json();
        // The test configuration has a channel whose environment variable is unset: degraded, and it says why.
        assertThat(deep.get("status").asString()).isEqualTo("degraded");
        assertThat(deep.get("production_ready").asBoolean()).isFalse();
        assertThat(deep.get("degraded_services").toString()).contains("channel:unset");
        assertThat(deep.get("open_circuits").isArray()).isTrue();
        assertThat(deep.get("circuit_breakers").isObject()).isTrue();
        assertThat(deep.get("degraded_services").isArray()).isTrue();
        assertThat(deep.get("memory").get("percent").asDouble()).isBetween(0.0, 100.0);
        assertThat(deep.get("database").get("status").asString()).isEqualTo("up");
        assertThat(deep.get("database").get("product").asString()).startsWith("H2");
        assertThat(deep.get("database").get("file_mb").asDouble()).as("the embedded file's size").isPositive();
    }

    @Test
    void prometheusMetricsIncludeIngestCountersAndLatencies() {
        enqueue(trigger(CHECKOUT_KEY, unique("metrics"), "Metrics", "info"));
        anonymous.get("/health");
        String metrics = anonymous.get("/actuator/prometheus").body();
        assertThat(metrics).contains("tocsin_ingest_events_total", "tocsin_ingest_request_seconds",
                "tocsin_ingest_commit_latency_seconds", "tocsin_ingest_batch_size", "tocsin_ingest_queue_depth",
                "tocsin_incidents_opened_total", "http_server_requests_seconds", "tocsin_database_file_size_bytes ");
    }

    @Test
    void theRootNamesTheServerAndItsEntryPoints() {
        JsonNode index = anonymous.get("/").json();
        assertThat(index.get("name").asString()).isEqualTo("Tocsin");
        assertThat(index.get("links").get("incidents").asString()).isEqualTo("/api/v1/incidents");
    }
}
