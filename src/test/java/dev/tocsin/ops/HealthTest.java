package dev.tocsin.ops;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.tocsin.ApiTest;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/** Our own health, in the JSON shape of seed 000, and our metrics. */
class HealthTest extends ApiTest {

    private static final Pattern HELP = Pattern.compile("# HELP (\\S+) ?(.*)");

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

    /** Prometheus shows a meter's description as its HELP line; an empty one leaves whoever reads a dashboard guessing. */
    @Test
    void everyTocsinMeterHasAHelpTextAndIsDocumented() throws Exception {
        enqueue(trigger(CHECKOUT_KEY, unique("help"), "Help texts", "critical"));
        long id = api.post("/api/v1/incidents", "{\"title\":\"Help texts\",\"service\":\"checkout\"}").json()
                .get("id").asLong();
        api.post("/api/v1/incidents/" + id + "/acknowledge", "");
        api.post("/api/v1/incidents/" + id + "/resolve", "{}");
        String documented = Files.readString(Path.of("docs/api.md"));
        List<String> families = new ArrayList<>();
        for (String line : anonymous.get("/actuator/prometheus").body().split("\n")) {
            Matcher help = HELP.matcher(line);
            if (help.matches() && help.group(1).startsWith("tocsin_")) {
                String family = help.group(1);
                families.add(family);
                assertThat(help.group(2)).as("the HELP text of " + family).isNotBlank();
                assertThat(documented).as(family + " in docs/api.md").contains("`" + family.replaceAll("_max$", ""));
            }
        }
        assertThat(families).contains("tocsin_ingest_events_total", "tocsin_incidents_opened_total",
                "tocsin_incidents_time_to_acknowledge_seconds", "tocsin_incidents_time_to_resolve_seconds",
                "tocsin_ingest_queue_depth");
    }

    @Test
    void theRootNamesTheServerAndItsEntryPoints() {
        JsonNode index = anonymous.get("/").json();
        assertThat(index.get("name").asString()).isEqualTo("Tocsin");
        assertThat(index.get("links").get("incidents").asString()).isEqualTo("/api/v1/incidents");
    }
}
