package dev.tocsin.alert;

import java.net.http.HttpRequest;
import java.util.List;
import java.util.stream.Stream;

import dev.tocsin.ApiTest;
import dev.tocsin.Http;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/** PagerDuty Events API v2 compatibility, through HTTP against the running server. */
class EventsApiTest extends ApiTest {

    @Test
    void triggerIsAcceptedWithItsDedupKeyAndOpensAnIncident() {
        String key = unique("db-down");
        Http.Response r = enqueue(trigger(CHECKOUT_KEY, key, "Database connection refused", "critical"));

        assertThat(r.status()).isEqualTo(202);
        assertThat(r.json().get("status").asString()).isEqualTo("success");
        assertThat(r.json().get("message").asString()).isEqualTo("Event processed");
        assertThat(r.json().get("dedup_key").asString()).isEqualTo(key);
        JsonNode alert = alerts(key).get(0);
        assertThat(alert.get("status").asString()).isEqualTo("triggered");
        assertThat(alert.get("service").asString()).isEqualTo("checkout");
        JsonNode incident = api.get("/api/v1/incidents/" + alert.get("incident_id").asLong()).json();
        assertThat(incident.get("title").asString()).isEqualTo("Database connection refused");
        assertThat(incident.get("severity").asString()).isEqualTo("P0");
        assertThat(incident.get("status").asString()).isEqualTo("triggered");
        assertThat(incident.get("origin").asString()).isEqualTo("alert");
    }

    @Test
    void triggerWithoutDedupKeyGetsAGeneratedOne() {
        Http.Response r = enqueue("""
                {"routing_key":"%s","event_action":"trigger",
                 "payload":{"summary":"Disk 91%% full","source":"db-1","severity":"warning"}}""".formatted(CHECKOUT_KEY));

        assertThat(r.status()).isEqualTo(202);
        String key = r.json().get("dedup_key").asString();
        assertThat(key).matches("[0-9a-f]{32}");
        assertThat(alerts(key)).hasSize(1);
    }

    @Test
    void repeatedTriggerFoldsIntoTheOpenAlert() {
        String key = unique("cpu");
        for (int i = 0; i < 3; i++) {
            assertThat(enqueue(trigger(CHECKOUT_KEY, key, "CPU high", "error")).status()).isEqualTo(202);
        }

        JsonNode found = alerts(key);
        assertThat(found).hasSize(1);
        assertThat(found.get(0).get("event_count").asInt()).isEqualTo(3);
        long incidentId = found.get(0).get("incident_id").asLong();
        assertThat(api.get("/api/v1/alerts?incident=" + incidentId).json()).hasSize(1);
        JsonNode kinds = api.get("/api/v1/incidents/" + incidentId + "/timeline").json();
        assertThat(kinds.findValuesAsString("kind")).containsExactly("incident.opened", "alert.triggered", "alert.repeated",
                "alert.repeated");
    }

    @Test
    void acknowledgeAndResolveFollowTheAlertToItsIncident() {
        String key = unique("api-5xx");
        long incidentId = triggerIncident(CHECKOUT_KEY, key, "5xx rate 12%", "error");

        assertThat(enqueue(action(CHECKOUT_KEY, "acknowledge", key)).status()).isEqualTo(202);
        assertThat(incident(incidentId).get("status").asString()).isEqualTo("acknowledged");
        assertThat(alerts(key).get(0).get("status").asString()).isEqualTo("acknowledged");

        assertThat(enqueue(action(CHECKOUT_KEY, "resolve", key)).status()).isEqualTo(202);
        JsonNode incident = incident(incidentId);
        assertThat(incident.get("status").asString()).isEqualTo("resolved");
        assertThat(incident.get("resolved_at").isNull()).isFalse();
        assertThat(alerts(key).get(0).get("status").asString()).isEqualTo("resolved");
    }

    @Test
    void resolveForAnUnknownKeyIsAcceptedAndChangesNothing() {
        String key = unique("never-triggered");
        Http.Response r = enqueue(action(CHECKOUT_KEY, "resolve", key));

        assertThat(r.status()).isEqualTo(202);
        assertThat(r.json().get("dedup_key").asString()).isEqualTo(key);
        assertThat(alerts(key)).isEmpty();
    }

    @Test
    void triggerAfterResolveOpensANewAlertAndIncident() {
        String key = unique("flappy");
        enqueue(trigger(CHECKOUT_KEY, key, "Queue backlog", "warning"));
        enqueue(action(CHECKOUT_KEY, "resolve", key));
        enqueue(trigger(CHECKOUT_KEY, key, "Queue backlog", "warning"));

        JsonNode found = alerts(key);
        assertThat(found).hasSize(2);
        assertThat(found.get(0).get("status").asString()).isEqualTo("triggered");
        assertThat(found.get(1).get("status").asString()).isEqualTo("resolved");
        assertThat(found.get(0).get("incident_id").asLong()).isNotEqualTo(found.get(1).get("incident_id").asLong());
    }

