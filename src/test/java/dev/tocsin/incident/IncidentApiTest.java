package dev.tocsin.incident;

import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.tocsin.ApiTest;
import dev.tocsin.Http;
import dev.tocsin.timeline.Timeline;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/** The incident REST API: declare, lifecycle, roles, impact, notes, updates, listing and the timeline. */
class IncidentApiTest extends ApiTest {

    @Autowired
    Timeline timeline;

    @Autowired
    TransactionTemplate tx;

    private long declare(String title, String service, String severity) {
        Http.Response r = api.post("/api/v1/incidents", """
                {"title":"%s","service":"%s","severity":"%s"}""".formatted(title, service, severity));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().get("id").asLong();
    }

    @Test
    void declaringAnIncidentAnswers201WithItsLocation() {
        Http.Response r = api.as(Http.WRITE_KEY).post("/api/v1/incidents", """
                {"title":"Checkout returns 502","description":"Since the 10:40 deploy","service":"checkout","severity":"P1",
                 "impact":{"users_affected":1200,"services_affected":["checkout","billing"],"data_loss":false,"financial_impact":"~$2k/h"},
                 "roles":{"incident_commander":"ana","technical_lead":"bo"}}""");

        assertThat(r.status()).isEqualTo(201);
        long id = r.json().get("id").asLong();
        assertThat(r.header("Location")).isEqualTo("/api/v1/incidents/" + id);
        JsonNode incident = incident(id);
        assertThat(incident.get("status").asString()).isEqualTo("triggered");
        assertThat(incident.get("origin").asString()).isEqualTo("declared");
        assertThat(incident.get("roles").get("incident_commander").asString()).isEqualTo("ana");
        assertThat(incident.get("roles").get("technical_lead").asString()).isEqualTo("bo");
        assertThat(incident.get("impact").get("users_affected").asLong()).isEqualTo(1200);
        assertThat(incident.get("impact").get("services_affected").toString()).isEqualTo("[\"checkout\",\"billing\"]");
        assertThat(incident.get("response_target").get("target").asString()).isEqualTo("15m");
        JsonNode timeline = api.get("/api/v1/incidents/" + id + "/timeline").json();
        assertThat(timeline.get(0).get("kind").asString()).isEqualTo("incident.declared");
        assertThat(timeline.get(0).get("actor").asString()).isEqualTo("user:ana");
        assertThat(timeline.findValuesAsString("kind")).containsExactly("incident.declared", "incident.role_assigned",
                "incident.role_assigned");
    }

