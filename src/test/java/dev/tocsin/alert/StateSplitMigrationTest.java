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
 * Alerts and incidents stored before V13 and V14 moved their changing parts to {@code alert_state} and
 * {@code incident_state} read back unchanged after the upgrade, and later changes apply to them as before.
 */
class StateSplitMigrationTest {

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

        // A new alert takes the next id after the stored ones (V16), and its repeats fold into it.
        assertThat(enqueue(http, "trigger", "cert-expiry", "TLS certificate expires in 6 days", "warning")).isEqualTo(202);
        assertThat(enqueue(http, "trigger", "cert-expiry", "TLS certificate expires in 6 days", "warning")).isEqualTo(202);
        JsonNode again = http.get("/api/v1/alerts?dedup_key=cert-expiry").json().get(0);
        assertThat(again.get("id").asLong()).isEqualTo(3);
        assertThat(again.get("event_count").asInt()).isEqualTo(2);
    }

    @Test
    void incidentsFromBeforeTheSplitKeepTheirStateAndCanBeResolved() {
        node = TestNodes.start(dataDir, null, "--spring.flyway.target=13");
        // An incident as version 13 stored it: acknowledged, with a commander, an impact and a breached target.
        node.getBean(JdbcClient.class).sql("""
                INSERT INTO incident (id, title, description, service_id, severity, status, origin, opened_at,
                    acknowledged_at, resolved_at, updated_at, commander, technical_lead, communications_lead,
                    users_affected, services_affected, data_loss, financial_impact, resolution, response_target_breached_at,
                    response_due_at, awaiting_response_since, snoozed_until)
                VALUES (7, 'Checkout errors', 'Card payments fail', 'checkout', 'P1', 'acknowledged', 'manual',
                    TIMESTAMP WITH TIME ZONE '2026-02-28 09:00:00+00', TIMESTAMP WITH TIME ZONE '2026-02-28 09:20:00+00',
                    NULL, TIMESTAMP WITH TIME ZONE '2026-02-28 09:30:00+00', 'ana', NULL, NULL, 1200, 'checkout,billing',
                    FALSE, NULL, NULL, TIMESTAMP WITH TIME ZONE '2026-02-28 09:15:00+00', NULL,
                    TIMESTAMP WITH TIME ZONE '2026-02-28 09:00:00+00', NULL)""").update();
        node.close();

        node = TestNodes.start(dataDir, null);
        Http http = TestNodes.http(node, Http.ADMIN_KEY);

        JsonNode incident = http.get("/api/v1/incidents/7").json();
        assertThat(incident.get("title").asString()).isEqualTo("Checkout errors");
        assertThat(incident.get("service").asString()).isEqualTo("checkout");
        assertThat(incident.get("severity").asString()).isEqualTo("P1");
        assertThat(incident.get("status").asString()).isEqualTo("acknowledged");
        assertThat(incident.get("opened_at").asString()).isEqualTo("2026-02-28T09:00:00Z");
        assertThat(incident.get("acknowledged_at").asString()).isEqualTo("2026-02-28T09:20:00Z");
        assertThat(incident.get("roles").get("incident_commander").asString()).isEqualTo("ana");
        assertThat(incident.get("impact").get("users_affected").asLong()).isEqualTo(1200);
        assertThat(incident.get("impact").get("services_affected").size()).isEqualTo(2);
        assertThat(incident.get("response_target").get("breached").asBoolean()).isTrue();
        assertThat(http.get("/api/v1/incidents?status=acknowledged").json().get("incidents").size()).isEqualTo(1);

        assertThat(http.post("/api/v1/incidents/7/resolve", "{\"resolution\":\"rolled back\"}").status()).isEqualTo(200);
        incident = http.get("/api/v1/incidents/7").json();
        assertThat(incident.get("status").asString()).isEqualTo("resolved");
        assertThat(incident.get("resolution").asString()).isEqualTo("rolled back");
        assertThat(incident.get("roles").get("incident_commander").asString()).isEqualTo("ana");
        assertThat(http.get("/api/v1/incidents?status=acknowledged").json().get("incidents").size()).isZero();
        // The next incident takes the next number.
        assertThat(http.post("/api/v1/incidents", "{\"title\":\"next\",\"service\":\"checkout\",\"severity\":\"P2\"}")
                .json().get("id").asLong()).isEqualTo(8);
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
