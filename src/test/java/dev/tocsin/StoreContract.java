package dev.tocsin;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import dev.tocsin.alert.IncidentAlerts;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The behaviours that depend on the database, written once and run on each engine we support (H2 and
 * PostgreSQL): same migrations, same SQL, same results.
 */
public abstract class StoreContract extends ApiTest {

    @Autowired
    IncidentAlerts incidentAlerts;

    @Test
    void dedupFoldsRepeatsAndAResolveFreesTheKey() {
        String key = unique("store-dedup");
        enqueue(trigger(CHECKOUT_KEY, key, "Replica lag", "error"));
        enqueue(trigger(CHECKOUT_KEY, key, "Replica lag", "error"));
        enqueue(action(CHECKOUT_KEY, "resolve", key));
        enqueue(trigger(CHECKOUT_KEY, key, "Replica lag", "error"));

        JsonNode found = alerts(key);
        assertThat(found).hasSize(2);
        assertThat(found.get(1).get("event_count").asInt()).isEqualTo(2);
        assertThat(found.get(1).get("status").asString()).isEqualTo("resolved");
        assertThat(found.get(0).get("status").asString()).isEqualTo("triggered");
    }

    /** A service's alert grouping with a window: the group's incident is joined only while it is that young. */
    @Test
    void aGroupsIncidentIsJoinedOnlyWithinItsWindow() {
        String region = unique("r");
        String body = """
                {"routing_key":"test-grouped-key-0000001","event_action":"trigger","dedup_key":"%s",
                 "payload":{"summary":"db down","source":"db-1","severity":"error","component":"db",
                 "custom_details":{"region":"%s"}}}""";
        String a = unique("a");
        String b = unique("b");
        String c = unique("c");
        enqueue(body.formatted(a, region));
        clock.advance(Duration.ofMinutes(29));
        enqueue(body.formatted(b, region));
        clock.advance(Duration.ofMinutes(2));
        enqueue(body.formatted(c, region));
        assertThat(incidentOf(b)).as("29 minutes after it opened").isEqualTo(incidentOf(a));
        assertThat(incidentOf(c)).as("31 minutes after: the window of 30 has passed").isNotEqualTo(incidentOf(a));
    }

    /** The dashboard's counts, one grouped statement over the open incidents' alerts. */
    @Test
    void alertsAreCountedPerIncident() {
        String group = "{}:{zone=\\\"" + unique("z") + "\\\"}";
        String a = unique("a");
        String b = unique("b");
        anonymous.post("/api/v1/integrations/alertmanager/" + CHECKOUT_KEY, """
                {"version":"4","groupKey":"%s","alerts":[{"status":"firing","labels":{"n":"1"},"fingerprint":"%s"},
                 {"status":"firing","labels":{"n":"2"},"fingerprint":"%s"}]}""".formatted(group, a, b));
        anonymous.post("/api/v1/integrations/alertmanager/" + CHECKOUT_KEY, """
                {"version":"4","groupKey":"%s","alerts":[{"status":"resolved","labels":{"n":"1"},"fingerprint":"%s"}]}"""
                .formatted(group, a));
        long grouped = incidentOf(a);
        long declared = api.post("/api/v1/incidents", "{\"title\":\"by hand\",\"service\":\"billing\"}").json()
                .get("id").asLong();

        Map<Long, IncidentAlerts.Count> counts = incidentAlerts.countsOf(List.of(grouped, declared));
        assertThat(counts).containsOnlyKeys(grouped);
        assertThat(counts.get(grouped)).isEqualTo(new IncidentAlerts.Count(2, 1));
        assertThat(incidentAlerts.countsOf(List.of())).isEmpty();
    }

    @Test
    void incidentsFilterByTimeStatusAndService() {
        clock.advance(Duration.ofDays(400));
        String since = clock.instant().toString();
        long first = api.post("/api/v1/incidents", "{\"title\":\"one\",\"service\":\"billing\",\"severity\":\"P2\"}").json()
                .get("id").asLong();
        clock.advance(Duration.ofMinutes(1));
        long second = api.post("/api/v1/incidents", "{\"title\":\"two\",\"service\":\"billing\",\"severity\":\"P1\"}").json()
                .get("id").asLong();
        api.post("/api/v1/incidents/" + first + "/resolve", null);

        JsonNode open = api.get("/api/v1/incidents?status=open&service=billing&since=" + since).json().get("incidents");
        assertThat(open.findValues("id").stream().map(JsonNode::asLong).toList()).containsExactly(second);
        JsonNode resolved = incident(first);
        assertThat(resolved.get("resolved_at").asString()).isEqualTo(clock.instant().toString());
    }