    @Test
    void eventSeverityMapsToTheIncidentScaleByDefault() {
        String[][] cases = {{"critical", "P0"}, {"error", "P1"}, {"warning", "P2"}, {"info", "P3"}};
        for (String[] c : cases) {
            String key = unique("sev-" + c[0]);
            long incidentId = triggerIncident(BILLING_KEY, key, "Invoice run slow", c[0]);
            assertThat(incident(incidentId).get("severity").asString()).isEqualTo(c[1]);
        }
    }

    @Test
    void aMoreUrgentRepeatRaisesTheIncidentSeverity() {
        String key = unique("mem");
        long incidentId = triggerIncident(CHECKOUT_KEY, key, "Memory 75%", "warning");
        enqueue(trigger(CHECKOUT_KEY, key, "Memory 90%", "critical"));

        assertThat(incident(incidentId).get("severity").asString()).isEqualTo("P0");
        assertThat(alerts(key).get(0).get("severity").asString()).isEqualTo("critical");
        enqueue(trigger(CHECKOUT_KEY, key, "Memory 72%", "warning"));
        assertThat(incident(incidentId).get("severity").asString()).isEqualTo("P0");
    }

    @Test
    void aRepeatMoreUrgentThanItsAlertButNotItsIncidentLeavesTheIncident() {
        String key = unique("disk");
        long incidentId = triggerIncident(CHECKOUT_KEY, key, "Disk 80%", "info");
        assertThat(api.put("/api/v1/incidents/" + incidentId + "/severity", "{\"severity\":\"P0\"}").status())
                .isEqualTo(200);

        enqueue(trigger(CHECKOUT_KEY, key, "Disk 90%", "warning"));

        assertThat(alerts(key).get(0).get("severity").asString()).isEqualTo("warning");
        assertThat(incident(incidentId).get("severity").asString()).isEqualTo("P0");
        JsonNode timeline = api.get("/api/v1/incidents/" + incidentId + "/timeline").json();
        assertThat(timeline.findValuesAsString("kind")).containsExactly("incident.opened", "alert.triggered",
                "incident.severity_changed", "alert.repeated");
    }

    @Test
    void resolvingAnIncidentByHandResolvesItsAlertsSoAStillFiringSenderOpensANewOne() {
        String key = unique("queue");
        long incidentId = triggerIncident(CHECKOUT_KEY, key, "Queue depth 1k", "info");
        assertThat(api.post("/api/v1/incidents/" + incidentId + "/resolve", "{\"resolution\":\"drained\"}").status())
                .isEqualTo(200);
        assertThat(alerts(key)).hasSize(1);
        assertThat(alerts(key).get(0).get("status").asString()).as("resolved with its incident").isEqualTo("resolved");
        JsonNode resolved = api.get("/api/v1/incidents/" + incidentId + "/timeline").json();
        assertThat(resolved.findValuesAsString("kind")).endsWith("incident.resolved", "alert.resolved");
        assertThat(resolved.get(resolved.size() - 1).get("actor").asString()).isEqualTo("api-key:bootstrap-admin");

        // The sender still fires, as PagerDuty's senders do: a new alert, a new incident, a new page.
        long next = triggerIncident(CHECKOUT_KEY, key, "Queue depth 50k", "critical");
        assertThat(next).isNotEqualTo(incidentId);
        assertThat(alerts(key)).hasSize(2);
        JsonNode incident = incident(incidentId);
        assertThat(incident.get("status").asString()).isEqualTo("resolved");
        assertThat(incident.get("severity").asString()).as("the old incident is left as it was").isEqualTo("P3");
        assertThat(incident(next).get("severity").asString()).isEqualTo("P0");
    }

    private static final String V1 = "/generic/2010-04-15/create_event.json";