    @Test
    void declaringDefaultsToTheMostUrgentSeverity() {
        Http.Response r = api.post("/api/v1/incidents", "{\"title\":\"Everything is down\",\"service\":\"checkout\"}");
        assertThat(r.json().get("severity").asString()).isEqualTo("P0");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "missing title          | {\"service\":\"checkout\"}                                                   | title",
            "blank title            | {\"title\":\"  \",\"service\":\"checkout\"}                                  | title",
            "missing service        | {\"title\":\"t\"}                                                            | service",
            "unknown service        | {\"title\":\"t\",\"service\":\"nope\"}                                       | service",
            "unknown severity       | {\"title\":\"t\",\"service\":\"checkout\",\"severity\":\"SEV9\"}             | severity",
            "unknown commander      | {\"title\":\"t\",\"service\":\"checkout\",\"roles\":{\"incident_commander\":\"zed\"}} | roles.incident_commander",
            "negative users         | {\"title\":\"t\",\"service\":\"checkout\",\"impact\":{\"users_affected\":-1}} | impact.users_affected",
            "users as text          | {\"title\":\"t\",\"service\":\"checkout\",\"impact\":{\"users_affected\":\"many\"}} | impact.users_affected",
            "unknown affected svc   | {\"title\":\"t\",\"service\":\"checkout\",\"impact\":{\"services_affected\":[\"x\"]}} | impact.services_affected[0]",
            "data loss as text      | {\"title\":\"t\",\"service\":\"checkout\",\"impact\":{\"data_loss\":\"maybe\"}} | impact.data_loss",
            "title of wrong type    | {\"title\":[1],\"service\":\"checkout\"}                                     | title",
            "unknown field          | {\"title\":\"t\",\"service\":\"checkout\",\"sevrity\":\"P1\"}                | sevrity",
            "malformed JSON         | {\"title\":                                                                  | body"})
    void invalidDeclarationsAreRefusedNamingTheField(String description, String body, String field) {
        Http.Response r = api.post("/api/v1/incidents", body);

        assertThat(r.status()).as(description + ": " + r.body()).isEqualTo(400);
        assertThat(r.header("Content-Type")).startsWith("application/problem+json");
        assertThat(r.json().get("errors").findValuesAsString("field")).as(r.body()).contains(field);
    }

    @Test
    void theLifecycleMovesForwardAndRecordsEachStep() {
        long id = declare("Search is slow", "checkout", "P2");
        clock.advance(Duration.ofMinutes(2));
        String acknowledgedAt = clock.instant().toString();
        assertThat(api.post("/api/v1/incidents/" + id + "/acknowledge", null).status()).isEqualTo(200);
        for (String status : List.of("investigating", "identified", "monitoring")) {
            Http.Response r = api.post("/api/v1/incidents/" + id + "/status", "{\"status\":\"" + status + "\",\"message\":\"step\"}");
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            assertThat(r.json().get("status").asString()).isEqualTo(status);
        }
        Http.Response resolved = api.post("/api/v1/incidents/" + id + "/resolve", "{\"resolution\":\"index rebuilt\"}");

        assertThat(resolved.json().get("status").asString()).isEqualTo("resolved");
        assertThat(resolved.json().get("resolution").asString()).isEqualTo("index rebuilt");
        assertThat(resolved.json().get("response_target").get("breached").asBoolean()).isFalse();
        JsonNode timeline = api.get("/api/v1/incidents/" + id + "/timeline").json();
        assertThat(timeline.findValuesAsString("kind")).containsExactly("incident.declared", "incident.acknowledged",
                "incident.status_changed", "incident.status_changed", "incident.status_changed", "incident.resolved");
        assertThat(timeline.get(1).get("actor").asString()).isEqualTo("api-key:bootstrap-admin");
        assertThat(timeline.get(1).get("occurred_at").asString()).isEqualTo(acknowledgedAt);
    }

    @Test
    void illegalTransitionsAnswer409AndChangeNothing() {
        long id = declare("Cache cold", "checkout", "P3");
        api.post("/api/v1/incidents/" + id + "/status", "{\"status\":\"investigating\"}");

        Http.Response back = api.post("/api/v1/incidents/" + id + "/status", "{\"status\":\"acknowledged\"}");
        assertThat(back.status()).isEqualTo(409);
        assertThat(back.json().get("detail").asString()).contains("investigating", "acknowledged");
        assertThat(api.post("/api/v1/incidents/" + id + "/status", "{\"status\":\"investigating\"}").status()).isEqualTo(409);

        api.post("/api/v1/incidents/" + id + "/resolve", null);
        assertThat(api.post("/api/v1/incidents/" + id + "/resolve", null).status()).isEqualTo(409);
        assertThat(api.post("/api/v1/incidents/" + id + "/acknowledge", null).status()).isEqualTo(409);
        assertThat(api.post("/api/v1/incidents/" + id + "/status", "{\"status\":\"monitoring\"}").status()).isEqualTo(409);
        assertThat(incident(id).get("status").asString()).isEqualTo("resolved");
    }

    @Test
    void aResolvedIncidentCanBeReopenedAndAnAcknowledgementUndone() {
        long id = declare("Flaky login", "checkout", "P2");
        api.post("/api/v1/incidents/" + id + "/acknowledge", null);
        Http.Response undone = api.post("/api/v1/incidents/" + id + "/status", "{\"status\":\"triggered\"}");
        assertThat(undone.json().get("acknowledged_at").isNull()).isTrue();

        api.post("/api/v1/incidents/" + id + "/resolve", null);
        Http.Response reopened = api.post("/api/v1/incidents/" + id + "/status", "{\"status\":\"triggered\",\"message\":\"back again\"}");
        assertThat(reopened.status()).isEqualTo(200);
        assertThat(reopened.json().get("resolved_at").isNull()).isTrue();
        assertThat(api.get("/api/v1/incidents/" + id + "/timeline").json().findValuesAsString("kind"))
                .contains("incident.unacknowledged", "incident.reopened");
    }

    @Test
    void anUnknownStatusIsABadRequest() {
        long id = declare("x", "checkout", "P3");
        Http.Response r = api.post("/api/v1/incidents/" + id + "/status", "{\"status\":\"on-fire\"}");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("errors").get(0).get("field").asString()).isEqualTo("status");
    }

    @Test
    void missingResponseTargetIsReportedAsABreach() {
        long id = declare("Orders stuck", "checkout", "P0");
        clock.advance(Duration.ofMinutes(6));
        JsonNode incident = incident(id);
        assertThat(incident.get("response_target").get("breached").asBoolean()).isTrue();
        assertThat(incident.get("response_target").get("seconds").asLong()).isEqualTo(300);
    }

    @Test
    void rolesAreAssignedAndCleared() {
        long id = declare("Email bounces", "billing", "P2");
        Http.Response assigned = api.put("/api/v1/incidents/" + id + "/roles/communications_lead", "{\"user\":\"bo\"}");
        assertThat(assigned.json().get("roles").get("communications_lead").asString()).isEqualTo("bo");

        assertThat(api.put("/api/v1/incidents/" + id + "/roles/communications_lead", "{\"user\":\"nobody\"}").status()).isEqualTo(400);
        assertThat(api.put("/api/v1/incidents/" + id + "/roles/janitor", "{\"user\":\"bo\"}").status()).isEqualTo(400);
        Http.Response cleared = api.delete("/api/v1/incidents/" + id + "/roles/communications_lead");
        assertThat(cleared.json().get("roles").get("communications_lead").isNull()).isTrue();
        assertThat(api.get("/api/v1/incidents/" + id + "/timeline").json().findValuesAsString("kind"))
                .contains("incident.role_assigned", "incident.role_cleared");
    }

    @Test
    void notesStatusUpdatesImpactAndSeverityLandOnTheTimeline() {
        long id = declare("Sync delayed", "billing", "P2");
        Http.Response note = api.post("/api/v1/incidents/" + id + "/notes", "{\"text\":\"<script>alert(1)</script> checked logs\"}");
        assertThat(note.status()).isEqualTo(201);
        assertThat(note.json().get("kind").asString()).isEqualTo("incident.note_added");
        assertThat(note.json().get("data").get("text").asString()).isEqualTo("<script>alert(1)</script> checked logs");
        assertThat(note.json().get("hash").asString()).hasSize(64);
        JsonNode readBack = api.get(note.header("Location")).json();
        assertThat(readBack).hasSize(1);
        assertThat(readBack.get(0).get("seq").asLong()).isEqualTo(note.json().get("seq").asLong());
        assertThat(readBack.get(0).get("hash").asString()).isEqualTo(note.json().get("hash").asString());
        Http.Response update = api.post("/api/v1/incidents/" + id + "/updates",
                "{\"message\":\"We are investigating delayed invoices. Next update in 30 min.\",\"status\":\"investigating\"}");
        assertThat(update.json().get("status").asString()).isEqualTo("investigating");
        Http.Response impact = api.put("/api/v1/incidents/" + id + "/impact", "{\"users_affected\":40,\"data_loss\":true}");
        assertThat(impact.json().get("impact").get("data_loss").asBoolean()).isTrue();
        Http.Response severity = api.put("/api/v1/incidents/" + id + "/severity", "{\"severity\":\"P1\"}");
        assertThat(severity.json().get("severity").asString()).isEqualTo("P1");
        assertThat(api.put("/api/v1/incidents/" + id + "/severity", "{\"severity\":\"P1\"}").status()).isEqualTo(409);

        JsonNode timeline = api.get("/api/v1/incidents/" + id + "/timeline").json();
        assertThat(timeline.findValuesAsString("kind")).contains("incident.note_added", "incident.status_changed",
                "incident.status_update", "incident.impact_updated", "incident.severity_changed");
        assertThat(timeline.toString()).contains("<script>alert(1)</script> checked logs");
    }

    private Http.Response patchImpact(Http as, long id, String json) {
        return as.send(as.request("/api/v1/incidents/" + id + "/impact")
                .header("Content-Type", "application/merge-patch+json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(json)));
    }

    @Test
    void aPatchOfTheImpactChangesTheFieldsItNamesAndKeepsTheOthers() {
        long id = declare("Impact, field by field", "checkout", "P2");
        Http.Response users = patchImpact(api, id, "{\"users_affected\":1200,\"services_affected\":[\"checkout\"]}");
        assertThat(users.status()).as(users.body()).isEqualTo(200);
        Http.Response loss = patchImpact(api.as(Http.WRITE_KEY), id, "{\"data_loss\":false,\"financial_impact\":\"~$5k/h\"}");
        assertThat(loss.status()).as(loss.body()).isEqualTo(200);
        assertThat(loss.json().get("impact").toString()).isEqualTo("""
                {"users_affected":1200,"services_affected":["checkout"],"data_loss":false,"financial_impact":"~$5k/h"}""");

        // null makes a field not known again; an empty list of services is none
        JsonNode cleared = patchImpact(api, id, "{\"users_affected\":null,\"services_affected\":[]}").json();
        assertThat(cleared.get("impact").toString()).isEqualTo("""
                {"users_affected":null,"services_affected":[],"data_loss":false,"financial_impact":"~$5k/h"}""");
        assertThat(patchImpact(api, id, "{\"data_loss\":false}").status()).as("the same figure again").isEqualTo(200);
        List<JsonNode> entries = api.get("/api/v1/incidents/" + id + "/timeline").json().valueStream()
                .filter(e -> e.get("kind").asString().equals("incident.impact_updated")).toList();
        assertThat(entries).as("a change that changes nothing is not recorded").hasSize(3);
        assertThat(entries.get(1).get("data").get("previous").toString())
                .as("the fields it changed, as they were").isEqualTo("{\"data_loss\":null,\"financial_impact\":null}");
        assertThat(entries.get(2).get("data").get("previous").toString())
                .isEqualTo("{\"users_affected\":1200,\"services_affected\":[\"checkout\"]}");
    }

    @Test
    void patchesOfDifferentImpactFieldsAtTheSameMomentKeepEachOthersChanges() throws Exception {
        long id = declare("Two responders recording the impact", "checkout", "P1");
        int rounds = 25;
        CountDownLatch start = new CountDownLatch(1);
        Thread financial = new Thread(() -> {
            await(start);
            for (int i = 1; i <= rounds; i++) {
                assertThat(patchImpact(api, id, "{\"financial_impact\":\"round " + i + "\"}").status()).isEqualTo(200);
            }
        });
        financial.start();
        start.countDown();
        for (int i = 1; i <= rounds; i++) {
            assertThat(patchImpact(api, id, "{\"users_affected\":" + i + "}").status()).isEqualTo(200);
        }
        financial.join(TimeUnit.SECONDS.toMillis(60));
        JsonNode impact = api.get("/api/v1/incidents/" + id).json().get("impact");
        assertThat(impact.get("users_affected").asLong()).isEqualTo(rounds);
        assertThat(impact.get("financial_impact").asString()).isEqualTo("round " + rounds);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "not an object      | [1,2]                               | body",
            "empty object       | {}                                  | body",
            "unknown field      | {\"users\":5}                       | users",
            "users as text      | {\"users_affected\":\"many\"}         | users_affected",
            "negative users     | {\"users_affected\":-1}              | users_affected",
            "unknown service    | {\"services_affected\":[\"nowhere\"]} | services_affected[0]",
            "data loss as text  | {\"data_loss\":\"maybe\"}              | data_loss",
            "not JSON           | {\"data_loss\":                      | body",
            "users too many     | {\"users_affected\":123456789012345678901234567890} | users_affected",
            "users infinite     | {\"users_affected\":1e400}            | users_affected",
    })
    void badImpactPatchesAreRefusedNamingTheFieldAndChangeNothing(String description, String body, String field) {
        long id = declare("Impact kept", "billing", "P3");
        assertThat(patchImpact(api, id, "{\"users_affected\":7}").status()).isEqualTo(200);
        Http.Response r = patchImpact(api, id, body);
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.json().get("errors").findValuesAsString("field")).containsExactly(field);
        assertThat(api.get("/api/v1/incidents/" + id).json().get("impact").get("users_affected").asLong()).isEqualTo(7);
    }

    @Test
    void aRefusedImpactReplacementNamesEachFieldAsTheBodyHasIt() {
        long id = declare("Impact replaced", "billing", "P3");
        Http.Response r = api.put("/api/v1/incidents/" + id + "/impact", "{\"users_affected\":-1,"
                + "\"services_affected\":[\"nowhere\"],\"financial_impact\":\"" + "x".repeat(501) + "\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.json().get("errors").findValuesAsString("field"))
                .containsExactly("users_affected", "services_affected[0]", "financial_impact");
    }

    @Test
    void anImpactPatchNeedsTheWriteScopeAndAnIncidentThatExists() {
        long id = declare("Impact guarded", "billing", "P3");
        assertThat(patchImpact(api.as(Http.READ_KEY), id, "{\"data_loss\":true}").status()).isEqualTo(403);
        assertThat(patchImpact(api.as(null), id, "{\"data_loss\":true}").status()).isEqualTo(401);
        assertThat(patchImpact(api, 999_999, "{\"data_loss\":true}").status()).isEqualTo(404);
        Http.Response text = api.send(api.request("/api/v1/incidents/" + id + "/impact")
                .header("Content-Type", "text/plain").method("PATCH", HttpRequest.BodyPublishers.ofString("x")));
        assertThat(text.status()).isEqualTo(415);
        assertThat(api.get("/api/v1/incidents/" + id).json().get("impact").get("data_loss").isNull()).isTrue();
    }

    @Test
    void emptyNotesAndUpdatesAreRefused() {
        long id = declare("x", "billing", "P3");
        assertThat(api.post("/api/v1/incidents/" + id + "/notes", "{\"text\":\"\"}").status()).isEqualTo(400);
        assertThat(api.post("/api/v1/incidents/" + id + "/updates", "{}").status()).isEqualTo(400);
        assertThat(api.post("/api/v1/incidents/" + id + "/notes", "{\"text\":\"" + "n".repeat(10_001) + "\"}").status())
                .isEqualTo(400);
    }

    @Test
    void listingFiltersByStatusServiceSeverityAndTime() {
        clock.advance(Duration.ofDays(30));
        String since = clock.instant().toString();
        long a = declare("A", "billing", "P1");
        long b = declare("B", "checkout", "P1");
        long c = declare("C", "billing", "P3");
        api.post("/api/v1/incidents/" + c + "/resolve", null);
        clock.advance(Duration.ofHours(1));
        String until = clock.instant().toString();
        long d = declare("D", "billing", "P1");

        assertThat(ids("/api/v1/incidents?since=" + since + "&until=" + until)).containsExactly(c, b, a);
        assertThat(ids("/api/v1/incidents?since=" + since + "&service=billing")).containsExactly(d, c, a);
        assertThat(ids("/api/v1/incidents?since=" + since + "&severity=P1&service=billing")).containsExactly(d, a);
        assertThat(ids("/api/v1/incidents?since=" + since + "&status=resolved")).containsExactly(c);
        assertThat(ids("/api/v1/incidents?since=" + since + "&status=open")).containsExactly(d, b, a);
        JsonNode page = api.get("/api/v1/incidents?since=" + since + "&limit=2").json();
        assertThat(page.get("incidents")).hasSize(2);
        JsonNode last = api.get("/api/v1/incidents?since=" + since + "&limit=2&before=" + page.get("next_before").asLong())
                .json();
        assertThat(last.findValues("id").stream().map(JsonNode::asLong).toList()).containsExactly(b, a);
        assertThat(last.get("next_before").isNull()).as("a full page with nothing after it is the last").isTrue();
    }

    @Test
    void badListParametersAreRefused() {
        assertThat(api.get("/api/v1/incidents?status=sleeping").status()).isEqualTo(400);
        assertThat(api.get("/api/v1/incidents?since=yesterday").json().get("errors").get(0).get("field").asString())
                .isEqualTo("since");
        assertThat(api.get("/api/v1/incidents?limit=0").status()).isEqualTo(400);
        assertThat(api.get("/api/v1/incidents?limit=abc").status()).isEqualTo(400);
        assertThat(api.get("/api/v1/incidents?severity=P9").json().get("errors").get(0).get("field").asString())
                .isEqualTo("severity");
        assertThat(api.get("/api/v1/incidents?severity=P1,P2").status()).isEqualTo(400);
        assertThat(api.get("/api/v1/incidents?service=shop").json().get("errors").get(0).get("field").asString())
                .isEqualTo("service");
    }

    /** ApiTest sets the timeline's lock timeout to 3 s; the default is 10 s, as H2's own. */
    @Test
    void aChangeThatWaitsTooLongForTheTimelineIsA503AndChangesNothing() throws Exception {
        long id = declare("Busy database", "billing", "P3");
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread holder = new Thread(() -> tx.executeWithoutResult(status -> {
            timeline.lock();
            held.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        holder.start();
        try {
            assertThat(held.await(30, TimeUnit.SECONDS)).isTrue();
            Http.Response r = api.post("/api/v1/incidents/" + id + "/acknowledge", null);
            assertThat(r.status()).as(r.body()).isEqualTo(503);
            assertThat(r.header("Retry-After")).isEqualTo("1");
            assertThat(r.json().get("detail").asString()).contains("nothing was changed");
        } finally {
            release.countDown();
            holder.join();
        }
        assertThat(api.get("/api/v1/incidents/" + id).json().get("status").asString()).isEqualTo("triggered");
        assertThat(api.post("/api/v1/incidents/" + id + "/acknowledge", null).status()).isEqualTo(200);
    }

    @Test
    void unknownIncidentsAre404AndMalformedIdsAre400() {
        assertThat(api.get("/api/v1/incidents/999999").status()).isEqualTo(404);
        assertThat(api.post("/api/v1/incidents/999999/acknowledge", null).status()).isEqualTo(404);
        assertThat(api.get("/api/v1/incidents/abc").status()).isEqualTo(400);
        assertThat(api.get("/api/v1/incidents/999999/timeline").status()).isEqualTo(404);
    }

    private List<Long> ids(String path) {
        Http.Response r = api.get(path);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json().get("incidents").findValues("id").stream().map(JsonNode::asLong).toList();
    }
}