    @Test
    void incidentNumbersStayConsecutiveWithConcurrentOpeners() throws Exception {
        long first = declare("numbering: first");
        ExecutorService pool = Executors.newFixedThreadPool(6);
        List<Future<Long>> declared = new ArrayList<>();
        try {
            for (int t = 0; t < 6; t++) {
                int thread = t;
                declared.add(pool.submit(() -> declare("numbering " + thread)));
                pool.submit(() -> enqueue(trigger(CHECKOUT_KEY, unique("numbering-" + thread), "Numbering", "error")));
            }
            List<Long> ids = new ArrayList<>();
            for (Future<Long> f : declared) {
                ids.add(f.get());
            }
            assertThat(ids).doesNotHaveDuplicates();
        } finally {
            pool.shutdown();
            assertThat(pool.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        }
        long last = declare("numbering: last");
        // Alerts and people opened incidents at the same time, on different transactions: no number was skipped.
        assertThat(last - first).isGreaterThanOrEqualTo(13);
        for (long id = first; id <= last; id++) {
            assertThat(api.get("/api/v1/incidents/" + id).status()).as("incident " + id).isEqualTo(200);
        }
    }

    private long declare(String title) {
        return api.post("/api/v1/incidents", "{\"title\":\"" + title + "\",\"service\":\"checkout\"}").json().get("id").asLong();
    }

    @Test
    void concurrentWritersKeepTheChainUnbroken() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int thread = t;
                results.add(pool.submit(() -> {
                    int ok = 0;
                    for (int i = 0; i < 25; i++) {
                        String key = "chain-" + thread + "-" + i;
                        ok += enqueue(trigger(CHECKOUT_KEY, key, "Concurrent " + key, "info")).status() == 202 ? 1 : 0;
                        if (i % 5 == 0) {
                            ok += api.post("/api/v1/incidents", "{\"title\":\"by hand " + key + "\",\"service\":\"checkout\"}")
                                    .status() == 201 ? 1 : 0;
                        }
                    }
                    return ok;
                }));
            }
            for (Future<Integer> r : results) {
                assertThat(r.get()).isEqualTo(30);
            }
        } finally {
            pool.shutdown();
        }
        JsonNode verify = api.get("/api/v1/audit/verify").json();
        assertThat(verify.get("ok").asBoolean()).as(verify.toString()).isTrue();
    }

    @Test
    void aMissedHeartbeatIsClaimedAndAlertedOnce() {
        assertThat(anonymous.post("/api/v1/heartbeat/" + BATCH_KEY + "/nightly-backup", null).status()).isEqualTo(200);
        clock.advance(Duration.ofHours(2));
        engine.runCycle();
        engine.runCycle();
        JsonNode found = alerts("heartbeat:nightly-backup");
        assertThat(found.get(0).get("status").asString()).isEqualTo("triggered");
        assertThat(found.get(0).get("event_count").asInt()).isEqualTo(1);
        anonymous.post("/api/v1/heartbeat/" + BATCH_KEY + "/nightly-backup", null);
        assertThat(alerts("heartbeat:nightly-backup").get(0).get("status").asString()).isEqualTo("resolved");
    }

    @Test
    void aResponseTargetIsClaimedAndBreachedOnce() {
        long id = api.post("/api/v1/incidents", "{\"title\":\"store: nobody answers\",\"service\":\"billing\",\"severity\":\"P0\"}")
                .json().get("id").asLong();
        clock.advance(Duration.ofMinutes(6));
        engine.runCycle();
        engine.runCycle();
        List<String> kinds = new ArrayList<>();
        api.get("/api/v1/incidents/" + id + "/timeline").json().forEach(e -> kinds.add(e.get("kind").asString()));
        assertThat(kinds).containsOnlyOnce("incident.response_target_breached");
    }

    @Test
    void apiKeysAndChangeEventsAreStored() {
        JsonNode created = api.post("/api/v1/api-keys", "{\"name\":\"store-key\",\"scope\":\"write\",\"user\":\"bo\"}").json();
        assertThat(api.as(created.get("secret").asString()).get("/api/v1/incidents?limit=1").status()).isEqualTo(200);

        String summary = unique("Deploy");
        anonymous.post("/v2/change/enqueue", """
                {"routing_key":"%s","payload":{"summary":"%s","timestamp":"2026-02-27T23:59:59.123Z"}}""".formatted(BILLING_KEY, summary));
        JsonNode changes = api.get("/api/v1/changes?service=billing&since=2026-02-27T00:00:00Z").json();
        JsonNode change = null;
        for (JsonNode c : changes) {
            if (c.get("summary").asString().equals(summary)) {
                change = c;
            }
        }
        assertThat(change).isNotNull();
        assertThat(change.get("occurred_at").asString()).isEqualTo("2026-02-27T23:59:59.123Z");
    }
}