    /** PagerDuty's legacy v1 API, as its reference shows it: the answer names the incident key, 200 not 202. */
    @Test
    void eventsApiV1TriggersAcknowledgesAndResolves() {
        String key = unique("srv01/HTTP");
        Http.Response r = anonymous.post(V1, """
                {"service_key":"%s","incident_key":"%s","event_type":"trigger",
                 "description":"FAILURE for production/HTTP on machine srv01.acme.com","client":"Nagios",
                 "client_url":"https://nagios.example.com/srv01","details":{"ping time":"1500ms","load avg":0.75},
                 "contexts":[{"type":"link","href":"https://example.com/graph","text":"Graph"},
                             {"type":"image","src":"https://example.com/chart.png","href":"https://example.com"}]}"""
                .formatted(CHECKOUT_KEY, key));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().get("status").asString()).isEqualTo("success");
        assertThat(r.json().get("message").asString()).isEqualTo("Event processed");
        assertThat(r.json().get("incident_key").asString()).isEqualTo(key);
        JsonNode alert = alerts(key).get(0);
        assertThat(alert.get("intake").asString()).isEqualTo("events-v1");
        assertThat(alert.get("summary").asString()).isEqualTo("FAILURE for production/HTTP on machine srv01.acme.com");
        assertThat(alert.get("source").asString()).isEqualTo("Nagios");
        assertThat(alert.get("severity").asString()).as("v1 has no severity: a page").isEqualTo("critical");
        assertThat(alert.get("custom_details").get("ping time").asString()).isEqualTo("1500ms");
        assertThat(alert.get("links").findValuesAsString("href"))
                .containsExactly("https://nagios.example.com/srv01", "https://example.com/graph");
        assertThat(alert.get("links").get(0).get("text").asString()).isEqualTo("View in Nagios");
        assertThat(alert.get("images").get(0).get("src").asString()).isEqualTo("https://example.com/chart.png");
        long incident = incidentOf(key);
        assertThat(incident(incident).get("severity").asString()).isEqualTo("P0");

        String ack = "{\"service_key\":\"" + CHECKOUT_KEY + "\",\"event_type\":\"acknowledge\",\"incident_key\":\"" + key + "\"}";
        assertThat(anonymous.post(V1, ack).status()).isEqualTo(200);
        assertThat(incident(incident).get("status").asString()).isEqualTo("acknowledged");
        assertThat(anonymous.post(V1, ack.replace("acknowledge", "resolve")).status()).isEqualTo(200);
        assertThat(incident(incident).get("status").asString()).isEqualTo("resolved");

