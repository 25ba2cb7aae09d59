package dev.tocsin.alert;

import java.nio.file.Path;

import dev.tocsin.Http;
import dev.tocsin.TestNodes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Alerts stored before V13 moved their changing part to {@code alert_state} read back unchanged after the upgrade, and
 * later events fold into them as before.
 */
class AlertStateMigrationTest {

    @TempDir
    Path dataDir;

    private ConfigurableApplicationContext node;

    @AfterEach
    void stopNode() {
        if (node != null) {
            node.close();
        }
    }

    @Test
    void alertsFromBeforeTheSplitKeepTheirStateAndTakeNewEvents() {
        node = TestNodes.start(dataDir, null, "--spring.flyway.target=12");
        // Two alerts as version 12 stored them: one open that repeated twice, one resolved.
        JdbcClient jdbc = node.getBean(JdbcClient.class);
        jdbc.sql("""
                INSERT INTO alert (id, service_id, dedup_key, status, intake, severity, summary, source, component,
                    event_group, event_class, custom_details, links, images, incident_id, event_count, first_seen_at,
                    last_seen_at, acknowledged_at, resolved_at)
                VALUES (1, 'checkout', 'disk-full', 'acknowledged', 'events-v2', 'error', 'Disk 97% full', 'db-1',
                    'disk', 'storage', 'capacity', '{"mount":"/var"}', NULL, NULL, NULL, 3,
                    TIMESTAMP WITH TIME ZONE '2026-02-28 09:00:00+00', TIMESTAMP WITH TIME ZONE '2026-02-28 09:10:00+00',
                    TIMESTAMP WITH TIME ZONE '2026-02-28 09:05:00+00', NULL),
                  (2, 'checkout', 'cert-expiry', 'resolved', 'events-v2', 'warning', 'TLS certificate expires in 7 days',
                    'edge', NULL, NULL, NULL, NULL, NULL, NULL, NULL, 1,
                    TIMESTAMP WITH TIME ZONE '2026-02-27 08:00:00+00', TIMESTAMP WITH TIME ZONE '2026-02-27 12:00:00+00',
                    NULL, TIMESTAMP WITH TIME ZONE '2026-02-27 12:00:00+00')""").update();
        node.close();

        node = TestNodes.start(dataDir, null);
        Http http = TestNodes.http(node, Http.ADMIN_KEY);

        JsonNode open = alert(http, "disk-full");
        assertThat(open.get("status").asString()).isEqualTo("acknowledged");
        assertThat(open.get("severity").asString()).isEqualTo("error");
        assertThat(open.get("summary").asString()).isEqualTo("Disk 97% full");
        assertThat(open.get("event_count").asInt()).isEqualTo(3);
        assertThat(open.get("source").asString()).isEqualTo("db-1");
        assertThat(open.get("first_seen_at").asString()).isEqualTo("2026-02-28T09:00:00Z");
        assertThat(open.get("last_seen_at").asString()).isEqualTo("2026-02-28T09:10:00Z");
        assertThat(open.get("acknowledged_at").asString()).isEqualTo("2026-02-28T09:05:00Z");
        JsonNode resolved = alert(http, "cert-expiry");
        assertThat(resolved.get("status").asString()).isEqualTo("resolved");
        assertThat(resolved.get("resolved_at").asString()).isEqualTo("2026-02-27T12:00:00Z");

        // The open alert is still the one a repeat folds into, and a resolve closes it.
        assertThat(enqueue(http, "trigger", "disk-full", "Disk 99% full", "critical")).isEqualTo(202);
        open = alert(http, "disk-full");
        assertThat(open.get("id").asLong()).isEqualTo(1);
        assertThat(open.get("event_count").asInt()).isEqualTo(4);
        assertThat(open.get("summary").asString()).isEqualTo("Disk 99% full");
        assertThat(open.get("severity").asString()).isEqualTo("critical");
        assertThat(enqueue(http, "resolve", "disk-full", null, null)).isEqualTo(202);
        assertThat(alert(http, "disk-full").get("status").asString()).isEqualTo("resolved");
        assertThat(http.get("/api/v1/alerts?status=resolved").json().size()).isEqualTo(2);
    }

    private static JsonNode alert(Http http, String dedupKey) {
        JsonNode alerts = http.get("/api/v1/alerts?dedup_key=" + dedupKey).json();
        assertThat(alerts.size()).as(dedupKey).isEqualTo(1);
        return alerts.get(0);
    }

    private static int enqueue(Http http, String action, String dedupKey, String summary, String severity) {
        String payload = summary == null ? ""
                : ",\"payload\":{\"summary\":\"" + summary + "\",\"source\":\"db-1\",\"severity\":\"" + severity + "\"}";
        return http.post("/v2/enqueue", "{\"routing_key\":\"test-checkout-key-000001\",\"event_action\":\"" + action
                + "\",\"dedup_key\":\"" + dedupKey + "\"" + payload + "}").status();
    }
}