        Http.Response generated = anonymous.post(V1, "{\"service_key\":\"" + CHECKOUT_KEY
                + "\",\"event_type\":\"trigger\",\"description\":\"no key\"}");
        assertThat(generated.json().get("incident_key").asString()).matches("[0-9a-f]{32}");
        assertThat(anonymous.get(V1).status()).isEqualTo(405);
        assertThat(anonymous.post(V1, "{}").status()).isEqualTo(400);
        String metrics = anonymous.get("/actuator/prometheus").body();
        assertThat(metrics).containsPattern("tocsin_ingest_request_seconds_count\\{.*intake=\"events-v1\".*status=\"200\".*} [1-9]")
                .containsPattern("tocsin_ingest_events_total\\{.*action=\"resolve\".*intake=\"events-v1\".*} [1-9]")
                .containsPattern("tocsin_ingest_rejected_total\\{.*intake=\"events-v1\".*reason=\"invalid\".*} [1-9]");
    }

    @Test
    void eventsApiV1RefusalsNameTheField() {
        java.util.Map<String, String> cases = new java.util.LinkedHashMap<>();
        cases.put("{\"event_type\":\"trigger\",\"description\":\"d\"}", "'service_key' is missing");
        cases.put("{\"service_key\":\"" + CHECKOUT_KEY + "\",\"event_type\":\"explode\"}", "'event_type' must be one of");
        cases.put("{\"service_key\":\"" + CHECKOUT_KEY + "\",\"event_type\":\"resolve\"}",
                "'incident_key' is required to resolve an incident");
        cases.put("{\"service_key\":\"" + CHECKOUT_KEY + "\",\"event_type\":\"trigger\"}", "'description' is missing");
        cases.put("{\"service_key\":\"" + CHECKOUT_KEY + "\",\"event_type\":\"trigger\",\"description\":\"d\","
                + "\"contexts\":[{\"type\":\"video\"},{\"type\":\"link\"}]}", "'contexts[0].type' must be link or image");
        cases.put("{\"service_key\":\"unknown-key-0000000000\",\"event_type\":\"trigger\",\"description\":\"d\"}",
                "'service_key' is not an integration key of any service");
        cases.forEach((body, error) -> {
            Http.Response r = anonymous.post(V1, body);
            assertThat(r.status()).as(body).isEqualTo(400);
            assertThat(r.json().get("status").asString()).isEqualTo("invalid event");
            assertThat(r.json().get("errors").toString()).as(body).contains(error);
        });
    }

    private static final String GROUPED_KEY = "test-grouped-key-0000001";
    private static final String STORM_KEY = "test-storm-key-00000001";

    private static String componentTrigger(String routingKey, String dedupKey, String component, String region) {
        return """
                {"routing_key":"%s","event_action":"trigger","dedup_key":"%s","payload":{"summary":"%s in %s is failing",
                 "source":"%s","severity":"error","component":"%s","custom_details":{"region":"%s"}}}"""
                .formatted(routingKey, dedupKey, component, region, dedupKey, component, region);
    }

    /**
     * PagerDuty's content-based alert grouping: on a service grouped by component and region within 30 minutes, a new
     * alert with the same values joins the open incident of the first; other values, or the window passed, open another.
     */
    @Test
    void aServiceGroupedByContentJoinsAlertsWithTheSameValuesToOneIncident() {
        String region = unique("eu");
        String a = unique("a");
        String b = unique("b");
        enqueue(componentTrigger(GROUPED_KEY, a, "db", region));
        enqueue(componentTrigger(GROUPED_KEY, b, "db", region));
        long first = incidentOf(a);
        assertThat(incidentOf(b)).as("same component and region").isEqualTo(first);
        assertThat(incident(first).get("title").asString()).isEqualTo("db in " + region + " is failing");
        String otherComponent = unique("c");
        String otherRegion = unique("d");
        enqueue(componentTrigger(GROUPED_KEY, otherComponent, "web", region));
        enqueue(componentTrigger(GROUPED_KEY, otherRegion, "db", unique("us")));
        assertThat(List.of(incidentOf(otherComponent), incidentOf(otherRegion))).doesNotContain(first).doesNotHaveDuplicates();
        JsonNode timeline = api.get("/api/v1/incidents/" + first + "/timeline").json();
        assertThat(timeline.get(0).get("kind").asString()).isEqualTo("incident.opened");
        assertThat(timeline.get(0).get("data").get("alert_group").asString())
                .isEqualTo("alert_grouping component=\"db\" labels.region=\"" + region + "\"");
        assertThat(timeline.findValues("joined_group_incident")).hasSize(1);

        clock.advance(java.time.Duration.ofMinutes(31));
        String late = unique("e");
        String later = unique("f");
        enqueue(componentTrigger(GROUPED_KEY, late, "db", region));
        enqueue(componentTrigger(GROUPED_KEY, later, "db", region));
        assertThat(incidentOf(late)).as("opened more than 30 minutes after the first").isNotEqualTo(first);
        assertThat(incidentOf(later)).as("and the group goes on in the new one").isEqualTo(incidentOf(late));
        assertThat(incident(first).get("status").asString()).as("the first stays open").isEqualTo("triggered");

        enqueue(action(GROUPED_KEY, "resolve", a));
        assertThat(incident(first).get("status").asString()).as("b still fires").isEqualTo("triggered");
        enqueue(action(GROUPED_KEY, "resolve", b));
        assertThat(incident(first).get("status").asString()).isEqualTo("resolved");
    }

    /** Time-based grouping without a window: every new alert of the service joins its open incident until it is resolved. */
    @Test
    void aServiceGroupedByTimeJoinsEveryAlertUntilTheIncidentIsResolved() {
        String a = unique("a");
        String b = unique("b");
        enqueue(componentTrigger(STORM_KEY, a, "db", "eu"));
        clock.advance(java.time.Duration.ofHours(3));
        enqueue(componentTrigger(STORM_KEY, b, "web", "us"));
        long incident = incidentOf(a);
        assertThat(incidentOf(b)).isEqualTo(incident);
        assertThat(api.post("/api/v1/incidents/" + incident + "/resolve", "{}").status()).isEqualTo(200);

        String c = unique("c");
        enqueue(componentTrigger(STORM_KEY, c, "db", "eu"));
        assertThat(incidentOf(c)).as("resolved by hand: the next alert opens a new one").isNotEqualTo(incident);
        assertThat(api.get("/api/v1/services/storm").json().get("alert_grouping").get("fields")).isEmpty();
        assertThat(api.get("/api/v1/services/grouped").json().get("alert_grouping").get("window").asString()).isEqualTo("30m");
    }

    @Test
    void routingRulesSetSeveritySuppressAndReroute() {
        String payment = unique("pay");
        enqueue(trigger(CHECKOUT_KEY, payment, "Payment provider timeouts", "warning"));
        long paymentIncident = incidentOf(payment);
        assertThat(incident(paymentIncident).get("severity").asString()).isEqualTo("P0");

        String staging = unique("staging");
        enqueue("""
                {"routing_key":"%s","event_action":"trigger","dedup_key":"%s",
                 "payload":{"summary":"Staging down","source":"stg-1","severity":"critical","custom_details":{"env":"staging"}}}"""
                .formatted(CHECKOUT_KEY, staging));
        JsonNode suppressed = alerts(staging).get(0);
        assertThat(suppressed.get("status").asString()).isEqualTo("triggered");
        assertThat(suppressed.get("incident_id").isNull()).isTrue();

        String shared = unique("shared-db");
        enqueue("""
                {"routing_key":"%s","event_action":"trigger","dedup_key":"%s",
                 "payload":{"summary":"Shared DB slow","source":"db","severity":"error","component":"shared-db"}}"""
                .formatted(BILLING_KEY, shared));
        long rerouted = incidentOf(shared);
        assertThat(incident(rerouted).get("service").asString()).isEqualTo("checkout");
    }

    /**
     * PagerDuty: "When a maintenance window ends ... incidents can start triggering again." A problem that began during
     * a window and is still reported after it must page: the sender's next trigger (Alertmanager re-sends a firing
     * alert every repeat_interval) opens the incident the window held back, instead of folding into the silenced alert.
     */
    @Test
    void aTriggerAfterAMaintenanceWindowEndsOpensTheIncidentTheWindowHeldBack() {
        java.time.Instant now = clock.instant();
        Http.Response window = api.post("/api/v1/maintenance-windows", """
                {"service":"maintained","start":"%s","end":"%s","reason":"short upgrade"}"""
                .formatted(now.minusSeconds(60), now.plus(java.time.Duration.ofMinutes(10))));
        assertThat(window.status()).as(window.body()).isEqualTo(201);
        String key = unique("outlasts-window");
        try {
            assertThat(enqueue(trigger("test-maintained-key-0001", key, "Error rate up", "critical")).status())
                    .isEqualTo(202);
            assertThat(alerts(key).get(0).get("incident_id").isNull()).as("silenced during the window").isTrue();

            clock.advance(java.time.Duration.ofMinutes(15));
            assertThat(enqueue(trigger("test-maintained-key-0001", key, "Error rate up", "critical")).status())
                    .isEqualTo(202);

            JsonNode alert = alerts(key).get(0);
            assertThat(alerts(key)).hasSize(1);
            assertThat(alert.get("event_count").asInt()).isEqualTo(2);
            assertThat(alert.get("incident_id").isNull()).as("the window is over: the still-firing alert pages").isFalse();
            long incidentId = alert.get("incident_id").asLong();
            assertThat(incident(incidentId).get("status").asString()).isEqualTo("triggered");
            assertThat(api.get("/api/v1/incidents/" + incidentId + "/timeline").json().findValuesAsString("kind"))
                    .containsExactly("incident.opened", "alert.repeated");
            // The incident resolves with its alert, as any other.
            enqueue(action("test-maintained-key-0001", "resolve", key));
            assertThat(incident(incidentId).get("status").asString()).isEqualTo("resolved");
        } finally {
            api.delete("/api/v1/maintenance-windows/" + window.json().get("id").asLong());
        }
    }

    @Test
    void optionalFieldsAreKeptOnTheAlert() {
        String key = unique("full");
        Http.Response r = enqueue("""
                {"routing_key":"%s","event_action":"trigger","dedup_key":"%s","client":"Grafana","client_url":"https://grafana.local",
                 "payload":{"summary":"Latency p99 2.3s","source":"lb-1","severity":"error","timestamp":"2015-07-17T08:42:58.315+0000",
                   "component":"nginx","group":"edge","class":"latency","custom_details":{"p99_ms":2300,"region":"eu"}},
                 "links":[{"href":"https://runbooks.local/latency","text":"Runbook"}],
                 "images":[{"src":"https://graphs.local/p99.png","alt":"p99"}]}""".formatted(CHECKOUT_KEY, key));

        assertThat(r.status()).isEqualTo(202);
        JsonNode alert = alerts(key).get(0);
        assertThat(alert.get("component").asString()).isEqualTo("nginx");
        assertThat(alert.get("group").asString()).isEqualTo("edge");
        assertThat(alert.get("event_class").asString()).isEqualTo("latency");
        assertThat(alert.get("custom_details").get("p99_ms").asInt()).isEqualTo(2300);
        assertThat(alert.get("links").get(0).get("href").asString()).as("client_url, first").isEqualTo("https://grafana.local");
        assertThat(alert.get("links").get(0).get("text").asString()).isEqualTo("View in Grafana");
        assertThat(alert.get("links").get(1).get("href").asString()).isEqualTo("https://runbooks.local/latency");
        assertThat(alert.get("links")).hasSize(2);
        assertThat(alert.get("images").get(0).get("src").asString()).isEqualTo("https://graphs.local/p99.png");

        String bare = unique("client");
        enqueue("""
                {"routing_key":"%s","event_action":"trigger","dedup_key":"%s","client_url":"https://nagios.local/host/web-1",
                 "payload":{"summary":"Host down","source":"web-1","severity":"critical"}}""".formatted(CHECKOUT_KEY, bare));
        assertThat(alerts(bare).get(0).get("links").toString())
                .isEqualTo("[{\"href\":\"https://nagios.local/host/web-1\",\"text\":\"View in the monitoring client\"}]");
    }

    @Test
    void unicodeSurvivesTheRoundTrip() {
        String key = unique("unicode");
        String summary = "Zahlung fehlgeschlagen — 支付失败 — الدفع فشل — 🔥";
        assertThat(enqueue(trigger(CHECKOUT_KEY, key, summary, "info")).status()).isEqualTo(202);
        assertThat(alerts(key).get(0).get("summary").asString()).isEqualTo(summary);
    }

    @Test
    void jsonSentWithAFormContentTypeStillWorks() {
        String key = unique("curl-default");
        Http.Response r = anonymous.postForm("/v2/enqueue", trigger(CHECKOUT_KEY, key, "Sent by curl -d", "info"));
        assertThat(r.status()).isEqualTo(202);
        assertThat(alerts(key)).hasSize(1);
    }

    @Test
    void changeEventsAreRecordedOnTheService() {
        String summary = unique("Deploy v2.4.1");
        Http.Response r = anonymous.post("/v2/change/enqueue", """
                {"routing_key":"%s","payload":{"summary":"%s","timestamp":"2026-03-01T09:58:00Z","source":"ci",
                 "custom_details":{"build":"142"}},"links":[{"href":"https://ci.local/142"}]}""".formatted(BILLING_KEY, summary));

        assertThat(r.status()).isEqualTo(202);
        assertThat(r.json().get("status").asString()).isEqualTo("success");
        JsonNode changes = api.get("/api/v1/changes?service=billing&since=2026-01-01T00:00:00Z").json();
        assertThat(changes.findValuesAsString("summary")).contains(summary);
    }

    /** A service filter that names no service is a typo: an empty list would read as "no alerts, no deploys". */
    @Test
    void alertAndChangeListsRefuseAServiceThatDoesNotExistNamingTheParameter() {
        for (String path : List.of("/api/v1/alerts?service=nope", "/api/v1/changes?service=nope")) {
            Http.Response r = api.get(path);

            assertThat(r.status()).as(path).isEqualTo(400);
            assertThat(r.body()).as(path).contains("service").contains("nope");
        }
        assertThat(api.get("/api/v1/alerts?service=checkout").status()).isEqualTo(200);
    }

    @Test
    void answersCarryTheApiHeadersAndAreCounted() {
        Http.Response r = enqueue(trigger(CHECKOUT_KEY, unique("headers"), "s", "info"));

        assertThat(r.status()).isEqualTo(202);
        assertThat(r.header("Content-Type")).startsWith("application/json");
        assertThat(r.header("X-Content-Type-Options")).isEqualTo("nosniff");
        assertThat(r.header("Cache-Control")).isEqualTo("no-store");
        String metrics = anonymous.get("/actuator/prometheus").body();
        assertThat(metrics).containsPattern("tocsin_ingest_request_seconds_count\\{.*intake=\"events-v2\".*status=\"202\".*} [1-9]");
        assertThat(metrics).containsPattern("tocsin_ingest_events_total\\{.*action=\"trigger\".*intake=\"events-v2\".*} [1-9]");
    }

    @Test
    void requestThreadsRunBelowTheIntakeWriters() {
        assertThat(enqueue(trigger(CHECKOUT_KEY, unique("priority"), "s", "info")).status()).isEqualTo(202);

        // The server runs in this JVM: its request threads, which just answered, and the writers, which committed.
        List<Thread> threads = List.copyOf(Thread.getAllStackTraces().keySet());
        assertThat(threads).filteredOn(t -> t.getName().matches("http-nio-.*-exec-\\d+"))
                .isNotEmpty().allSatisfy(t -> assertThat(t.getPriority()).isEqualTo(Thread.MIN_PRIORITY));
        assertThat(threads).filteredOn(t -> t.getName().startsWith("tocsin-ingest-writer-"))
                .isNotEmpty().allSatisfy(t -> assertThat(t.getPriority()).isEqualTo(Thread.NORM_PRIORITY));
    }

    @Test
    void onlyPostIsAnswered() {
        for (String path : new String[] {"/v2/enqueue", "/v2/change/enqueue"}) {
            Http.Response r = anonymous.get(path);
            assertThat(r.status()).as(path).isEqualTo(405);
            assertThat(r.header("Allow")).isEqualTo("POST, OPTIONS");
            assertThat(r.json().get("message").asString()).contains("POST " + path);
        }
    }

    @Test
    void aBrowserOnAnotherOriginIsAllowedToSendEvents() {
        for (String path : new String[] {"/v2/enqueue", "/v2/change/enqueue"}) {
            Http.Response preflight = anonymous.send(anonymous.request(path)
                    .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                    .header("Origin", "https://wiki.example.com")
                    .header("Access-Control-Request-Method", "POST")
                    .header("Access-Control-Request-Headers", "content-type, x-requested-with"));
            assertThat(preflight.status()).as(path).isEqualTo(204);
            assertThat(preflight.header("Access-Control-Allow-Origin")).isEqualTo("*");
            assertThat(preflight.header("Access-Control-Allow-Methods")).isEqualTo("POST");
            assertThat(preflight.header("Access-Control-Allow-Headers")).isEqualTo("content-type, x-requested-with");
            assertThat(preflight.header("Access-Control-Max-Age")).isEqualTo("86400");
        }

        Http.Response sent = anonymous.send(anonymous.request("/v2/enqueue")
                .header("Origin", "https://wiki.example.com").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(trigger(CHECKOUT_KEY, unique("cors"), "from a page", "info"))));
        assertThat(sent.status()).isEqualTo(202);
        assertThat(sent.header("Access-Control-Allow-Origin")).isEqualTo("*");
        assertThat(sent.header("Access-Control-Allow-Credentials")).isNull();
        Http.Response refused = anonymous.send(anonymous.request("/v2/enqueue")
                .header("Origin", "https://wiki.example.com").POST(HttpRequest.BodyPublishers.ofString("{}")));
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.header("Access-Control-Allow-Origin")).as("a page can read why it was refused").isEqualTo("*");
    }

    @Test
    void aPreflightAskingForOddHeadersIsOfferedContentTypeOnly() {
        Http.Response preflight = anonymous.send(anonymous.request("/v2/enqueue")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://wiki.example.com")
                .header("Access-Control-Request-Headers", "content-type; x=<script>"));
        assertThat(preflight.status()).isEqualTo(204);
        assertThat(preflight.header("Access-Control-Allow-Headers")).isEqualTo("Content-Type");
    }

    @Test
    void anEmptyBodyIsRefused() {
        Http.Response r = anonymous.post("/v2/enqueue", null);
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("status").asString()).isEqualTo("invalid event");
    }

    static Stream<Arguments> invalidEvents() {
        String k = CHECKOUT_KEY;
        String longSummary = "x".repeat(1025);
        String longKey = "k".repeat(256);
        return Stream.of(
                Arguments.of("malformed JSON", "{\"routing_key\":", "not valid JSON"),
                Arguments.of("an array instead of an object", "[1,2]", "must be a JSON object"),
                Arguments.of("a bare string", "\"trigger\"", "must be a JSON object"),
                Arguments.of("no routing key", "{\"event_action\":\"trigger\",\"payload\":{\"summary\":\"s\",\"source\":\"s\",\"severity\":\"info\"}}", "'routing_key' is missing"),
                Arguments.of("unknown routing key", trigger("no-such-key-000000000", "x", "s", "info"), "'routing_key' is not an integration key"),
                Arguments.of("routing key of the wrong type", "{\"routing_key\":42,\"event_action\":\"resolve\",\"dedup_key\":\"x\"}", "'routing_key' must be a string"),
                Arguments.of("unknown action", action(k, "explode", "x"), "'event_action' must be one of"),
                Arguments.of("no action", "{\"routing_key\":\"" + k + "\"}", "'event_action' is missing"),
                Arguments.of("acknowledge without dedup key", "{\"routing_key\":\"" + k + "\",\"event_action\":\"acknowledge\"}", "'dedup_key' is required"),
                Arguments.of("resolve without dedup key", "{\"routing_key\":\"" + k + "\",\"event_action\":\"resolve\"}", "'dedup_key' is required"),
                Arguments.of("trigger without payload", "{\"routing_key\":\"" + k + "\",\"event_action\":\"trigger\"}", "'payload' is missing"),
                Arguments.of("payload of the wrong type", "{\"routing_key\":\"" + k + "\",\"event_action\":\"trigger\",\"payload\":\"boom\"}", "'payload' must be an object"),
                Arguments.of("no summary", "{\"routing_key\":\"" + k + "\",\"event_action\":\"trigger\",\"payload\":{\"source\":\"s\",\"severity\":\"info\"}}", "'payload.summary' is missing"),
                Arguments.of("blank summary", trigger(k, "x", "   ", "info"), "'payload.summary' is missing"),
                Arguments.of("summary of the wrong type", "{\"routing_key\":\"" + k + "\",\"event_action\":\"trigger\",\"payload\":{\"summary\":{},\"source\":\"s\",\"severity\":\"info\"}}", "'payload.summary' must be a string"),
                Arguments.of("summary over 1024 characters", trigger(k, "x", longSummary, "info"), "'payload.summary' is 1025 characters long; the limit is 1024"),
                Arguments.of("dedup key over 255 characters", trigger(k, longKey, "s", "info"), "'dedup_key' is 256 characters long; the limit is 255"),
                Arguments.of("no source", "{\"routing_key\":\"" + k + "\",\"event_action\":\"trigger\",\"payload\":{\"summary\":\"s\",\"severity\":\"info\"}}", "'payload.source' is missing"),
                Arguments.of("unknown severity", trigger(k, "x", "s", "apocalyptic"), "'payload.severity' must be one of critical, error, warning, info"),
                Arguments.of("severity in capitals", trigger(k, "x", "s", "CRITICAL"), "'payload.severity' must be one of"),
                Arguments.of("bad timestamp", "{\"routing_key\":\"" + k + "\",\"event_action\":\"trigger\",\"payload\":{\"summary\":\"s\",\"source\":\"s\",\"severity\":\"info\",\"timestamp\":\"yesterday\"}}", "'payload.timestamp' must be an ISO 8601 timestamp"),
                Arguments.of("links not an array", "{\"routing_key\":\"" + k + "\",\"event_action\":\"trigger\",\"payload\":{\"summary\":\"s\",\"source\":\"s\",\"severity\":\"info\"},\"links\":\"http://x\"}", "'links' must be an array"),
                Arguments.of("link without href", "{\"routing_key\":\"" + k + "\",\"event_action\":\"trigger\",\"payload\":{\"summary\":\"s\",\"source\":\"s\",\"severity\":\"info\"},\"links\":[{\"text\":\"t\"}]}", "'links[0].href' is missing"),
                Arguments.of("image without src", "{\"routing_key\":\"" + k + "\",\"event_action\":\"trigger\",\"payload\":{\"summary\":\"s\",\"source\":\"s\",\"severity\":\"info\"},\"images\":[{\"href\":\"h\"}]}", "'images[0].src' is missing"),
                Arguments.of("NUL character in summary", trigger(k, "x", "bad\\u0000byte", "info"), "'payload.summary' contains a NUL character"),
                Arguments.of("unpaired surrogate in dedup key", trigger(k, "x\\ud800", "s", "info"),
                        "'dedup_key' contains an unpaired surrogate (U+D800 at character 2)"),
                Arguments.of("surrogates in the wrong order in summary", trigger(k, "x", "\\udc00\\ud800", "info"),
                        "'payload.summary' contains an unpaired surrogate (U+DC00 at character 1)"),
                Arguments.of("unpaired surrogate in custom details", "{\"routing_key\":\"" + k + "\",\"event_action\":\"trigger\","
                        + "\"payload\":{\"summary\":\"s\",\"source\":\"s\",\"severity\":\"info\",\"custom_details\":{\"log\":\"cut \\ud83d\"}}}",
                        "'payload.custom_details' contains an unpaired surrogate (U+D83D at character 13)"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidEvents")
    void invalidEventsAreRefusedNamingTheField(String description, String body, String expectedError) {
        Http.Response r = enqueue(body);

        assertThat(r.status()).as(description).isEqualTo(400);
        assertThat(r.json().get("status").asString()).isEqualTo("invalid event");
        assertThat(r.json().get("message").asString()).isEqualTo("Event object is invalid");
        assertThat(r.json().get("errors").toString()).as(description).contains(expectedError);
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        Http.Response r = enqueue("""
                {"routing_key":"%s","event_action":"trigger","payload":{"summary":"","severity":"loud"}}""".formatted(CHECKOUT_KEY));
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("errors").toString())
                .contains("'payload.summary'", "'payload.source'", "'payload.severity'");
    }

    @Test
    void aBodyOverTheLimitIsRefusedWith413() {
        String huge = "{\"routing_key\":\"" + CHECKOUT_KEY + "\",\"padding\":\"" + "x".repeat(600 * 1024) + "\"}";
        assertThat(enqueue(huge).status()).isEqualTo(413);
    }

    @Test
    void aChunkedBodyOverTheLimitIsRefusedWith413() {
        byte[] huge = ("{\"routing_key\":\"" + CHECKOUT_KEY + "\",\"padding\":\"" + "x".repeat(600 * 1024) + "\"}").getBytes();
        // ofInputStream has no known length, so the client sends it chunked: only counting can catch it.
        Http.Response r = anonymous.send(anonymous.request("/v2/enqueue").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(huge))));
        assertThat(r.status()).isEqualTo(413);
    }

    @Test
    void aBodyJustUnderTheLimitIsAccepted() {
        String key = unique("big-details");
        String details = "y".repeat(500 * 1024);
        Http.Response r = enqueue("""
                {"routing_key":"%s","event_action":"trigger","dedup_key":"%s",
                 "payload":{"summary":"big","source":"s","severity":"info","custom_details":{"blob":"%s"}}}"""
                .formatted(CHECKOUT_KEY, key, details));
        assertThat(r.status()).isEqualTo(202);
    }

    /** Sends a trigger for a new key and returns the incident it opened. */
    private long triggerIncident(String routingKey, String key, String summary, String severity) {
        enqueue(trigger(routingKey, key, summary, severity));
        return incidentOf(key);
    }
}
